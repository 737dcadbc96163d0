"""Every released bundle format stays importable (tests/data/sync-bundle-v*.bdl)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop_app.domain.clock import FixedClock
from desktop_app.services.context import open_app
from desktop_app.services.registry import PersonFilter, RegistryService
from desktop_app.services.sync import SyncService
from desktop_app.services.sync.bundle import FORMAT_VERSION
from desktop_app.services.sync.devices import DeviceService
from tests.sync import golden
from tests.sync.helpers import Site, accept_held

GOLDEN = sorted(golden.DATA.glob("sync-bundle-v*.bdl"))


def test_a_golden_bundle_exists_for_the_current_format() -> None:
    assert golden.bundle_path(FORMAT_VERSION) in GOLDEN


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_golden_bundle_imports_at_a_current_office(path: Path, tmp_path: Path) -> None:
    version = int(re.search(r"v(\d+)", path.stem).group(1))
    assert version <= FORMAT_VERSION
    ctx = open_app(tmp_path / "office.sqlite", clock=FixedClock(golden.GOLDEN_AT))
    try:
        golden.with_identity(ctx, golden.OFFICE_ID, "KANTOR", golden.seed("office"))
        DeviceService(ctx).register(
            golden.identity(golden.LAPTOP_ID, "LAP01", golden.seed("laptop"))
        )
        result = SyncService(ctx).import_bundle(path, ack_path=tmp_path / "ack.bdl")
        # The office holds none of it in the laptop's slice: every registry row it carries
        # waits as a proposal, and applies once accepted.
        assert result.exit_code == 1 and result.from_name == "LAP01"
        assert result.ack is not None and result.ack.path.exists()
        assert accept_held(Site("office", ctx, tmp_path / "office.sqlite")) == result.entries
        reg = RegistryService(ctx)
        rows = {r.name: r for r in reg.person_rows(reg.person_ids(PersonFilter()))}
        assert set(rows) == {"Contoh Kepala", "Contoh Istri"}
        assert rows["Contoh Istri"].status == "meninggal"
        [household] = reg.household_rows(reg.household_ids(PersonFilter(program_code="RASTRADA")))
        assert household.head_name == "Contoh Kepala" and household.members == 2
        assert SyncService(ctx).import_bundle(path, make_ack=False).already_imported
    finally:
        ctx.close()
