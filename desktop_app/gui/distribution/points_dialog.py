"""Titik salur: the round's distribution points (kelurahan offices, partner shops) and their KPM.

A list of the points on the left; on the right the chosen point's details (name, kind, address,
owner and title for the BAST's second party, the kelurahan it serves) and its KPM, with a field
to assign more by No. KK, NIK or card code (typed or scanned, several at once). Every change goes
through `DistributionService` (update_point, add_point, assign_recipients), which checks and
logs it; a refusal is shown and nothing changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.errors import show_error
from desktop_app.i18n import tr
from desktop_app.services.distribution import (
    POINT_KINDS,
    DistributionService,
    PointInput,
    PointView,
    RoundView,
)

__all__ = ["PointsDialog"]


def _kind_labels() -> dict[str, str]:
    return {"kelurahan": tr("Kantor kelurahan"), "toko": tr("Toko mitra"), "lainnya": tr("Lainnya")}


class PointsDialog(QDialog):
    def __init__(
        self, svc: DistributionService, rnd: RoundView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.svc = svc
        self.rnd = rnd
        self.changed = False  # the round bar reloads its point list when True
        self.setWindowTitle(tr("Titik salur — {round}", round=rnd.name))
        self.resize(1200, 680)

        self.point_list = QListWidget()
        self.point_list.setObjectName("point_list")
        self.point_list.currentRowChanged.connect(self._show_point)
        self.new_button = QPushButton(tr("Titik baru…"))
        self.new_button.clicked.connect(self.start_new)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel(tr("Titik salur putaran ini")))
        lv.addWidget(self.point_list, 1)
        lv.addWidget(self.new_button)

        self.name = QLineEdit()
        self.kind = QComboBox()
        for kind in POINT_KINDS:
            self.kind.addItem(_kind_labels()[kind], kind)
        self.address = QLineEdit()
        self.owner = QLineEdit()
        self.owner.setPlaceholderText(tr("mis. nama pemilik toko atau lurah"))
        self.owner_title = QLineEdit()
        self.owner_title.setPlaceholderText(tr("mis. Pemilik Toko Sumber Rejeki"))
        self.kelurahan = QListWidget()
        self.kelurahan.setMaximumHeight(120)
        prefix = svc.ctx.office.region_code + "."
        for region in svc.ctx.regions.kelurahan():
            if region.code.startswith(prefix):
                item = QListWidgetItem(region.name)
                item.setData(Qt.ItemDataRole.UserRole, region.code)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.kelurahan.addItem(item)
        self.save_button = QPushButton(tr("Simpan titik"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save_point)
        details = QGroupBox(tr("Data titik (pihak kedua BAST)"))
        form = QFormLayout(details)
        form.addRow(tr("Nama titik"), self.name)
        form.addRow(tr("Jenis"), self.kind)
        form.addRow(tr("Alamat"), self.address)
        form.addRow(tr("Pemilik / penanggung jawab"), self.owner)
        form.addRow(tr("Jabatan pada BAST"), self.owner_title)
        form.addRow(tr("Kelurahan yang dilayani"), self.kelurahan)
        form.addRow("", self.save_button)

        self.codes = QLineEdit()
        self.codes.setObjectName("codes")
        self.codes.setPlaceholderText(tr("No. KK, NIK, atau kode kartu; beberapa dipisah spasi"))
        self.codes.returnPressed.connect(self.assign)
        self.assign_button = QPushButton(tr("Tetapkan KPM"))
        self.assign_button.setAutoDefault(False)
        self.assign_button.clicked.connect(self.assign)
        self.members = QTableWidget(0, 5)
        self.members.setHorizontalHeaderLabels(
            [tr("Nama"), tr("NIK"), tr("No. KK"), tr("Kelurahan"), tr("Keterangan")]
        )
        self.members.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members.verticalHeader().setVisible(False)
        header = self.members.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.members_label = QLabel()
        kpm = QGroupBox(tr("KPM di titik ini"))
        kv = QVBoxLayout(kpm)
        row = QHBoxLayout()
        row.addWidget(self.codes, 1)
        row.addWidget(self.assign_button)
        kv.addLayout(row)
        kv.addWidget(self.members_label)
        kv.addWidget(self.members, 1)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(details)
        rv.addWidget(kpm, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([380, 820])  # long point names stay readable

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(tr("Tutup"))
        # Enter belongs to the fields (a scanned code assigns): no button takes it.
        for button in (close, self.new_button):
            button.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.state = QLabel()
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        closed = rnd.status == "closed"
        self.state.setText(
            tr("Putaran sudah ditutup: titik salur hanya dapat dilihat.")
            if closed
            else tr(
                "Kelurahan titik hanya dapat diubah sebelum putaran dibuka; KPM dapat "
                "ditetapkan ke titik lain selama belum menerima."
            )
        )
        for widget in (self.new_button, self.save_button, self.assign_button, self.codes):
            widget.setEnabled(not closed)
        self.points: list[PointView] = []
        self.reload()

    # -- list ------------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        keep = select or self.current_id()
        self.points = self.svc.points(self.rnd.id)
        self.point_list.blockSignals(True)
        self.point_list.clear()
        for p in self.points:
            owner = f" — {p.owner}" if p.owner else ""
            item = QListWidgetItem(f"{p.no}. {p.name}{owner}")
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            self.point_list.addItem(item)
        self.point_list.blockSignals(False)
        ids = [p.id for p in self.points]
        self.point_list.setCurrentRow(ids.index(keep) if keep in ids else 0 if ids else -1)
        self._show_point(self.point_list.currentRow())

    def current_id(self) -> str | None:
        item = self.point_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def current_point(self) -> PointView | None:
        pid = self.current_id()
        return next((p for p in self.points if p.id == pid), None)

    def _show_point(self, _row: int) -> None:
        p = self.current_point()
        self.name.setText(p.name if p else "")
        self.kind.setCurrentIndex(max(self.kind.findData(p.kind if p else "toko"), 0))
        self.address.setText(p.address if p else "")
        self.owner.setText(p.owner if p else "")
        self.owner_title.setText(p.owner_title if p else "")
        codes = set(p.kelurahan_codes) if p else set()
        first_checked = None
        for i in range(self.kelurahan.count()):
            item = self.kelurahan.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in codes
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            if checked and first_checked is None:
                first_checked = item
        if first_checked is not None:  # the served kelurahan in view, not scrolled away
            self.kelurahan.scrollToItem(first_checked)
        self.kelurahan.setEnabled(self.rnd.status == "draft" or p is None)
        self.assign_button.setEnabled(p is not None and self.rnd.status != "closed")
        self.codes.setEnabled(self.assign_button.isEnabled())
        self._show_members()

    def _show_members(self) -> None:
        p = self.current_point()
        rows = self.svc.point_members(self.rnd.id, p.id) if p else []
        self.members.setRowCount(len(rows))
        for r, m in enumerate(rows):
            note = tr("sudah menerima") if m.received else ""
            if m.assigned:
                note = ", ".join(x for x in (tr("ditetapkan"), note) if x)
            for c, value in enumerate((m.name, m.nik or "", m.kk_number or "", m.kelurahan, note)):
                self.members.setItem(r, c, QTableWidgetItem(value))
        if p is None:
            self.members_label.setText(tr("Simpan titik baru dahulu, lalu tetapkan KPM-nya."))
        elif self.rnd.status == "draft":
            self.members_label.setText(
                tr(
                    "{n} KPM ditetapkan satu per satu; penerima lain dari kelurahan yang "
                    "dilayani masuk saat putaran dibuka.",
                    n=len(rows),
                )
            )
        else:
            self.members_label.setText(tr("{n} KPM di daftar titik ini.", n=len(rows)))

    # -- edits -----------------------------------------------------------------------------
    def start_new(self) -> None:
        self.point_list.blockSignals(True)
        self.point_list.setCurrentRow(-1)
        self.point_list.clearSelection()
        self.point_list.blockSignals(False)
        self._show_point(-1)
        self.name.setFocus()

    def point_input(self) -> PointInput:
        codes = tuple(
            str(self.kelurahan.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.kelurahan.count())
            if self.kelurahan.item(i).checkState() == Qt.CheckState.Checked
        )
        return PointInput(
            name=self.name.text(),
            kind=str(self.kind.currentData()),
            address=self.address.text(),
            kelurahan_codes=codes,
            contact_name=self.owner.text(),
            contact_title=self.owner_title.text(),
        )

    def save_point(self) -> None:
        p = self.current_point()
        try:
            if p is None:
                pid = self.svc.add_point(self.rnd.id, self.point_input())
            else:
                pid = self.svc.update_point(self.rnd.id, p.id, self.point_input()).id
        except Exception as exc:  # noqa: BLE001 - the refusal is shown; nothing changed
            show_error(self, exc, title=tr("Titik salur"))
            return
        self.changed = True
        self.reload(select=pid)

    def assign(self) -> None:
        p = self.current_point()
        if p is None:
            return
        try:
            result = self.svc.assign_recipients(self.rnd.id, p.id, self.codes.text().split())
        except Exception as exc:  # noqa: BLE001 - the refusal is shown; nothing changed
            show_error(self, exc, title=tr("Tetapkan KPM"))
            return
        self.changed = True
        self.codes.clear()
        self.reload(select=p.id)
        self.members_label.setText(
            tr(
                "Ditetapkan: {names}. Dipindah dari titik lain: {moved}; sudah di titik ini: "
                "{same}.",
                names=", ".join(result.names[:5]) + ("…" if len(result.names) > 5 else ""),
                moved=result.moved,
                same=result.unchanged,
            )
        )
        self.codes.setFocus()
