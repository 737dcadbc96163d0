"""Import wizard, drag-and-drop of spreadsheets, and export of the visible list."""

from desktop_app.gui.importer.drop import (
    export_view,
    install_drop_handler,
    install_import_export,
    open_import_wizard,
)

__all__ = ["export_view", "install_drop_handler", "install_import_export", "open_import_wizard"]
