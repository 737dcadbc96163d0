"""The "Verifikasi tanda terima / sertifikat" dialog: scan or paste a code, see the verdict."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from desktop_app.domain.receipts import encode_signature
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.verify_dialog import VerifyDialog
from desktop_app.services.context import AppContext
from desktop_app.services.distribution import DistributionService, ReceiptView
from desktop_app.services.signing import INVALID, UNKNOWN, VALID
from tests.helpers import open_round
from tests.services.distribution_fixtures import build_world


@pytest.fixture
def receipt(ctx: AppContext) -> ReceiptView:
    world = build_world(ctx)
    rid = open_round(ctx, name="Rastrada Tahap IV 2026", code="RST4")
    return DistributionService(ctx).receive_code(rid, world.families[0].kk)


def scan(qtbot, dialog: VerifyDialog, text: str) -> None:  # noqa: ANN001
    dialog.code.clear()
    qtbot.keyClicks(dialog.code, text)
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)


def test_a_scanned_receipt_shows_valid_with_who_when_where(qtbot, ctx, receipt) -> None:
    dialog = VerifyDialog(ctx)
    qtbot.addWidget(dialog)
    scan(qtbot, dialog, receipt.qr_payload)
    assert dialog.result is not None and dialog.result.status == VALID
    assert "SAH" in dialog.verdict.text()
    assert receipt.recipient_name in dialog.details.text()
    assert "Kantor Kelurahan" in dialog.details.text()
    # The field is selected for the next scan, which replaces it.
    assert dialog.code.hasSelectedText() or dialog.code.text() == receipt.qr_payload
    dialog.resize(1366, 768)
    dialog.grab().save(str(Path("/tmp") / "i11b-verify-dialog.png"))


def test_a_forged_code_and_junk_are_told_apart(qtbot, ctx, receipt) -> None:
    dialog = VerifyDialog(ctx)
    qtbot.addWidget(dialog)
    scan(qtbot, dialog, f"BERDAYA|{receipt.number}|{encode_signature(bytes(64))}")
    assert dialog.result is not None and dialog.result.status == INVALID
    assert "TIDAK SAH" in dialog.verdict.text() and "dipalsukan" in dialog.verdict.text()
    scan(qtbot, dialog, receipt.number)  # typed: the number alone proves nothing
    assert dialog.result is not None and dialog.result.status == UNKNOWN
    scan(qtbot, dialog, "halo")
    assert dialog.result is None and "bukan kode" in dialog.verdict.text()


def test_open_a_file_of_the_scanned_text(qtbot, ctx, receipt, tmp_path, monkeypatch) -> None:
    saved = tmp_path / "kode.txt"
    saved.write_text(receipt.qr_payload + "\n", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(saved), ""))
    )
    dialog = VerifyDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.file_button, Qt.MouseButton.LeftButton)
    assert dialog.result is not None and dialog.result.status == VALID


def test_the_help_menu_opens_it(qtbot, ctx, monkeypatch) -> None:
    opened: list[VerifyDialog] = []
    monkeypatch.setattr(VerifyDialog, "exec", lambda self: opened.append(self) or 0)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.verify_action.trigger()
    assert len(opened) == 1
