"""The settings dialog: office profile with inline validation, and the language."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.gui.settings_dialog import SettingsDialog
from desktop_app.i18n import get_language
from desktop_app.services.context import open_app


def save_button(dialog: SettingsDialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def test_invalid_device_name_blocks_saving(qtbot, ctx):
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.fields["device_name"].clear()
    qtbot.keyClicks(dialog.fields["device_name"], "laptop 1")
    assert not save_button(dialog).isEnabled()
    assert "Nama perangkat harus 2-8 huruf besar" in dialog.issues.text()
    dialog.fields["device_name"].clear()
    qtbot.keyClicks(dialog.fields["device_name"], "laptop1")  # upper-cased on save
    assert save_button(dialog).isEnabled()


def test_profile_is_saved_and_survives_reopening(qtbot, ctx, db_path, clock):
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.fields["address"].setText("Jl. Contoh No. 1, Kota Blitar")
    dialog.fields["head_name"].setText("Budi Santoso")
    # The placeholder address warning is gone once a real address is typed.
    assert "contoh alamat" not in dialog.issues.text()
    save_button(dialog).click()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert ctx.office.head_name == "Budi Santoso"
    reopened = open_app(db_path, actor="tester", clock=clock)
    try:
        assert reopened.office.address == "Jl. Contoh No. 1, Kota Blitar"
    finally:
        reopened.close()


def test_language_change_is_reported(qtbot, ctx):
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    save_button(dialog).click()
    assert dialog.language_changed
    assert get_language() == "en"


def test_no_free_text_officer_the_logged_in_user_is_the_officer(qtbot, ctx):
    """The officer on receipts is the logged-in account (issue 12), not a typed name."""
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    assert not hasattr(dialog, "officer")
    assert dialog.idle_lock is None  # no accounts on this database: no idle lock to set
