"""The administrator's privacy screens: the access log lists who opened a restricted record,
and the incident report dialog writes the prefilled PDF (issue 12)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_app.domain.access import Actor, Role
from desktop_app.gui.auth.privacy_dialogs import (
    AccessLogDialog,
    IncidentReportDialog,
    write_incident_report,
)
from desktop_app.services.context import ServiceError

ADMIN = Actor("sari", "Sari Administrator", Role.ADMIN)
FIELD = Actor("budi", "Budi Lapangan", Role.FIELD)


def test_access_log_dialog_lists_the_newest_looks_first(qtbot, ctx):
    ctx.log_access("open", "person", "P-1", "detail orang")
    ctx.log_access("denied", "person", "P-2", "detail orang")
    ctx.accounts_exist = True
    ctx.set_user(ADMIN)
    dialog = AccessLogDialog(ctx)
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.rowCount() == 2
    assert table.item(0, 5).text() == "P-2" and table.item(0, 3).text() == "ditolak"
    assert table.item(1, 5).text() == "P-1" and table.item(1, 3).text() == "dibuka"


def test_access_log_is_refused_to_a_field_officer(qtbot, ctx):
    ctx.accounts_exist = True
    ctx.set_user(FIELD)
    with pytest.raises(ServiceError) as exc:
        AccessLogDialog(ctx)
    assert exc.value.code == "auth.permission_denied"


def test_incident_dialog_writes_the_report_and_logs_it(qtbot, ctx, tmp_path: Path):
    ctx.accounts_exist = True
    ctx.set_user(ADMIN)
    dialog = IncidentReportDialog(ctx, ["LAP02"])
    qtbot.addWidget(dialog)
    dialog.device.setCurrentText("LAP02")
    dialog.description.setPlainText("Laptop tertinggal di angkot, dilaporkan petugas.")
    assert dialog.lost_device() == "LAP02"
    assert abs((dialog.discovered_at() - datetime.now(UTC)).total_seconds()) < 120
    out = tmp_path / "insiden.pdf"
    assert write_incident_report(ctx, dialog, out)
    assert out.read_bytes().startswith(b"%PDF")
    from desktop_app.services.access import AccessLogService

    assert any(e.action == "print" for e in AccessLogService(ctx).entries())


def test_recovery_key_dialog_closes_only_once_the_key_is_noted(qtbot):
    from desktop_app.gui.auth.privacy_dialogs import RecoveryKeyDialog

    dialog = RecoveryKeyDialog("ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z2345")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.key_label.text() == "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z2345"
    assert not dialog.close_button.isEnabled()
    dialog.reject()  # Esc before noting it down does nothing
    assert dialog.isVisible()
    dialog.noted.setChecked(True)
    dialog.close_button.click()
    assert not dialog.isVisible() and dialog.key_label.text() == ""
