"""GUI fixtures: offscreen Qt, settings and logs in a temporary folder, no real message boxes."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest

# Before any QSettings or platformdirs lookup: never touch the developer's own settings or logs.
_HOME = tempfile.mkdtemp(prefix="berdaya-gui-tests-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)  # one per run would pile up in /tmp
for _var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
    os.environ[_var] = os.path.join(_HOME, _var.lower())

from PySide6.QtWidgets import QMessageBox  # noqa: E402

from desktop_app.gui import workers  # noqa: E402
from desktop_app.gui.distribution.tab import DistributionTab  # noqa: E402
from desktop_app.i18n import set_language  # noqa: E402
from desktop_app.services.context import AppContext  # noqa: E402
from tests.gui.helpers import settle  # noqa: E402
from tests.helpers import open_round  # noqa: E402
from tests.services.distribution_fixtures import World, build_world  # noqa: E402


class MessageBoxes:
    """Records QMessageBox static calls instead of blocking on a modal dialog."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes

    def texts(self) -> list[str]:
        return [text for _, _, text in self.shown]

    def record(self, kind: str):  # noqa: ANN201
        def show(_parent, title, text, *args, **kwargs):  # noqa: ANN001, ANN202
            self.shown.append((kind, str(title), str(text)))
            return self.answer

        return show


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    boxes = MessageBoxes()
    for kind in ("warning", "critical", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(boxes.record(kind)))
    return boxes


@pytest.fixture(autouse=True)
def _language_and_jobs(qapp) -> Iterator[None]:  # noqa: ANN001
    set_language("id")
    yield
    set_language("id")
    workers.cancel_jobs()
    workers.wait_for_jobs(10000)
    qapp.processEvents()


# -- the counter: synthetic families and an open Rastrada round -------------------------------
@pytest.fixture
def world(ctx: AppContext) -> World:
    return build_world(ctx)


@pytest.fixture
def round_id(ctx: AppContext, world: World) -> str:
    return open_round(ctx)


@pytest.fixture
def tab(qtbot, ctx: AppContext, round_id: str) -> DistributionTab:  # noqa: ANN001
    """The Penyaluran tab on that round, shown at the 1366x768 of the office laptops."""
    widget = DistributionTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    settle(qtbot)
    return widget
