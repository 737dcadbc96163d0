"""An office after two laptops came back from an open round: receipts from both, one double claim,
a critical and an ordinary conflict, a change held in quarantine. Used by the GUI tests and to
take screenshots (`python -m tests.sync.scenario OUT_DIR`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desktop_app.domain.clock import FixedClock
from desktop_app.services.distribution import DistributionService, Proxy
from tests.conftest import FIXED_NOW
from tests.services.distribution_fixtures import World
from tests.sync.helpers import Site, accept_held, join, open_site, open_two_point_round, register


@dataclass
class Scenario:
    office: Site
    lap1: Site
    lap2: Site
    world: World
    round_id: str
    clock: FixedClock
    tmp: Path

    def close(self) -> None:
        for site in (self.office, self.lap1, self.lap2):
            site.ctx.close()


def build(tmp: Path, *, quarantine: bool = True) -> Scenario:
    clock = FixedClock(FIXED_NOW)
    office = open_site(tmp, "office", clock, durable=False)
    world, rid = open_two_point_round(office)
    laps = []
    for n, skew in ((1, -60_000), (2, 120_000)):
        lap = open_site(tmp, f"lap{n}", clock, skew_ms=skew, durable=False)
        register(office, lap, f"LAP0{n}")
        office.sync.checkout(f"LAP0{n}", tmp / f"co{n}.bdl", round_id="RST4")
        join(lap, tmp / f"co{n}.bdl", office)
        laps.append(lap)
    lap1, lap2 = laps
    clock.advance(hours=2)
    d1, d2 = DistributionService(lap1.ctx), DistributionService(lap2.ctx)
    fams = world.families
    # Both laptops serve the first family: the head at one point, the wife at the other.
    d1.receive(rid, d1.scan(rid, fams[0].head_nik).id)
    spouse = fams[0].members[0]
    d2.receive(
        rid,
        d2.scan(rid, fams[0].head_nik).id,
        proxy=Proxy(name=spouse[2], nik=spouse[1], relation="same_kk"),
    )
    d1.receive(rid, d1.scan(rid, fams[2].head_nik).id)
    d2.receive(rid, d2.scan(rid, fams[1].head_nik).id)
    d2.receive(rid, d2.scan(rid, fams[3].head_nik).id)
    # A NIK corrected differently at the office and in the field; a phone number likewise.
    head = fams[4].head_id
    for site, nik_end, phone in ((office, "0007", "0812-1111-2222"), (lap1, "0009", "0813-3333")):
        inp = site.registry.get_person(head).input
        inp.nik = inp.nik[:-4] + nik_end  # type: ignore[index]
        inp.phone = phone
        site.registry.update_person(head, inp)
    # The wife of family 2 died (recorded in the field) while the office recorded a move.
    lap2.registry.set_status(fams[2].members[0][0], "meninggal", date(2026, 11, 18))
    office.registry.set_status(fams[2].members[0][0], "pindah", date(2026, 11, 19))
    for n, lap in enumerate(laps, 1):
        result = office.sync.import_bundle(lap.sync.export(tmp / f"r{n}.bdl").path)
        # The supervisor accepts what a laptop may only propose (the NIK, the death): the
        # critical conflicts with the office's own edits follow.
        accept_held(office)
        lap.sync.import_bundle(result.ack.path)
    if quarantine:
        wild = open_site(tmp, "wild", clock, skew_ms=3 * 24 * 3600 * 1000, durable=False)
        register(office, wild, "LAP03")
        office.sync.checkout("LAP03", tmp / "co3.bdl", round_id="RST4", point_ids=["2"])
        join(wild, tmp / "co3.bdl", office)
        inp = wild.registry.get_person(fams[5].head_id).input
        inp.phone = "0899-0000"
        wild.registry.update_person(fams[5].head_id, inp)
        office.sync.import_bundle(wild.sync.export(tmp / "w.bdl").path, make_ack=False)
        wild.ctx.close()
    return Scenario(office, lap1, lap2, world, rid, clock, tmp)


def screenshots(out: Path) -> None:
    """The Sinkronisasi tab of the office and of a laptop at 1366x768."""
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop_app.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    scenario = build(Path(tempfile.mkdtemp(prefix="berdaya-shots-")))
    for name, site in (("office", scenario.office), ("laptop", scenario.lap1)):
        window = MainWindow(site.ctx)
        window.resize(1366, 768)
        window.show()
        index = next(
            i for i in range(window.tabs.count()) if window.tabs.tabText(i) == "Sinkronisasi"
        )
        window.tabs.setCurrentIndex(index)
        tab = window.tabs.widget(index)
        for queue in range(tab.queues.count()):  # type: ignore[attr-defined]
            tab.queues.setCurrentIndex(queue)  # type: ignore[attr-defined]
            views = [tab.claim_view, tab.conflict_view, tab.quarantine_view, tab.history_view]  # type: ignore[attr-defined]
            view = views[queue]
            if view.model().rowCount() and queue < 2:
                view.selectRow(0)
            app.processEvents()
            window.grab().save(str(out / f"sync-{name}-{queue}.png"))
            if name == "laptop":
                break
        window.close()
    scenario.close()


if __name__ == "__main__":
    import sys

    screenshots(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shots/sync"))
