"""English for the GUI: inline validation messages and a window switched to English."""

from __future__ import annotations

import json

from desktop_app.gui.main_window import MainWindow
from desktop_app.i18n import set_language
from tests.i18n_scan import EN_JSON, PACKAGE, template_arguments

# Calls that build an Issue shown in the GUI, and the position of the template argument.
BUILDERS = {"Issue": 2}
FILES = {
    **{path: {"_issue": 1, **BUILDERS} for path in (PACKAGE / "gui").rglob("*.py")},
    **{p: {"issue": 2, **BUILDERS} for p in (PACKAGE / "services" / "registry").glob("*.py")},
}


def issue_templates() -> list[tuple[str, int, str]]:
    return template_arguments(FILES)


def test_inline_messages_have_english():
    templates = issue_templates()
    assert len(templates) > 10
    data = json.loads(EN_JSON.read_text(encoding="utf-8"))
    missing = [f"{f}:{line}: {text!r}" for f, line, text in templates if text not in data]
    assert not missing, "add to resources/i18n/en.json:\n" + "\n".join(missing)


def test_window_in_english(qtbot, ctx):
    set_language("en")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles[:4] == ["Home", "Registry", "Distribution", "Training"]
    registry = window.tab("Registry")
    assert registry.search.placeholderText() == "Search name, NIK, KK number or address…"
    model = registry.person_model
    headers = [model.headerData(c, _horizontal()) for c in range(model.columnCount())]
    assert headers[:3] == ["NIK", "Name", "M/F"]


def _horizontal():
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def test_round_status_in_english(qtbot, ctx):
    from desktop_app.gui.distribution.tab import DistributionTab
    from tests.helpers import draft_round

    draft_round(ctx, name="Tahap IV")
    set_language("en")
    tab = DistributionTab(ctx)
    qtbot.addWidget(tab)
    tab.reload_rounds()
    assert tab.round_combo.itemText(0).endswith("(Draft)")


def test_training_statuses_in_english():
    from desktop_app.domain.training import TRAINING_STATUS_LABELS
    from desktop_app.i18n import tr

    set_language("en")
    assert [tr(label) for label in TRAINING_STATUS_LABELS.values()] == [
        "Planned",
        "Running",
        "Finished",
    ]


def test_qt_buttons_follow_the_language(qtbot, ctx):
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    window = MainWindow(ctx)  # installs the translator for Qt's own texts
    qtbot.addWidget(window)
    ok_cancel = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    buttons = QDialogButtonBox(ok_cancel)
    assert [b.text() for b in buttons.buttons()] == ["OK", "Batal"]
    box = QMessageBox()
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    assert [b.text() for b in box.buttons()] == ["&Ya", "&Tidak"]
    set_language("en")
    english = QDialogButtonBox(ok_cancel)
    assert [b.text() for b in english.buttons()] == ["OK", "Cancel"]


def test_sex_column_reads_m_f_in_english(qtbot, ctx):
    from desktop_app.gui.registry.models import PersonTableModel

    set_language("en")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    column = window.tab("Registry").person_model.columns()[PersonTableModel.COL_SEX]
    assert column.title == "M/F"
    assert [column.value(_Row("L")), column.value(_Row("P"))] == ["M", "F"]


class _Row:
    def __init__(self, sex: str) -> None:
        self.sex = sex
