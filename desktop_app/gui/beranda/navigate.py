"""From a figure on the Beranda to the list behind it: the registry filtered by program and
kelurahan, or a round's roster filtered by point and status. Only the tabs' public widgets are
touched (their filter combo boxes), so the other tabs need not know the Beranda exists."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from desktop_app.domain.programs import PROGRAMS, Unit
from desktop_app.i18n import tr

__all__ = ["open_registry", "open_roster"]


def _main_window(widget: QWidget) -> QWidget | None:
    window = widget.window()
    return window if hasattr(window, "tab") and hasattr(window, "tabs") else None


def _show(widget: QWidget, title: str) -> QWidget | None:
    window = _main_window(widget)
    if window is None:
        return None
    tab = window.tab(title)  # type: ignore[attr-defined]
    if tab is not None:
        window.tabs.setCurrentWidget(tab)  # type: ignore[attr-defined]
    return tab


def _choose(combo: QComboBox, data: object) -> bool:
    index = combo.findData(data)
    if index < 0:
        return False
    combo.setCurrentIndex(index)
    return True


def open_registry(
    widget: QWidget, program_code: str | None, kelurahan_code: str | None = None
) -> QWidget | None:
    """The Registri tab listing a program's beneficiaries (in one kelurahan): the KPM list for
    a household program, the persons list otherwise."""
    tab = _show(widget, tr("Registri"))
    if tab is None or not hasattr(tab, "reset_filters"):
        return tab
    combos = (tab.program, tab.kelurahan)  # type: ignore[attr-defined]
    tab.reset_filters()  # type: ignore[attr-defined]
    for combo in combos:
        combo.blockSignals(True)
    try:
        _choose(tab.program, program_code)  # type: ignore[attr-defined]
        if kelurahan_code:
            _choose(tab.kelurahan, kelurahan_code)  # type: ignore[attr-defined]
    finally:
        for combo in combos:
            combo.blockSignals(False)
    program = PROGRAMS.get(program_code or "")
    wanted = 1 if program is not None and program.unit == Unit.HOUSEHOLD else 0
    if tab.view_bar.currentIndex() != wanted:  # type: ignore[attr-defined]
        tab.view_bar.setCurrentIndex(wanted)  # type: ignore[attr-defined] # loads the list
    else:
        tab.reload()  # type: ignore[attr-defined]
    return tab


def open_roster(
    widget: QWidget, round_id: str, point_id: str | None = None, status: str | None = None
) -> QWidget | None:
    """The Penyaluran tab on a round (and point), its roster showing one state
    ("belum", "diterima", "diwakilkan", "tidak_hadir", "ditolak") or all."""
    tab = _show(widget, tr("Penyaluran"))
    if tab is None or not hasattr(tab, "reload_rounds"):
        return tab
    tab.reload_rounds(select=round_id)  # type: ignore[attr-defined]
    if point_id:
        _choose(tab.point_combo, point_id)  # type: ignore[attr-defined]
    else:
        tab.point_combo.setCurrentIndex(0)  # type: ignore[attr-defined] # "Semua titik"
    roster = getattr(tab, "roster", None)
    if roster is not None:
        _choose(roster.filter_combo, status)
    return tab
