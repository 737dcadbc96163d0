"""The demo database's distribution rounds: something real for every screen and document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.domain.clock import FixedClock
from desktop_app.domain.receipts import parse_receipt_number
from desktop_app.services.context import AppContext, ServiceError, open_app
from desktop_app.services.demo import DemoOptions, populate_demo
from desktop_app.services.distribution import DistributionService
from tests.conftest import FIXED_NOW


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    ctx = open_app(path, actor="demo", clock=FixedClock(FIXED_NOW))
    try:
        summary = populate_demo(ctx, DemoOptions(scale="tiny", seed=7))
    finally:
        ctx.close()
    return path, summary


@pytest.fixture
def svc(demo: tuple[Path, dict[str, int]]) -> Iterator[DistributionService]:
    ctx: AppContext = open_app(demo[0], actor="petugas", clock=FixedClock(FIXED_NOW))
    yield DistributionService(ctx)
    ctx.close()


def test_three_rounds_in_their_states(demo, svc: DistributionService):
    assert demo[1]["distribution_rounds"] == len(svc.list_rounds()) == 3
    tahap3 = next(r for r in svc.list_rounds() if "Tahap III" in r.name)
    tahap4 = next(r for r in svc.list_rounds() if "Tahap IV" in r.name)
    rapelan = next(r for r in svc.list_rounds() if r.program_code == "RAPELAN")
    assert (tahap3.status, tahap4.status, rapelan.status) == ("closed", "open", "open")
    assert tahap3.entitled == demo[1]["kpm_rastrada"] == tahap4.entitled
    assert {p.kind for p in svc.points(tahap3.id)} == {"toko"}
    assert tahap4.points == 21 and rapelan.points == 1


def test_closed_round_mostly_received_some_by_proxy_some_absent(demo, svc):
    tahap3 = next(r for r in svc.list_rounds() if "Tahap III" in r.name)
    t = svc.totals(tahap3.id)
    assert t.received > 0.85 * t.entitled
    assert t.by_proxy > 0 and t.absent + t.refused > 0
    assert t.received == demo[1]["tahap3_received"]
    numbers = [r.number for r in svc.receipts(tahap3.id)]
    assert len(numbers) == len(set(numbers))
    assert {parse_receipt_number(n).device for n in numbers} <= {"LAP01", "LAP02", "LAP03", "LAP04"}
    # Every entry is served by a shop, and the closed round refuses new receipts.
    pending = svc.pending(tahap3.id)
    if pending:
        with pytest.raises(ServiceError, match="ditutup"):
            svc.receive(tahap3.id, pending[0].id)


def test_open_round_continues_at_the_counter(demo, svc):
    tahap4 = next(r for r in svc.list_rounds() if "Tahap IV" in r.name)
    before = svc.totals(tahap4.id)
    assert 0 < before.received < before.entitled
    entry = svc.pending(tahap4.id)[0]
    if svc.recipient_deceased(entry.id):
        entry = svc.pending(tahap4.id)[1]
    try:
        receipt = svc.receive(tahap4.id, entry.id)
    except ServiceError:
        pytest.fail("a pending recipient of the demo's open round could not be served")
    assert receipt.number.startswith(tahap4.code + "-")
    assert svc.totals(tahap4.id).received == before.received + 1


def test_documents_have_data(svc):
    tahap3 = next(r for r in svc.list_rounds() if "Tahap III" in r.name)
    recap = svc.recap(tahap3.id)
    assert len(recap.rows) >= 2 and recap.grand_total.entitled == tahap3.entitled
    docs = svc.receipt_docs(tahap3.id)
    assert any(d.collector_relation == "surat_kuasa" for d in docs) or any(
        d.collector_relation == "same_kk" for d in docs
    )
