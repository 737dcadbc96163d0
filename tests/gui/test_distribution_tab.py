"""The Penyaluran tab driven like a counter: typed codes + Enter, dialogs, printing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_app.gui.distribution import counter_panel as tab_module
from desktop_app.gui.distribution import printing
from desktop_app.gui.distribution.dialogs import NewRoundDialog, ProxyDialog
from desktop_app.gui.distribution.tab import DistributionTab
from desktop_app.services.context import AppContext
from desktop_app.services.distribution import Proxy
from tests.gui.helpers import settle
from tests.helpers import open_round
from tests.services.distribution_fixtures import World


def scan(qtbot, widget: DistributionTab, text: str) -> None:
    widget.counter.scan.setFocus()
    qtbot.keyClicks(widget.counter.scan, text)
    qtbot.keyClick(widget.counter.scan, Qt.Key.Key_Return)
    settle(qtbot)


def test_scan_records_and_progress_moves(qtbot, tab: DistributionTab, world: World):
    assert tab.current_round().code == "RST4"
    assert tab.counter.progress_label.text() == f"0 / {len(world.families)} diterima"
    with qtbot.waitSignal(tab.receipt_recorded, timeout=5000) as signal:
        scan(qtbot, tab, world.families[0].kk)
    assert signal.args == ["RST4-KANTOR-000001"]
    counter = tab.counter
    qtbot.waitUntil(
        lambda: counter.progress_label.text() == f"1 / {len(world.families)} diterima",
        timeout=5000,
    )
    assert counter.panel_title.text().startswith("DITERIMA")
    assert "RST4-KANTOR-000001" in counter.panel_body.text()
    assert "Beras 30 kg" in counter.panel_body.text()
    assert tab.counter.scan.text() == "" and tab.counter.scan.hasFocus()
    # The "not yet" list no longer shows the recipient.
    qtbot.waitUntil(lambda: tab.roster.model.rowCount() == len(world.families) - 1, timeout=5000)


def test_second_scan_is_refused_with_when_and_where(qtbot, tab: DistributionTab, world: World):
    scan(qtbot, tab, world.families[0].kk)
    scan(qtbot, tab, world.families[0].head_nik)
    assert "SUDAH MENERIMA" in tab.counter.panel_body.text()
    assert "Kantor Kelurahan" in tab.counter.panel_body.text()
    assert len(tab.svc.receipts(tab.round_id())) == 1


def test_unknown_code_says_not_found(qtbot, tab: DistributionTab):
    scan(qtbot, tab, "3572019999990001")
    assert tab.counter.panel_title.text() == "Tidak ditemukan"
    assert "tidak ditemukan" in tab.counter.panel_body.text()
    assert not tab.svc.receipts(tab.round_id())


def test_name_search_lists_matches_then_enter_records(qtbot, tab: DistributionTab, world):
    scan(qtbot, tab, "Slamet")  # one match: recorded at once
    assert tab.counter.panel_title.text() == "DITERIMA — Slamet Riyadi"
    scan(qtbot, tab, "no")  # Sutrisno, Bambang Hartono, Hadi Purnomo
    assert tab.counter.matches.isVisible() and tab.counter.matches.count() == 3
    assert len(tab.svc.receipts(tab.round_id())) == 1  # nothing recorded while choosing
    tab.counter.matches.setCurrentRow(1)
    qtbot.keyClick(tab.counter.matches, Qt.Key.Key_Return)
    assert not tab.counter.matches.isVisible() and tab.counter.current is not None
    chosen = tab.counter.current.name
    assert tab.counter.scan.hasFocus()
    qtbot.keyClick(tab.counter.scan, Qt.Key.Key_Return)  # Enter on the empty field records
    settle(qtbot)
    assert tab.counter.panel_title.text() == f"DITERIMA — {chosen}"
    assert len(tab.svc.receipts(tab.round_id())) == 2


def test_proxy_absent_refused_and_void(qtbot, tab: DistributionTab, world, monkeypatch):
    fam = world.families[2]
    _, wife_nik, wife = fam.members[0]
    tab.counter.set_current(tab.svc.scan(tab.round_id(), fam.kk))  # as if picked from the list
    monkeypatch.setattr(
        tab_module,
        "ask_proxy",
        lambda parent, name, candidates, deceased, record, **kw: record(
            Proxy(candidates[0][0], candidates[0][1], "same_kk")
        ),
    )
    qtbot.keyClick(tab, Qt.Key.Key_F2)
    settle(qtbot)
    assert tab.counter.panel_title.text() == f"DITERIMA — {fam.head_name}"
    assert wife in tab.counter.panel_body.text()
    assert tab.svc.receipts(tab.round_id())[0].collector_nik == wife_nik

    monkeypatch.setattr(tab_module, "ask_reason", lambda *a, **k: "Salah orang")
    qtbot.keyClick(tab, Qt.Key.Key_F8)
    settle(qtbot)
    assert tab.svc.receipts(tab.round_id())[0].voided
    assert tab.counter.current is not None and tab.counter.current.status == ""

    other = tab.svc.scan(tab.round_id(), world.families[4].kk)
    tab.counter.set_current(other)
    monkeypatch.setattr(tab_module, "ask_reason", lambda *a, **k: "")
    qtbot.keyClick(tab, Qt.Key.Key_F3)
    settle(qtbot)
    assert tab.counter.current.status == "tidak_hadir"
    tab.counter.set_current(tab.svc.scan(tab.round_id(), world.families[5].kk))
    monkeypatch.setattr(tab_module, "ask_reason", lambda *a, **k: "Tanpa KTP")
    qtbot.keyClick(tab, Qt.Key.Key_F4)
    settle(qtbot)
    assert tab.counter.current.status == "ditolak"
    qtbot.waitUntil(lambda: "tidak hadir 1 · ditolak 1" in tab.counter.progress_detail.text())


def test_proxy_dialog_keeps_a_refusal_inside(qtbot, ctx, tab: DistributionTab, world):
    fam = world.families[0]
    entry = tab.svc.scan(tab.round_id(), fam.kk)
    dialog = ProxyDialog(entry.name, tab.svc.collector_candidates(entry.id), False, tab)
    qtbot.addWidget(dialog)
    outsider = world.families[2].members[0]
    dialog.set_values(outsider[2], outsider[1], "same_kk")
    dialog.accept()
    with pytest.raises(Exception) as info:
        tab.svc.receive(tab.round_id(), entry.id, proxy=dialog.proxy)
    dialog.show_error(str(info.value))
    assert dialog.error.isVisibleTo(dialog) and "surat kuasa" in dialog.error.text()
    dialog.members.setCurrentRow(0)
    dialog._pick(dialog.members.item(0))
    assert dialog.nik.text() == fam.members[0][1]


def test_new_round_and_open_from_the_tab(qtbot, ctx, tab: DistributionTab, world, message_boxes):
    dialog = NewRoundDialog(tab.svc, tab)
    qtbot.addWidget(dialog)
    dialog.program.setCurrentIndex(dialog.program.findData("RAPELAN"))
    qtbot.keyClicks(dialog.name, "Rapelan Jumat")
    dialog.item.setText("Ransum")
    dialog.quantity.setValue(1)
    dialog.unit.setText("paket")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.round_id
    tab.reload_rounds(select=dialog.round_id)
    settle(qtbot)
    assert tab.current_round().status == "draft" and tab.round_bar.open_button.isEnabled()
    assert not tab.counter.scan.isEnabled()
    tab.open_round()  # the confirmation is answered Yes by the test fixture
    qtbot.waitUntil(lambda: tab.current_round().status == "open", timeout=10000)
    settle(qtbot)
    assert tab.counter.progress_label.text() == "0 / 2 diterima"
    scan(qtbot, tab, world.elderly[0][1])
    assert tab.counter.panel_title.text() == f"DITERIMA — {world.elderly[0][2]}"


def test_new_round_dialog_shows_problems(qtbot, tab: DistributionTab):
    dialog = NewRoundDialog(tab.svc, tab)
    qtbot.addWidget(dialog)
    dialog.accept()  # no name
    assert dialog.error.isVisibleTo(dialog) and "Nama putaran" in dialog.error.text()
    assert dialog.result() != dialog.DialogCode.Accepted


def test_close_round_makes_the_counter_read_only(qtbot, tab: DistributionTab, world):
    scan(qtbot, tab, world.families[0].kk)
    tab.close_round()
    settle(qtbot)
    assert tab.current_round().status == "closed" and not tab.round_bar.close_button.isEnabled()
    scan(qtbot, tab, world.families[1].kk)  # lookups still work, recording does not
    assert not tab.counter.receive_button.isEnabled()
    assert len(tab.svc.receipts(tab.round_id())) == 1


def test_print_list_and_receipt(qtbot, tab: DistributionTab, world, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(printing.PrintOptions, "ask_path", lambda p, t, n: tmp_path / n)
    monkeypatch.setattr(printing.PrintOptions, "open_after", False)
    monkeypatch.setattr(printing.PrintOptions, "receipts_folder", tmp_path / "struk")
    scan(qtbot, tab, world.families[0].kk)
    done: list[Path] = []
    printing.print_receipt(tab, tab.ctx, tab.round_id(), "RST4-KANTOR-000001", on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    assert done[0].name == "RST4-KANTOR-000001.pdf" and done[0].exists()
    tab.print_document("list")
    settle(qtbot)
    pdfs = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert pdfs and pdfs[0].startswith("daftar-penerimaan")


def test_missing_pdf_viewer_still_saves_and_shows_the_path(
    qtbot, tab: DistributionTab, world, tmp_path: Path, monkeypatch, message_boxes
):
    """A counter without a printer opens each receipt's PDF; without a viewer, its path."""
    from PySide6.QtGui import QDesktopServices

    from desktop_app.gui import printing as paper

    paper.save_printer(paper.PDF_ONLY)
    monkeypatch.setattr(printing.PrintOptions, "receipts_folder", tmp_path / "struk")
    monkeypatch.setattr(printing.PrintOptions, "open_after", True)
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: False))
    scan(qtbot, tab, world.families[0].kk)
    printing.print_receipt(tab, tab.ctx, tab.round_id(), "RST4-KANTOR-000001")
    qtbot.waitUntil(lambda: bool(message_boxes.shown), timeout=20000)
    saved = tmp_path / "struk" / "RST4-KANTOR-000001.pdf"
    assert saved.exists() and str(saved) in message_boxes.texts()[0]


def test_counter_in_english(qtbot, ctx, round_id: str, world: World):
    from desktop_app.i18n import set_language

    set_language("en")
    widget = DistributionTab(ctx)
    qtbot.addWidget(widget)
    settle(qtbot)
    assert widget.counter.progress_label.text() == f"0 / {len(world.families)} received"
    assert widget.counter.scan.placeholderText().startswith("Scan a card")
    scan(qtbot, widget, world.families[0].kk)
    assert widget.counter.panel_title.text().startswith("RECEIVED — ")


def test_counter_reopens_on_the_last_round_and_point(qtbot, ctx: AppContext, tab, round_id):
    """A Rastrada counter must not come back on another open round (e.g. the Rapelan one)."""
    open_round(
        ctx, program_code="RAPELAN", name="Rapelan Jumat", item="Ransum", quantity=1, unit="paket"
    )
    tab.reload_rounds(select=round_id)
    tab.point_combo.setCurrentIndex(2)
    chosen_point = tab.point_id()
    assert chosen_point is not None
    again = DistributionTab(ctx)
    qtbot.addWidget(again)
    settle(qtbot)
    assert again.round_id() == round_id
    assert again.point_id() == chosen_point


# -- who collected: a member's NIK, F2 after a scan, corrections ---------------------------------


def test_member_nik_asks_who_collects_and_enter_records_that_member(qtbot, tab, world):
    fam = world.families[0]
    _, wife_nik, wife = fam.members[0]
    counter = tab.counter
    scan(qtbot, tab, wife_nik)
    assert tab.svc.receipts(tab.round_id()) == []  # nothing recorded: the panel asks first
    assert counter.panel_title.text() == f"{fam.head_name} — diambil oleh anggota KK?"
    assert "Siapa yang mengambil?" in counter.panel_body.text()
    assert counter.choice_box.isVisible() and wife in counter.choice_member_button.text()
    assert fam.head_name in counter.choice_present_button.text()
    assert counter.scan.hasFocus()
    with qtbot.waitSignal(tab.receipt_recorded, timeout=5000):
        qtbot.keyClick(counter.scan, Qt.Key.Key_Return)  # Enter = the prefilled answer
    settle(qtbot)
    receipt = tab.svc.receipts(tab.round_id())[0]
    assert (receipt.collector_name, receipt.collector_nik) == (wife, wife_nik)
    assert receipt.collector_relation == "same_kk"
    assert counter.panel_title.text() == f"DITERIMA — {fam.head_name}"
    assert f"Diambil oleh {wife}" in counter.panel_body.text()
    assert not counter.choice_box.isVisible()


def test_member_nik_then_f7_records_the_recipient_in_person(qtbot, tab, world):
    fam = world.families[2]
    scan(qtbot, tab, fam.members[0][1])
    assert tab.counter.choice_box.isVisible()
    qtbot.keyClick(tab, Qt.Key.Key_F7)
    settle(qtbot)
    receipt = tab.svc.receipts(tab.round_id())[0]
    assert receipt.collector_name is None
    assert tab.counter.current is not None and tab.counter.current.status == "diterima"
    # Esc on a pending question records nothing; another scan starts afresh.
    scan(qtbot, tab, world.families[4].members[0][1])
    qtbot.keyClick(tab, Qt.Key.Key_Escape)
    assert tab.counter.choice is None and not tab.counter.choice_box.isVisible()
    qtbot.keyClick(tab.counter.scan, Qt.Key.Key_Return)
    assert len(tab.svc.receipts(tab.round_id())) == 1


def test_f2_after_a_member_scan_offers_that_member_prefilled(qtbot, tab, world, monkeypatch):
    fam = world.families[0]
    _, wife_nik, wife = fam.members[0]
    seen: dict[str, object] = {}

    def fake(parent, name, candidates, deceased, record, prefill=None):
        seen["prefill"] = prefill
        return record(Proxy("Rina Tetangga", world.families[2].members[0][1], "surat_kuasa"))

    monkeypatch.setattr(tab_module, "ask_proxy", fake)
    scan(qtbot, tab, wife_nik)
    qtbot.keyClick(tab, Qt.Key.Key_F2)
    settle(qtbot)
    assert seen["prefill"] == Proxy(wife, wife_nik, "same_kk")
    receipt = tab.svc.receipts(tab.round_id())[0]
    assert receipt.collector_relation == "surat_kuasa"


def test_f2_with_a_code_typed_asks_for_the_proxy_instead_of_recording(
    qtbot, tab, world, monkeypatch
):
    fam = world.families[2]
    _, wife_nik, wife = fam.members[0]
    asked: list[str] = []

    def fake(parent, name, candidates, deceased, record, prefill=None):
        asked.append(name)
        assert tab.svc.receipts(tab.round_id()) == []  # not recorded in person first
        return record(Proxy(candidates[0][0], candidates[0][1], "same_kk"))

    monkeypatch.setattr(tab_module, "ask_proxy", fake)
    tab.counter.scan.setFocus()
    qtbot.keyClicks(tab.counter.scan, fam.kk)
    qtbot.keyClick(tab, Qt.Key.Key_F2)
    settle(qtbot)
    assert asked == [fam.head_name]
    [receipt] = tab.svc.receipts(tab.round_id())
    assert receipt.collector_nik == wife_nik and tab.counter.scan.text() == ""
    assert tab.counter.panel_title.text() == f"DITERIMA — {fam.head_name}"
    assert wife in tab.counter.panel_body.text()


def test_f2_right_after_a_scan_corrects_the_collector(qtbot, tab, world, monkeypatch):
    fam = world.families[0]
    _, wife_nik, wife = fam.members[0]
    scan(qtbot, tab, fam.kk)  # recorded at once as the head in person
    number = tab.svc.receipts(tab.round_id())[0].number
    assert tab.counter.proxy_button.isEnabled()
    assert tab.counter.proxy_button.text() == "Koreksi pengambil… (F2)"
    asked: list[str] = []

    def fake(parent, name, receipt_number, candidates, deceased, record, prefill=None):
        asked.append(receipt_number)
        return record(Proxy(wife, wife_nik, "same_kk"), "Yang datang istrinya")

    monkeypatch.setattr(tab_module, "ask_correction", fake)
    qtbot.keyClick(tab, Qt.Key.Key_F2)
    settle(qtbot)
    assert asked == [number]
    [receipt] = tab.svc.receipts(tab.round_id())  # the same receipt, corrected: not a new one
    assert receipt.number == number and receipt.corrected
    assert (receipt.collector_name, receipt.recorded_collector_name) == (wife, None)
    assert receipt.correction_reason == "Yang datang istrinya"
    body = tab.counter.panel_body.text()
    assert tab.counter.panel_title.text() == f"PENGAMBIL DIKOREKSI — {fam.head_name}"
    assert wife in body and "Yang datang istrinya" in body and number in body
    assert tab.counter.current is not None and tab.counter.current.status == "diwakilkan"
    qtbot.waitUntil(lambda: "Diwakilkan 1" in tab.counter.progress_detail.text(), timeout=5000)
    # The printed receipt carries the corrected collector.
    assert tab.svc.receipt_docs(tab.round_id(), numbers=[number])[0].collector_name == wife


def test_correction_on_a_later_day_is_refused_in_the_panel(qtbot, ctx, tab, world, monkeypatch):
    scan(qtbot, tab, world.families[0].kk)
    monkeypatch.setattr(
        tab_module, "ask_correction", lambda *a, **k: pytest.fail("no dialog for a late fix")
    )
    ctx.clock.advance(days=1)
    qtbot.keyClick(tab, Qt.Key.Key_F2)
    assert "hanya dapat dikoreksi pada hari yang sama" in tab.counter.panel_body.text()
    assert not tab.svc.receipts(tab.round_id())[0].corrected


def test_correction_dialog_needs_a_reason_and_offers_in_person(qtbot, tab, world):
    fam = world.families[0]
    entry = tab.svc.scan(tab.round_id(), fam.kk)
    dialog = ProxyDialog(
        entry.name,
        tab.svc.collector_candidates(entry.id),
        False,
        tab,
        prefill=Proxy(fam.members[0][2], fam.members[0][1], "same_kk"),
        correction_of="RST4-KANTOR-000001",
    )
    qtbot.addWidget(dialog)
    assert dialog.nik.text() == fam.members[0][1]
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "Alasan koreksi wajib" in dialog.error.text()
    dialog.in_person.setChecked(True)
    assert not dialog.name.isEnabled()
    dialog.reason.setText("  kepala keluarga   hadir ")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.proxy is None and dialog.reason_text == "kepala keluarga hadir"


def test_a_field_officer_records_but_neither_manages_rounds_nor_voids(
    qtbot, ctx: AppContext, round_id: str, world: World
):
    from desktop_app.domain.access import Actor, Role

    ctx.accounts_exist = True
    ctx.set_user(Actor("budi", "Budi Lapangan", Role.FIELD))
    widget = DistributionTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    settle(qtbot)
    bar = widget.round_bar
    for button in (bar.new_button, bar.close_button, bar.points_button):
        assert not button.isEnabled() and "Petugas lapangan" in button.toolTip()
    with qtbot.waitSignal(widget.receipt_recorded, timeout=5000):
        scan(qtbot, widget, world.families[0].kk)
    qtbot.waitUntil(lambda: widget.counter.reprint_button.isEnabled(), timeout=5000)
    assert widget.counter.reprint_button.isEnabled()
    assert not widget.counter.void_button.isEnabled()
    assert "Petugas lapangan" in widget.counter.void_button.toolTip()
