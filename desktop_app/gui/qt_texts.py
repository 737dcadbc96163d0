"""Indonesian for the texts Qt itself draws (OK/Cancel/Yes/No on dialog buttons, the line-edit
context menu).

Qt ships no Indonesian qtbase translation (PySide6's translations folder has no qtbase_id.qm;
one is loaded if a later Qt build brings it), so without this an Indonesian dialog ends in "Cancel"
and a question in "Yes"/"No". The translator follows desktop_app.i18n's current language, so a
language switch in the settings needs nothing more.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

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
    # Qt's own file dialog (used where the system has no native one, e.g. Linux without a
    # portal) and its file list's headers.
    "QFileDialog": {
        "&Look in:": "&Cari di:",
        "File &name:": "&Nama berkas:",
        "Files of &type:": "&Jenis berkas:",
        "Files": "Berkas",
        "List of places and bookmarks": "Daftar tempat dan penanda",
        "Back": "Kembali",
        "Forward": "Maju",
        "Parent Directory": "Folder induk",
        "Create New Folder": "Buat folder baru",
        "List View": "Tampilan daftar",
        "Detail View": "Tampilan rinci",
        "Go back": "Kembali",
        "Go forward": "Maju",
        "Go to the parent directory": "Ke folder induk",
        "Create a New Folder": "Buat folder baru",
        "Change to list view mode": "Tampilkan sebagai daftar",
        "Change to detail view mode": "Tampilkan rincian",
        "Sidebar": "Panel samping",
        "&Open": "&Buka",
        "&Save": "&Simpan",
        "&Choose": "&Pilih",
        "Open": "Buka",
        "Save As": "Simpan sebagai",
        "Find Directory": "Pilih folder",
        "Directory:": "Folder:",
        "Directories": "Folder",
        "All Files (*)": "Semua berkas (*)",
        "New Folder": "Folder baru",
        "&New Folder": "Folder &baru",
        "&Delete": "&Hapus",
        "&Rename": "&Ganti nama",
        "Show &hidden files": "Tampilkan berkas &tersembunyi",
        "Recent Places": "Tempat terakhir",
        "My Computer": "Komputer",
        "Computer": "Komputer",
        "Delete": "Hapus",
        "Are you sure you want to delete '%1'?": "Yakin ingin menghapus '%1'?",
        "%1 already exists.\nDo you want to replace it?": "%1 sudah ada.\nGanti berkas itu?",
        "%1\nFile not found.\nPlease verify the correct file name was given.": (
            "%1\nBerkas tidak ditemukan.\nPeriksa nama berkasnya."
        ),
    },
    "QAbstractFileIconProvider": {"Drive": "Drive", "Folder": "Folder", "File": "Berkas"},
    "QFileSystemModel": {
        "Name": "Nama",
        "Size": "Ukuran",
        "Type": "Jenis",
        "Kind": "Jenis",
        "Date Modified": "Tanggal diubah",
        "My Computer": "Komputer",
        "Computer": "Komputer",
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
    """Install the translators once on the running application: Qt's own qtbase_id catalogue
    when the Qt build ships one (PySide6 6.x does not), then ours, which Qt asks first (the
    last installed translator wins) and which covers what matters at the counter."""
    global _installed
    app = QCoreApplication.instance()
    if app is None or _installed is not None:
        return
    shipped = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if shipped.load(QLocale(QLocale.Language.Indonesian), "qtbase", "_", folder):
        app.installTranslator(shipped)
    _installed = QtTextTranslator(app)
    app.installTranslator(_installed)
    apply_locale()


def apply_locale() -> None:
    """Qt's number and date widgets follow the chosen language: "30,0" in a spin box and
    Indonesian month names in the calendar in Indonesian, "30.0" in English."""
    if get_language() == DEFAULT_LANGUAGE:
        QLocale.setDefault(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
