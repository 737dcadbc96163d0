"""The GUI side of log and export hygiene: the log file the app sets up, the export dialog."""

from __future__ import annotations

import logging
import os
import stat
import sys
from datetime import date
from pathlib import Path

import msoffcrypto
import pytest
from PySide6.QtWidgets import QDialog, QFileDialog

from desktop_app.domain.access import Actor, Role
from desktop_app.gui.importer.export_dialog import ExportOptionsDialog
from desktop_app.services.context import AppContext
from desktop_app.services.exporter import ExportPolicy
from desktop_app.services.registry import PersonInput, RegistryService
from tests.helpers import make_nik

NIK = "3572011201600001"
POSIX = sys.platform != "win32"


def read(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_a_failing_import_logged_by_the_gui_leaves_no_nik(qapp, tmp_path: Path) -> None:
    from desktop_app.gui import errors

    folder = tmp_path / "logs"
    path = errors.setup_logging(folder)
    assert path is not None
    try:
        try:
            raise KeyError(f"NIK {NIK} tidak ditemukan")
        except KeyError as exc:
            logging.getLogger("berdaya").error("import job failed", exc_info=exc)
        text = read(path)
        assert "import job failed" in text and NIK not in text
        if POSIX:
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if getattr(handler, "baseFilename", None) == str(path):
                root.removeHandler(handler)
                handler.close()


def policy(**changes: object) -> ExportPolicy:
    values: dict = dict(
        restricted=0, programs="", allowed=True, password_required=False, mask_default=True
    )
    values.update(changes)
    return ExportPolicy(**values)


def test_dialog_presets_the_mask_and_makes_the_password_optional(qtbot) -> None:
    dialog = ExportOptionsDialog(None, policy(), xlsx=True)
    qtbot.addWidget(dialog)
    assert dialog.mask_box.isChecked()
    dialog._accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.choice().password is None and dialog.choice().mask_ids


def test_dialog_requires_a_matching_password_for_restricted_data(qtbot) -> None:
    dialog = ExportOptionsDialog(
        None, policy(restricted=2, programs="ABH", password_required=True, mask_default=False),
        xlsx=True,
    )
    qtbot.addWidget(dialog)
    assert not dialog.mask_box.isChecked()
    dialog._accept()
    assert dialog.problem_label.text() == "Isi kata sandi berkas."
    dialog.password_edit.setText("rahasia-123")
    dialog.repeat_edit.setText("rahasia-124")
    dialog._accept()
    assert dialog.problem_label.text() == "Kedua kata sandi tidak sama."
    dialog.repeat_edit.setText("rahasia-123")
    dialog._accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.choice().password == "rahasia-123"


def test_a_csv_export_asks_no_password(qtbot) -> None:
    dialog = ExportOptionsDialog(None, policy(), xlsx=False)
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("abc")  # not shown, not used
    dialog._accept()
    assert dialog.choice().password is None


def test_registry_export_of_restricted_data_is_protected(
    qtbot, ctx: AppContext, tmp_path: Path, monkeypatch, message_boxes
) -> None:
    from desktop_app.gui.registry.tab import RegistryTab

    born = date(2012, 7, 8)
    reg = RegistryService(ctx)
    child = reg.create_person(
        PersonInput(name="ANAK UJI", sex="L", nik=make_nik(born, "L", 3), birth_date=born)
    )
    reg.enrol("ABH", person_id=child, details={"role": "korban"})
    ctx.set_user(Actor(username="pekso", full_name="Pekerja Sosial", role=Role.SOCIAL_WORKER))
    tab = RegistryTab(ctx)
    qtbot.addWidget(tab)
    target = tmp_path / "abh.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    seen: list[ExportPolicy] = []

    def fill(self: ExportOptionsDialog) -> int:
        seen.append(self.policy)
        self.password_edit.setText("rahasia-kantor")
        self.repeat_edit.setText("rahasia-kantor")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportOptionsDialog, "exec", fill)
    tab.export_button.click()
    qtbot.waitUntil(lambda: bool(message_boxes.texts()), timeout=10000)
    assert "1 baris" in message_boxes.texts()[-1]
    assert seen and seen[0].password_required and seen[0].restricted == 1
    with target.open("rb") as handle:
        assert msoffcrypto.OfficeFile(handle).is_encrypted()
    if POSIX:
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


@pytest.mark.parametrize(("role", "name"), [(Role.OPERATOR, "abh.xlsx"), (Role.ADMIN, "abh.csv")])
def test_a_refused_export_says_why_without_asking_options(
    qtbot, ctx: AppContext, tmp_path: Path, monkeypatch, message_boxes, role: Role, name: str
) -> None:
    from desktop_app.gui.registry.tab import RegistryTab

    born = date(2012, 7, 8)
    reg = RegistryService(ctx)
    child = reg.create_person(
        PersonInput(name="ANAK UJI", sex="L", nik=make_nik(born, "L", 3), birth_date=born)
    )
    reg.enrol("ABH", person_id=child, details={"role": "korban"})
    # The child is hidden from an operator's registry altogether; a person with a disability
    # stays visible to them, and that enrolment makes the list restricted data.
    adult = reg.create_person(
        PersonInput(name="WARGA UJI", sex="P", nik=make_nik(date(1970, 3, 4), "P", 4))
    )
    reg.enrol("DISABILITAS", person_id=adult, details={"ragam": ["fisik"]})
    ctx.set_user(Actor(username="u", full_name="Pengguna", role=role))
    tab = RegistryTab(ctx)
    qtbot.addWidget(tab)
    target = tmp_path / name
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    monkeypatch.setattr(ExportOptionsDialog, "exec", lambda self: pytest.fail("no options"))
    tab.export_button.click()
    qtbot.waitUntil(lambda: bool(message_boxes.texts()), timeout=10000)
    text = message_boxes.texts()[-1]
    assert ("tidak boleh mengekspor" in text) if role == Role.OPERATOR else ("CSV" in text)
    assert not target.exists()
