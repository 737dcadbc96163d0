"""Exporting views to .xlsx and .csv.

Each export is a `Table`: column definitions plus an iterator of rows. An adapter per view
(`persons_table`, `households_table`, and the round and training adapters that other services
provide rows for) builds the table; `export_table` writes it. Rows are streamed, so 160,000
persons never sit in memory as a workbook.

Spreadsheet rules: the header row is frozen and has an autofilter, columns get sensible widths,
dates are real dates (formatted dd-mm-yyyy) and NIK / No. KK are always text, never numbers
(Excel would otherwise round them to 15 digits).
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from desktop_app.domain.errors import Msg
from desktop_app.domain.ids import new_id
from desktop_app.domain.people import program_names
from desktop_app.domain.search_text import normalise_search
from desktop_app.domain.status import RELATION_LABELS, Relation
from desktop_app.domain.values import as_date
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.registry import PersonFilter, RegistryService
from desktop_app.services.registry.reads import PERSON_PROGRAMS_FROM
from desktop_app.storage import search

__all__ = [
    "Column",
    "ExportResult",
    "ExportService",
    "Table",
    "export_table",
    "write_csv",
    "write_rejected_rows",
    "write_xlsx",
]

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

DATE_FORMAT = "dd-mm-yyyy"
_FETCH = 2000  # rows fetched per query while streaming a view
_WIDTH_SAMPLE = 200  # rows looked at to size the columns


CANCELLED = Msg(
    "export.cancelled",
    "Ekspor dibatalkan; berkas tidak dibuat.",
    "The export was cancelled; no file was written.",
)
FORMAT_UNSUPPORTED = Msg(
    "export.format_unsupported",
    "Format {suffix} tidak didukung; pilih .xlsx atau .csv.",
    "The format {suffix} is not supported; choose .xlsx or .csv.",
)
TRAINING_NOT_FOUND = Msg(
    "export.training_not_found",
    "Pelatihan '{ref}' tidak ditemukan.",
    "The training '{ref}' was not found.",
)
TRAINING_AMBIGUOUS = Msg(
    "export.training_ambiguous",
    "Awalan '{ref}' cocok dengan {count} pelatihan; tulis lebih panjang.",
    "The prefix '{ref}' matches {count} trainings; type more of it.",
)


class ExportCancelled(ServiceError):
    def __init__(self, msg: Msg = CANCELLED, /, **params: Any) -> None:
        super().__init__(msg, **params)


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # "text", "id" (NIK/KK: always text), "date", "datetime", "int", "number"
    width: int | None = None  # characters; None: from the header and the first rows


@dataclass
class Table:
    title: str  # sheet name (at most 31 characters in Excel)
    columns: list[Column]
    rows: Iterable[Sequence[Any]]
    count: int | None = None  # rows expected, for progress
    description: dict[str, Any] = field(default_factory=dict)  # logged with the export


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def _sheet_title(title: str) -> str:
    bad = "[]:*?/\\"
    clean = "".join("-" if ch in bad else ch for ch in title).strip("'") or "Data"
    return clean[:31]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _widths(columns: list[Column], sample: list[Sequence[Any]]) -> list[int]:
    widths = []
    for i, col in enumerate(columns):
        if col.width is not None:
            widths.append(col.width)
            continue
        if col.kind == "id":
            widths.append(max(19, len(col.header) + 2))
            continue
        if col.kind in ("date", "datetime"):
            widths.append(max(12 if col.kind == "date" else 17, len(col.header) + 2))
            continue
        longest = max((len(_text(row[i])) for row in sample if i < len(row)), default=0)
        widths.append(min(60, max(len(col.header) + 2, longest + 2, 6)))
    return widths


def write_xlsx(
    table: Table,
    path: Path,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    rows = iter(table.rows)
    sample = list(itertools.islice(rows, _WIDTH_SAMPLE))
    # constant_memory: each row goes to disk as soon as the next one starts.
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        sheet = workbook.add_worksheet(_sheet_title(table.title))
        header_fmt = workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        date_fmt = workbook.add_format({"num_format": DATE_FORMAT, "align": "left"})
        text_fmt = workbook.add_format({"num_format": "@"})
        columns = table.columns
        for i, width in enumerate(_widths(columns, sample)):
            sheet.set_column(i, i, width, text_fmt if columns[i].kind == "id" else None)
        for i, col in enumerate(columns):
            sheet.write_string(0, i, col.header, header_fmt)
        sheet.freeze_panes(1, 0)
        datetime_fmt = workbook.add_format({"num_format": "dd-mm-yyyy hh:mm", "align": "left"})
        writers = [_cell_writer(sheet, col, date_fmt, text_fmt, datetime_fmt) for col in columns]
        pairs = list(enumerate(writers))
        total = table.count or 0
        written = 0
        for r, row in enumerate(itertools.chain(sample, rows), start=1):
            for i, write in pairs:
                value = row[i]
                if value is not None and value != "":
                    write(r, i, value)
            written = r
            if r % 5000 == 0:
                if cancelled is not None and cancelled():
                    raise ExportCancelled()
                if progress is not None:
                    progress(r, total)
        sheet.autofilter(0, 0, max(written, 1), len(columns) - 1)
    except BaseException:
        workbook.close()
        path.unlink(missing_ok=True)
        raise
    workbook.close()
    if progress is not None:
        progress(written, written)
    return written


def _cell_writer(
    sheet: Any, col: Column, date_fmt: Any, text_fmt: Any, datetime_fmt: Any
) -> Callable[..., Any]:
    if col.kind == "id":
        write_string = sheet.write_string
        return lambda r, c, v: write_string(r, c, str(v), text_fmt)
    if col.kind == "datetime":
        write_datetime = sheet.write_datetime
        write_string = sheet.write_string

        def write_moment(r: int, c: int, v: Any) -> None:
            if isinstance(v, datetime):
                # Excel has no time zones: write the local wall-clock time the clerk saw.
                write_datetime(r, c, v.replace(tzinfo=None), datetime_fmt)
            else:
                write_string(r, c, str(v))

        return write_moment
    if col.kind == "date":
        write_datetime = sheet.write_datetime
        write_string = sheet.write_string

        def write_date(r: int, c: int, v: Any) -> None:
            if isinstance(v, date):
                write_datetime(r, c, v, date_fmt)
            else:
                write_string(r, c, str(v))

        return write_date
    if col.kind in ("int", "number"):
        write_number = sheet.write_number
        return lambda r, c, v: write_number(r, c, v)
    write_string = sheet.write_string
    return lambda r, c, v: write_string(r, c, v if isinstance(v, str) else _text(v))


def write_csv(
    table: Table,
    path: Path,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    delimiter: str = ";",
) -> int:
    """UTF-8 with BOM and ';' (what Excel expects in an Indonesian locale); dates as dd-mm-yyyy.
    NIKs are plain digits: open the file with Excel's text import, or use .xlsx instead."""
    written = 0
    try:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow([c.header for c in table.columns])
            for r, row in enumerate(table.rows, start=1):
                writer.writerow([_text(v) for v in row])
                written = r
                if r % 5000 == 0:
                    if cancelled is not None and cancelled():
                        raise ExportCancelled()
                    if progress is not None:
                        progress(r, table.count or 0)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return written


def export_table(
    table: Table,
    path: Path | str,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_csv(table, path, progress, cancelled)
    if suffix == ".xlsx":
        return write_xlsx(table, path, progress, cancelled)
    shown = suffix or "(tanpa akhiran)"
    raise ServiceError(FORMAT_UNSUPPORTED, suffix=shown)


def write_rejected_rows(
    path: Path,
    header: Sequence[str],
    rows: Sequence[tuple[int, Sequence[Any], Any]],
    source: str = "",
) -> int:
    """The rejected rows as the sender wrote them, with their row number and the reasons, so the
    sender can fix the original file."""
    width = max([len(header), *(len(cells) for _, cells, _ in rows)])
    labels = [
        header[i] if i < len(header) and header[i] else f"Kolom {i + 1}" for i in range(width)
    ]
    columns = [Column("Baris di berkas asal", "int", 12)]
    columns += [Column(label) for label in labels]
    columns += [Column("Alasan ditolak", "text", 70)]

    def generate() -> Iterator[list[Any]]:
        for number, cells, result in rows:
            padded = list(cells) + [""] * (width - len(cells))
            yield [number, *(_report_value(v) for v in padded), result.reasons]

    table = Table(f"Ditolak {source}"[:31], columns, generate(), len(rows))
    return write_xlsx(table, path)


def _report_value(value: Any) -> Any:
    # Keep the sender's own values (numbers stay numbers, so a NIK Excel rounded is shown as
    # the sender's Excel shows it); dates are written as text to keep the column kind simple.
    if isinstance(value, date):
        return _text(value)
    if isinstance(value, float):
        return _text(value) if value.is_integer() and abs(value) < 1e15 else f"{value:.5E}"
    return value


# -- adapters over the registry ----------------------------------------------------------------

_PERSON_EXPORT_SELECT = (
    """
SELECT person.rowid AS rowid, person.nik, household.kk_number, person.name, person.sex,
       person.birth_place, person.birth_date, person.street, person.rt, person.rw,
       kel.name AS kelurahan, kec.name AS kecamatan, person.relation, person.phone,
       person.status,
       """
    + PERSON_PROGRAMS_FROM
)

# Both exports carry the address the same way, so a re-import reads them alike.
_ADDRESS_COLUMNS = [
    Column("ALAMAT", "text", 32),
    Column("RT", "text", 6),
    Column("RW", "text", 6),
    Column("KELURAHAN", "text", 16),
    Column("KECAMATAN", "text", 16),
]

PERSON_COLUMNS = [
    Column("NIK", "id"),
    Column("NO KK", "id"),
    Column("NAMA", "text", 32),
    Column("JENIS KELAMIN", "text", 9),
    Column("TEMPAT LAHIR", "text", 16),
    Column("TANGGAL LAHIR", "date"),
    *_ADDRESS_COLUMNS,
    Column("HUBUNGAN KELUARGA", "text", 18),
    Column("TELEPON", "text", 15),
    Column("STATUS", "text", 11),
    Column("PROGRAM", "text", 22),
]


def _relation_label(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return RELATION_LABELS[Relation(code)]
    except ValueError:
        return code


class ExportService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.registry = RegistryService(ctx)

    def persons_table(self, flt: PersonFilter | None = None) -> Table:
        """The registry's person view with its current filter, in the view's order.

        Every match, also for a search text: the screen shows the first `max_matches` of a
        search, but a file that silently stopped there would look complete.
        """
        flt = replace(_searched(flt), max_matches=None)
        rowids = self.registry.person_ids(flt)
        return Table(
            "Orang",
            PERSON_COLUMNS,
            self._person_rows(rowids),
            len(rowids),
            {"what": "persons", "filter": _filter_dict(flt)},
        )

    def _person_rows(self, rowids: list[int]) -> Iterator[tuple[Any, ...]]:
        def sql(chunk: list[int]) -> str:
            return _PERSON_EXPORT_SELECT + " WHERE " + search.rows_by_rowid_clause(chunk)

        def row(m: Any) -> tuple[Any, ...]:
            return (
                m[1],
                m[2],
                m[3],
                m[4],
                m[5],
                as_date(m[6]),
                m[7],
                m[8],
                m[9],
                m[10],
                m[11],
                _relation_label(m[12]),
                m[13],
                m[14],
                program_names(m[15]),
            )

        return self._rows_in_order(rowids, sql, row)

    def _rows_in_order(
        self,
        rowids: list[int],
        sql: Callable[[list[int]], str],
        row: Callable[[Any], tuple[Any, ...]],
    ) -> Iterator[tuple[Any, ...]]:
        """`row(m)` for each result of `sql(chunk)`, read in chunks of rowids (the first column
        is the rowid) and yielded in the order of `rowids`; rowids no longer found are skipped."""
        with self.ctx.db.engine.connect() as conn:
            for start in range(0, len(rowids), _FETCH):
                chunk = rowids[start : start + _FETCH]
                by_key = {m[0]: m for m in conn.exec_driver_sql(sql(chunk))}
                for key in chunk:
                    m = by_key.get(key)
                    if m is not None:
                        yield row(m)

    def households_table(self, flt: PersonFilter | None = None) -> Table:
        """One row per KPM: its KK, head, address and members; importable as households."""
        flt = _searched(flt)
        rowids = self.registry.household_ids(flt)
        columns = [
            Column("NO KK", "id"),
            Column("NIK", "id"),
            Column("NAMA KEPALA KELUARGA", "text", 32),
            *_ADDRESS_COLUMNS,
            Column("JUMLAH ANGGOTA", "int", 10),
            Column("PROGRAM", "text", 22),
        ]

        def sql(chunk: list[int]) -> str:
            return (
                "SELECT household.rowid, household.kk_number, head.nik, head.name,"
                " household.street, household.rt, household.rw, kel.name, kec.name,"
                " (SELECT count(*) FROM person m WHERE m.household_id = household.id"
                "  AND m.deleted = 0),"
                " (SELECT group_concat(e.program_code, ',') FROM enrolment e"
                "  WHERE e.deleted = 0 AND e.end_date IS NULL"
                "  AND e.household_id = household.id)"
                " FROM household"
                " LEFT JOIN person head ON head.id = household.head_person_id"
                " LEFT JOIN region kel ON kel.code = household.kelurahan_code"
                " LEFT JOIN region kec ON kec.code = kel.parent_code"
                " WHERE household.rowid IN (" + ",".join(str(int(r)) for r in chunk) + ")"
            )

        rows = self._rows_in_order(rowids, sql, lambda m: (*m[1:10], program_names(m[10])))

        return Table(
            "KPM", columns, rows, len(rowids), {"what": "households", "filter": _filter_dict(flt)}
        )

    def round_table(self, round_ref: str) -> Table:
        """A distribution round's checklist: who is entitled, and who collected, when, how."""
        from desktop_app.services.distribution import DistributionService, RosterFilter

        service = DistributionService(self.ctx)
        rnd = service.get_round(round_ref)
        rowids = service.roster_ids(rnd.id, RosterFilter())
        columns = [
            Column("NO", "int", 6),
            Column("NIK", "id"),
            Column("NO KK", "id"),
            Column("NAMA", "text", 30),
            Column("ALAMAT", "text", 30),
            Column("RT", "text", 6),
            Column("RW", "text", 6),
            Column("KELURAHAN", "text", 16),
            Column("TITIK PENYALURAN", "text", 22),
            Column("NO KARTU", "text", 14),
            Column("STATUS", "text", 14),
            Column("NO TANDA TERIMA", "text", 22),
            Column("WAKTU DITERIMA", "datetime"),
            Column("PENGAMBIL", "text", 24),
            Column("KETERANGAN", "text", 30),
        ]

        def rows() -> Iterator[tuple[Any, ...]]:
            for start in range(0, len(rowids), _FETCH):
                for r in service.roster_rows(rowids[start : start + _FETCH]):
                    yield (
                        r.no, r.nik, r.kk_number, r.name, r.address, r.rt, r.rw, r.kelurahan,
                        r.point_name, r.card_code, r.status_label if r.status else "Belum",
                        r.receipt_number, r.received_at, r.collector_name, r.mark_reason,
                    )  # fmt: skip

        return Table(
            rnd.code, columns, rows(), len(rowids), {"what": "round", "filter": {"round": rnd.id}}
        )

    def training_table(self, training_ref: str) -> Table:
        """A training's attendance: one column per session (H/I/S/A) and the completion rule."""
        from desktop_app.services.training import TrainingService

        service = TrainingService(self.ctx)
        ref = training_ref.strip()
        matches = [t.id for t in service.list_trainings() if t.id == ref or t.id.startswith(ref)]
        if len(matches) != 1 and ref not in matches:
            if not matches:
                raise ServiceError(TRAINING_NOT_FOUND, ref=ref)
            raise ServiceError(TRAINING_AMBIGUOUS, ref=ref, count=len(matches))
        grid = service.attendance_grid(ref if ref in matches else matches[0])
        columns = [
            Column("NO", "int", 6),
            Column("NIK", "id"),
            Column("NAMA", "text", 30),
            Column("L/P", "text", 5),
            Column("KELURAHAN", "text", 16),
            Column("STATUS", "text", 10),
        ]
        columns += [
            Column(f"SESI {s.number} ({s.session_date:%d-%m-%Y})", "text", 9) for s in grid.sessions
        ]
        columns += [
            Column("HADIR", "int", 8),
            Column("PERSEN HADIR", "int", 9),
            Column("MEMENUHI SYARAT", "text", 11),
        ]

        def rows() -> Iterator[tuple[Any, ...]]:
            for p in grid.participants:
                codes = [grid.code(p.id, s.id) for s in grid.sessions]
                yield (
                    p.number, p.nik, p.name, p.sex, p.kelurahan,
                    "aktif" if p.active else "mundur", *codes,
                    grid.present(p.id), grid.pct(p.id), "Ya" if grid.complete(p.id) else "Tidak",
                )  # fmt: skip

        return Table(
            grid.training.title,
            columns,
            rows(),
            len(grid.participants),
            {"what": "training", "filter": {"training": grid.training.id}},
        )

    def export(
        self,
        table: Table,
        path: Path | str,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ExportResult:
        """Write the table and record the export in the change log (who exported what, when:
        lists of beneficiaries are personal data under UU PDP)."""
        path = Path(path)
        count = export_table(table, path, progress, cancelled)
        if not self.ctx.db.read_only:
            with self.ctx.unit_of_work(source=path.name) as w:
                w.log(
                    "export",
                    new_id(),
                    "export",
                    {
                        "what": [None, table.description.get("what", table.title)],
                        "filter": [None, json.dumps(table.description.get("filter", {}))],
                        "rows": [None, count],
                    },
                )
        return ExportResult(path, count)


def _searched(flt: PersonFilter | None) -> PersonFilter:
    """The filter with its search text as the registry reads it (`export --query` may carry a
    NUL, a paste or hundreds of words): the file's metadata then records what was searched."""
    flt = flt or PersonFilter()
    return replace(flt, query=normalise_search(flt.query))


def _filter_dict(flt: PersonFilter) -> dict[str, Any]:
    return {k: v for k, v in vars(flt).items() if v not in (None, "")}
