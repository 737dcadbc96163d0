"""The office's checkout dialog: a field officer's checkout takes a round, a social worker's
takes their cases (no round needed)."""

from __future__ import annotations

from desktop_app.domain.access import Role
from desktop_app.domain.clock import FixedClock
from desktop_app.gui.sync.checkout import CheckoutDialog
from tests.conftest import FIXED_NOW
from tests.sync.helpers import open_site, register


def test_checkout_dialog_offers_a_social_workers_checkout_without_a_round(qtbot, tmp_path):
    clock = FixedClock(FIXED_NOW)
    office = open_site(tmp_path, "office", clock)
    lap = open_site(tmp_path, "lap1", clock)
    try:
        register(office, lap, "LAP01")
        dialog = CheckoutDialog(office.ctx)
        qtbot.addWidget(dialog)
        assert dialog.device.currentText() == "LAP01"
        # No open round: a field checkout cannot be made, the worker field is off.
        assert not dialog.ok_button.isEnabled() and not dialog.worker.isEnabled()
        dialog.role.setCurrentIndex(dialog.role.findData(str(Role.SOCIAL_WORKER)))
        assert dialog.worker.isEnabled() and dialog.ok_button.isEnabled()
        qtbot.keyClicks(dialog.worker, "Peksos")
        assert dialog.access() == (str(Role.SOCIAL_WORKER), "peksos")
        assert dialog.chosen()[1] is None  # no round
        dialog.role.setCurrentIndex(dialog.role.findData(str(Role.FIELD)))
        assert dialog.access() == (str(Role.FIELD), None)
    finally:
        office.ctx.close()
        lap.ctx.close()
