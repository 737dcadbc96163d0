"""The first-run set-up wizard: opens while the profile is incomplete, is driven by the keyboard,
saves the profile, this computer's name and the printer; refusals keep it open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QWizard

from desktop_app.domain.office import profile_complete
from desktop_app.gui import app as gui_app
from desktop_app.gui.settings_dialog import SettingsDialog
from desktop_app.gui.setup_wizard import PRINTER_KEY, SetupWizard, needs_setup, saved_printer
from desktop_app.services.context import open_app
from desktop_app.services.sync.devices import DeviceService
from tests.sync.helpers import open_site, tmp_identity

SHOTS = Path("/tmp")


def _type(qtbot, widget, text: str) -> None:
    widget.clear()
    qtbot.keyClicks(widget, text)


def _fill_profile(qtbot, wizard: SetupWizard) -> None:
    page = wizard.profile_page
    _type(qtbot, page.edits["address"], "Jl. Contoh Raya No. 1, Kota Blitar")
    _type(qtbot, page.edits["head_name"], "Nama Kepala Contoh, S.Sos.")
    _type(qtbot, page.edits["head_nip"], "197001012000031001")


def _next(qtbot, wizard: SetupWizard) -> None:
    """Enter in the focused field: the wizard's default button (Lanjut / Selesai)."""
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)


def test_wizard_saves_profile_device_and_printer(qtbot, ctx, db_path, clock) -> None:
    assert needs_setup(ctx)
    wizard = SetupWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.resize(1366, 768)
    wizard.show()
    qtbot.waitExposed(wizard)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # nothing filled in
    wizard.grab().save(str(SHOTS / "i14c-wizard-1-empty.png"))
    _fill_profile(qtbot, wizard)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.grab().save(str(SHOTS / "i14c-wizard-1.png"))
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.device_page
    page = wizard.device_page
    qtbot.waitUntil(lambda: wizard.focusWidget() is page.device_name)
    _type(qtbot, page.device_name, "lap 1")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    _type(qtbot, page.device_name, "lap01")
    wizard.grab().save(str(SHOTS / "i14c-wizard-2.png"))
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.printer_page
    wizard.grab().save(str(SHOTS / "i14c-wizard-3.png"))
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert profile_complete(ctx.office) and not needs_setup(ctx)
    assert ctx.office.device_name == ctx.device.name == "LAP01"
    assert QSettings("Berdaya", "Berdaya").contains(PRINTER_KEY)
    assert saved_printer() == wizard.printer_page.chosen()
    again = open_app(db_path, clock=clock)
    try:
        assert profile_complete(again.office)
    finally:
        again.close()


def test_a_name_another_device_holds_is_refused_and_the_wizard_stays(
    qtbot, tmp_path: Path, clock, message_boxes, monkeypatch
) -> None:
    office = open_site(tmp_path, "office", clock)
    lap = open_site(tmp_path, "lap", clock)
    svc = DeviceService(office.ctx)
    svc.register(svc.read_identity_file(tmp_identity(lap)), name="LAP01")
    shown: list[str] = []
    monkeypatch.setattr(
        "desktop_app.gui.setup_wizard.show_error", lambda _p, exc, **_k: shown.append(exc.code)
    )
    wizard = SetupWizard(office.ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    _fill_profile(qtbot, wizard)
    wizard.next()
    _type(qtbot, wizard.device_page.device_name, "LAP01")
    wizard.next()
    wizard.accept()
    assert shown == ["office.device_name_used"]
    assert wizard.isVisible() and wizard.result() != QWizard.DialogCode.Accepted
    assert office.ctx.office.device_name == "KANTOR"


def test_session_opens_the_wizard_on_first_start_only(qtbot, qapp, ctx) -> None:
    session = gui_app._Session(qapp)
    session.show(ctx)
    window = session.window
    qtbot.addWidget(window)
    wizard = window.findChild(SetupWizard, "setup_wizard")
    assert wizard is not None and wizard.isVisible()
    wizard.reject()
    # A complete profile: no wizard.
    ctx.save_office_profile(
        wizard.profile_page.profile().__class__(
            address="Jl. Contoh 1", head_name="Nama Kepala", head_nip="197001012000031001"
        )
    )
    session2 = gui_app._Session(qapp)
    session2.show(ctx)
    qtbot.addWidget(session2.window)
    assert session2.window.findChild(SetupWizard, "setup_wizard") is None


def test_settings_can_run_the_wizard_again(qtbot, ctx, monkeypatch) -> None:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    ran: list[bool] = []
    monkeypatch.setattr(SetupWizard, "exec", lambda self: ran.append(True) or 1)
    dialog.wizard_button.click()
    assert ran == [True] and dialog.result() == SettingsDialog.DialogCode.Accepted
    assert dialog.buttons.buttonRole(dialog.wizard_button) == QDialogButtonBox.ButtonRole.ResetRole
