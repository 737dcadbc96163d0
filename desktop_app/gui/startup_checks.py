"""Checks at GUI start-up that the installation is whole.

A file missing from the install folder (removed by an antivirus, a broken copy) would otherwise
surface later as an unrelated error, e.g. "the database cannot be opened" when the region list
is gone. Here it is named in a dialog and logged to the user log folder.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.bundle_check import missing_resources
from desktop_app.gui.errors import log_dir
from desktop_app.i18n import resource_path, tr

__all__ = ["check_installation"]

log = logging.getLogger(__name__)


def check_installation(app: QApplication) -> bool:
    """Set the window icon; False (after telling the user) if a required resource is missing."""
    missing = missing_resources()
    if missing:
        log.error("missing bundled resources: %s", ", ".join(missing))
        QMessageBox.critical(
            None,
            tr("Berdaya tidak dapat dimulai"),
            tr(
                "Berkas sumber daya tidak ditemukan:\n{files}\n\nPasang ulang Berdaya; data Anda "
                "tidak terpengaruh. Rincian dicatat di folder log: {folder}",
                files="\n".join(missing),
                folder=str(log_dir()),
            ),
        )
        return False
    app.setWindowIcon(QIcon(str(resource_path("icons", "berdaya.png"))))
    return True
