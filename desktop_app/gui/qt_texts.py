"""Indonesian for the texts Qt itself draws (OK/Cancel/Yes/No on dialog buttons, the line-edit
context menu).

Qt ships no Indonesian qtbase translation, so without this an Indonesian dialog ends in "Cancel"
and a question in "Yes"/"No". The translator follows desktop_app.i18n's current language, so a
language switch in the settings needs nothing more.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from desktop_app.i18n import DEFAULT_LANGUAGE, get_language

_INDONESIAN: dict[str, dict[str, str]] = {
    # QPlatformTheme::defaultStandardButtonText: QDialogButtonBox and QMessageBox buttons.
    "QPlatformTheme": {
        "OK": "OK",
        "Save": "Simpan",
        "Save All": "Simpan semua",
        "Open": "Buka",
        "&Yes": "&Ya",
        "Yes to &All": "Ya untuk &semua",
        "&No": "&Tidak",
        "N&o to All": "Tidak untuk s&emua",
        "Abort": "Hentikan",
        "Retry": "Coba lagi",
        "Ignore": "Abaikan",
        "Close": "Tutup",
        "Cancel": "Batal",
        "Discard": "Buang",
        "Help": "Bantuan",
        "Apply": "Terapkan",
        "Reset": "Atur ulang",
        "Restore Defaults": "Kembalikan bawaan",
    },
    "QLineEdit": {
        "&Undo": "&Urungkan",
        "&Redo": "&Ulangi",
        "Cu&t": "Po&tong",
        "&Copy": "&Salin",
        "&Paste": "T&empel",
        "Delete": "Hapus",
        "Select All": "Pilih semua",
    },
}


class QtTextTranslator(QTranslator):
    def translate(  # noqa: D102 - Qt API
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        # None (a null QString) means "not translated": Qt keeps its English. An empty string
        # would blank the button.
        if get_language() != DEFAULT_LANGUAGE:
            return None
        return _INDONESIAN.get(context, {}).get(source_text)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt API
        return False


_installed: QtTextTranslator | None = None


def install_qt_texts() -> None:
    """Install the translator once on the running application."""
    global _installed
    app = QCoreApplication.instance()
    if app is None or _installed is not None:
        return
    _installed = QtTextTranslator(app)
    app.installTranslator(_installed)
