"""The base of every registry form (inline validation, Save/Cancel) and the field widgets
several forms share (region chooser, address line).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.nik import Issue, Severity
from desktop_app.gui.errors import show_error
from desktop_app.gui.widgets import (
    IssueLabel,
    button_box,
    combo_data,
    fill_combo,
    select_combo_data,
)
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.registry import (
    RegistryService,
    ValidationFailed,
)

VALIDATE_DELAY_MS = 150


def _issue(code: str, template: str, severity: Severity = Severity.ERROR) -> Issue:
    """An inline form issue; package-internal, and named `_issue` because tests/gui scans
    `_issue(...)` calls for templates that need an English entry."""
    return Issue(code=code, severity=severity, template=template)


class FormDialog(QDialog):
    """A dialog with an issue area and Save/Cancel; subclasses implement check() and commit()."""

    def __init__(
        self, ctx: AppContext, title: str, parent: QWidget | None = None, *, min_width: int
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = RegistryService(ctx)
        self.setWindowTitle(title)
        self.setMinimumWidth(min_width)  # each form's width fits its widest row of fields
        self.issues = IssueLabel()
        self.buttons = button_box(self, tr("Simpan"), self.save, save=True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self.validate_now)
        self.result_id: str | None = None

    @property
    def save_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def schedule_validation(self, *_args: object) -> None:
        self._timer.start()

    def check(self) -> list[Issue]:
        raise NotImplementedError

    def commit(self) -> str | None:
        raise NotImplementedError

    def mark_fields(self, issues: Sequence[Issue]) -> None:
        """Outline the fields the issues are about (subclasses map issue codes to fields)."""

    def finish_layout(self, layout: QVBoxLayout) -> None:
        """Issues and buttons at the bottom; spare height goes above them, not into the issues."""
        layout.addStretch(1)
        layout.addWidget(self.issues)
        layout.addWidget(self.buttons)

    def validate_now(self) -> list[Issue]:
        self._timer.stop()
        issues = self.check()
        self.issues.set_issues(issues)
        self.mark_fields(issues)
        self.save_button.setEnabled(not self.issues.has_errors())
        # Grow when a longer message appears, so nothing overlaps (never shrink under the user).
        wanted = self.sizeHint().height()
        if self.isVisible() and self.height() < wanted:
            self.resize(self.width(), wanted)
        return issues

    def save(self) -> None:
        if self.issues_block():
            return
        try:
            self.result_id = self.commit()
        except ValidationFailed as exc:
            self.issues.set_issues(exc.issues)
            self.mark_fields(exc.issues)
            self.save_button.setEnabled(False)
            return
        except Exception as exc:  # noqa: BLE001 - a refusal or failed write: tell, keep the form
            show_error(self, exc, title=self.windowTitle())
            return
        self.accept()

    def issues_block(self) -> bool:
        self.validate_now()
        return self.issues.has_errors()


def line_edit(placeholder: str = "", max_length: int | None = None) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    if max_length:
        edit.setMaxLength(max_length)
    return edit


class RegionChooser(QWidget):
    """Kecamatan then kelurahan: the kelurahan list follows the chosen kecamatan."""

    def __init__(self, service: RegistryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.kecamatan = QComboBox()
        self.kelurahan = QComboBox()
        self.kecamatan.setMinimumWidth(160)
        self.kelurahan.setMinimumWidth(180)
        fill_combo(
            self.kecamatan,
            [(None, tr("— pilih kecamatan —")), *service.kecamatan_options()],
        )
        self.kecamatan.currentIndexChanged.connect(self._kecamatan_changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kecamatan)
        layout.addWidget(self.kelurahan, 1)
        self._kecamatan_changed()

    def _kecamatan_changed(self, *_args: object) -> None:
        kec = combo_data(self.kecamatan)
        options = self.service.kelurahan_options(kec) if kec else []
        fill_combo(self.kelurahan, [(None, tr("— pilih kelurahan —")), *options])

    def value(self) -> str | None:
        return combo_data(self.kelurahan)

    def set_value(self, kelurahan_code: str | None) -> None:
        if not kelurahan_code:
            select_combo_data(self.kecamatan, None)
            return
        region = self.service.ctx.regions.get(kelurahan_code)
        parent = region.parent_code if region is not None else None
        select_combo_data(self.kecamatan, parent)
        self._kecamatan_changed()
        select_combo_data(self.kelurahan, kelurahan_code)


class AddressFields(QWidget):
    """Street, RT, RW on one line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.street = line_edit(tr("Jalan, nomor rumah, dusun/lingkungan"))
        self.rt = line_edit(tr("RT"), 3)
        self.rw = line_edit(tr("RW"), 3)
        for edit in (self.rt, self.rw):
            edit.setFixedWidth(56)
            edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.street, 1)
        layout.addWidget(QLabel(tr("RT")))
        layout.addWidget(self.rt)
        layout.addWidget(QLabel(tr("RW")))
        layout.addWidget(self.rw)
