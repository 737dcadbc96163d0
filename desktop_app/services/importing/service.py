"""`ImportService`: the flow the wizard and the CLI share (prepare, dry run, commit)."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection
from sqlmodel import col, select

from desktop_app.domain.nik import Issue
from desktop_app.domain.programs import get_program
from desktop_app.services.context import AppContext, UnitOfWork, diff
from desktop_app.services.importing.apply import Cancelled, Progress, apply_ops
from desktop_app.services.importing.blocks import BlockReader, read_list_title
from desktop_app.services.importing.cleaning import is_blank
from desktop_app.services.importing.fields import (
    KIND_FIELDS,
    REQUIRED_FIELDS,
    ImportKind,
    ImportOptions,
    ImportReport,
    PreparedImport,
    RowResult,
    RowStatus,
)
from desktop_app.services.importing.headers import (
    FIELD_BY_KEY,
    column_index,
    detect_header,
    header_key,
    header_layout,
    header_score,
    is_numbering_row,
    suggest_mapping,
)
from desktop_app.services.importing.layouts import (
    READ_EXTRAS,
    layout_mapping,
    load_layouts,
    not_stored_columns,
    not_stored_note,
    recognise,
    row_rules,
)
from desktop_app.services.importing.messages import (
    COLUMNS_MISSING,
    EMPTY_SHEET,
    FIELDS_NOT_FOR_KIND,
    MAPPING_COLUMN_MISSING,
    MAPPING_FIELD_UNKNOWN,
    MAPPING_FILE_SHAPE,
    MAPPING_FILE_UNREADABLE,
    NO_DATA,
    NO_HEADER,
    NO_SUCH_ROW,
    PROGRAM_NOT_CHOSEN,
    ImportCancelled,
    PlanChanged,
    RejectedRows,
    SpreadsheetError,
)
from desktop_app.services.importing.parse import Candidate, RowParser, flag_duplicates
from desktop_app.services.importing.plan import Ops, Planner, fingerprint, load_existing
from desktop_app.services.importing.spreadsheet import Workbook, open_workbook
from desktop_app.storage.models import Setting

__all__ = ["MAPPING_KEY_PREFIX", "ImportService"]

MAPPING_KEY_PREFIX = "import_mapping:"
_CHECK_EVERY = 2000  # rows between progress reports / cancel checks


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector during a bulk import.

    Reading 160,000 rows creates millions of small objects that all stay alive until the plan is
    applied; every collection walks them again, which doubles the time of a large import.
    Reference counting still frees everything that is dropped; the collector resumes after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -- the service ------------------------------------------------------------------------------


class ImportService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # -- preparing ------------------------------------------------------------------------------
    def prepare(self, path: Path | str, options: ImportOptions | None = None) -> PreparedImport:
        """Open the file and decide sheet, header and columns; raise SpreadsheetError if the file
        cannot be used."""
        options = options or ImportOptions()
        workbook = open_workbook(path)
        try:
            return self._prepare(workbook, options)
        except BaseException:
            workbook.close()
            raise

    def _prepare(self, workbook: Workbook, options: ImportOptions) -> PreparedImport:
        kind = ImportKind(options.kind)
        if options.sheet:
            sheet = workbook.resolve_sheet(options.sheet)
            head = workbook.head(sheet)
        else:
            sheet, head = self._best_sheet(workbook, options.header_row is None)
        if not any(any(not is_blank(c) for c in row) for row in head):
            if len(workbook.sheets) > 1:
                raise SpreadsheetError(EMPTY_SHEET, sheet=sheet, file=workbook.name)
            raise SpreadsheetError(NO_DATA, file=workbook.name)
        header_row = options.header_row
        if header_row is None:
            header_row = self._remembered_header(kind, head)
        if header_row is None:
            header_row = detect_header(head)
            if header_row is None:
                raise SpreadsheetError(NO_HEADER, sheet=sheet, file=workbook.name, rows=len(head))
        if header_row >= len(head):
            head = [list(r) for r in _take(workbook.rows(sheet), header_row + 3)]
            if header_row >= len(head):
                raise SpreadsheetError(NO_SUCH_ROW, sheet=sheet, row=header_row + 1)
        layout = header_layout(head, header_row, _layout_headers())
        recognised = recognise(layout, head)
        kind_from_layout = False
        if recognised is not None and recognised.households and kind == ImportKind.PERSONS:
            # A list that carries KK and SHDK/kk_level (OpenSID penduduk, SIAK) builds its
            # households in person mode too: otherwise heads and relations would be lost.
            wanted = layout_mapping(recognised, layout.labels, KIND_FIELDS[ImportKind.HOUSEHOLDS])
            if "kk_number" in wanted and "relation" in wanted and options.mapping is None:
                kind, kind_from_layout = ImportKind.HOUSEHOLDS, True
                options.kind = kind
        fields = KIND_FIELDS[kind]
        if recognised is not None:
            suggested = layout_mapping(recognised, layout.labels, fields)
        else:
            suggested = suggest_mapping(layout.labels, fields)
        origin = "suggested"
        mapping = dict(suggested)
        if options.mapping is not None:
            mapping, origin = dict(options.mapping), "given"
        else:
            remembered = self.remembered_mapping(kind, layout.labels)
            if remembered is not None:
                mapping, origin = remembered, "remembered"
        unknown = [k for k in mapping if k not in fields]
        if unknown:
            raise SpreadsheetError(FIELDS_NOT_FOR_KIND, fields=", ".join(unknown))
        preview = head[layout.data_start : layout.data_start + 20]
        return PreparedImport(
            path=workbook.path,
            workbook=workbook,
            options=options,
            sheet=sheet,
            layout=layout,
            mapping=mapping,
            mapping_origin=origin,
            suggested=suggested,
            preview=preview,
            title=read_list_title(head, layout.row, recognised, workbook, sheet),
            recognised=recognised,
            extras=recognised.extra_mapping(layout.labels) if recognised else {},
            kind_from_layout=kind_from_layout,
        )

    @staticmethod
    def _best_sheet(workbook: Workbook, detect: bool) -> tuple[str, list[list[Any]]]:
        """The visible sheet whose header names the most fields (an instructions sheet first
        in the file must not win)."""
        best: tuple[int, str, list[list[Any]]] | None = None
        candidates = [s.name for s in workbook.sheets if s.visible] or workbook.sheet_names
        for name in candidates:
            head = workbook.head(name)
            if not detect:
                return name, head
            index = detect_header(head)
            score = 0 if index is None else header_score(head[index])
            if best is None or score > best[0]:
                best = (score, name, head)
        assert best is not None
        return best[1], best[2]

    def _remembered_header(self, kind: ImportKind, head: list[list[Any]]) -> int | None:
        """A header row whose exact column names a clerk has mapped before (a sender's own
        template, even with names no suggestion knows)."""
        keys = {}
        for index, row in enumerate(head):
            if sum(1 for c in row if isinstance(c, str) and c.strip()) >= 2:
                keys[self.mapping_key(kind, header_layout(head, index).labels)] = index
        if not keys:
            return None
        with self.ctx.db.session() as s:
            found = s.exec(select(Setting.key).where(col(Setting.key).in_(list(keys)))).all()
        return min((keys[k] for k in found), default=None)

    def missing_required(self, prepared: PreparedImport) -> list[str]:
        return [k for k in REQUIRED_FIELDS[prepared.options.kind] if k not in prepared.mapping]

    def _check_mapping(self, prepared: PreparedImport) -> None:
        if prepared.kind_from_layout and not {"kk_number", "relation"} <= set(prepared.mapping):
            # The clerk (or a mapping file) took the KK or SHDK column away: a person import
            # again, as chosen.
            prepared.kind_from_layout = False
            prepared.options.kind = ImportKind.PERSONS
            persons = KIND_FIELDS[ImportKind.PERSONS]
            prepared.mapping = {k: v for k, v in prepared.mapping.items() if k in persons}
        missing = self.missing_required(prepared)
        if missing:
            names = ", ".join(FIELD_BY_KEY[k].label for k in missing)
            raise SpreadsheetError(COLUMNS_MISSING, names=names, sheet=prepared.sheet)
        kind = prepared.options.kind
        if (
            kind == ImportKind.ENROLMENTS
            and prepared.options.program_code is None
            and "program" not in prepared.mapping
            and not prepared.title.program  # a participant list names its programme
            and "program_name" not in prepared.extras
        ):
            raise SpreadsheetError(PROGRAM_NOT_CHOSEN)

    # -- remembered mappings --------------------------------------------------------------------
    @staticmethod
    def mapping_key(kind: ImportKind, labels: Sequence[str]) -> str:
        """Mappings are remembered per header: the same template from the same sender is
        recognised whatever the file is called."""
        signature = kind.value + "|" + "|".join(header_key(label) for label in labels)
        return MAPPING_KEY_PREFIX + hashlib.sha1(signature.encode()).hexdigest()[:20]

    def remembered_mapping(self, kind: ImportKind, labels: Sequence[str]) -> dict[str, int] | None:
        key = self.mapping_key(kind, labels)
        with self.ctx.db.session() as s:
            row = s.get(Setting, key)
        if row is None:
            return None
        data = json.loads(row.value)
        width = len(labels)
        mapping = {k: int(v) for k, v in data.get("mapping", {}).items() if int(v) < width}
        return mapping or None

    def remember_mapping(self, prepared: PreparedImport) -> None:
        kind = ImportKind(prepared.options.kind)
        key = self.mapping_key(kind, prepared.labels)
        after = {
            "kind": kind.value,
            "labels": prepared.labels,
            "mapping": prepared.mapping,
            "file": prepared.file_name,
        }
        with self.ctx.unit_of_work(source=prepared.file_name) as w:
            row = w.session.get(Setting, key)
            before = json.loads(row.value) if row else {}
            if all(before.get(k) == after[k] for k in ("mapping", "labels")):
                return
            if row is None:
                row = Setting(key=key, value="{}")
            row.value = json.dumps(after, ensure_ascii=False)
            w.session.add(row)
            w.log("setting", key, "update", diff(before, after))

    @staticmethod
    def mapping_from_file(prepared: PreparedImport, path: Path | str) -> dict[str, int]:
        """A mapping file for the CLI: {"columns": {"nik": "NIK", "name": "B", ...}} where each
        value is a column letter or a header text; optional "sheet" and "header_row" (1-based)
        are read by the CLI before preparing."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as exc:
            raise SpreadsheetError(
                MAPPING_FILE_UNREADABLE, file=Path(path).name, error=str(exc)
            ) from exc
        columns = data.get("columns", data) if isinstance(data, dict) else None
        if not isinstance(columns, dict):
            raise SpreadsheetError(MAPPING_FILE_SHAPE)
        keys = [header_key(label) for label in prepared.labels]
        mapping: dict[str, int] = {}
        for field_name, ref in columns.items():
            if field_name in ("sheet", "header_row"):
                continue
            if field_name not in FIELD_BY_KEY:
                raise SpreadsheetError(MAPPING_FIELD_UNKNOWN, field=field_name)
            ref_text = str(ref)
            index = None
            if header_key(ref_text) in keys:
                index = keys.index(header_key(ref_text))
            elif column_index(ref_text) is not None:
                index = column_index(ref_text)
            if index is None:
                raise SpreadsheetError(
                    MAPPING_COLUMN_MISSING, column=ref_text, field=field_name, sheet=prepared.sheet
                )
            mapping[field_name] = index
        return mapping

    # -- dry run and commit ---------------------------------------------------------------------
    def dry_run(
        self,
        prepared: PreparedImport,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ImportReport:
        """Classify every row; writes nothing."""
        self._check_mapping(prepared)
        with _no_cyclic_gc():
            candidates, ignored = self._read(prepared, progress, cancelled)
            with self.ctx.db.engine.connect() as conn:
                planner = self._planner(conn, prepared, candidates)
            results = planner.plan(candidates)
        return _report(prepared, results, ignored, planner.rules.notes())

    def commit(
        self,
        prepared: PreparedImport,
        *,
        expected: str | None = None,
        accept_valid: bool = False,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ImportReport:
        """Plan again inside one write transaction and apply it.

        ``expected`` is the fingerprint of the dry run the clerk approved; if the registry
        changed meanwhile the import stops with PlanChanged. Rejected rows stop the import unless
        ``accept_valid`` (then only the valid rows are imported). Cancelling rolls back.
        """
        self._check_mapping(prepared)
        with _no_cyclic_gc():
            return self._commit(prepared, expected, accept_valid, progress, cancelled)

    def _commit(
        self,
        prepared: PreparedImport,
        expected: str | None,
        accept_valid: bool,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> ImportReport:
        candidates, ignored = self._read(prepared, progress, cancelled)
        # The parsed sheet is not needed while writing; a rejected-rows report reads it again.
        prepared.workbook.release()
        with self.ctx.unit_of_work(source=prepared.file_name) as uow:
            planner = self._planner(uow.session.connection(), prepared, candidates)
            results = planner.plan(candidates)
            candidates.clear()  # the plan holds what the writes need
            report = _report(prepared, results, ignored, planner.rules.notes())
            if expected is not None and expected != report.fingerprint:
                raise PlanChanged()
            rejected = report.count(RowStatus.REJECTED)
            if rejected and not accept_valid:
                raise RejectedRows(rejected)
            self._apply(uow, planner.ops, progress, cancelled)
            report.committed = True
            report.batch_id = uow.batch_id
        return report

    def _planner(
        self, conn: Connection, prepared: PreparedImport, candidates: list[Candidate]
    ) -> Planner:
        niks = sorted({c.values["nik"] for c in candidates if "nik" in c.values})
        kks = sorted({c.kk_number for c in candidates if c.kk_number})
        code = prepared.options.program_code
        program = get_program(code) if code else None
        existing = load_existing(conn, niks, kks)
        return Planner(self.ctx, prepared, existing, program)

    def _read(
        self,
        prepared: PreparedImport,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> tuple[list[Candidate], int]:
        # Title block (region) and address lines among the members (blocks.py).
        blocks = BlockReader(prepared.mapping, len(prepared.labels), prepared.title)
        parser = RowParser(
            self.ctx,
            blocks.mapping,
            ImportKind(prepared.options.kind),
            layout=prepared.recognised,
            # Only the extras a rule reads: agama, pendidikan ... are never even held per row.
            extras={k: c for k, c in prepared.extras.items() if k in READ_EXTRAS},
        )
        rules = row_rules(prepared.recognised, prepared)
        nik_col = prepared.mapping.get("nik")
        total = prepared.workbook.row_count(prepared.sheet)
        start = prepared.layout.data_start
        candidates: list[Candidate] = []
        ignored = 0
        used_cols = sorted(set(prepared.mapping.values()))
        for index, row in enumerate(prepared.workbook.rows(prepared.sheet)):
            if index % _CHECK_EVERY == 0:
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                if progress is not None:
                    progress(index, total, "read")
            if index < start:
                continue
            kept: list[Any] | None = row
            for rule in rules:
                kept = rule.row(index, kept) if kept is not None else None
            if kept is None:
                ignored += 1
                continue
            row = kept
            if blocks.take(row, len(candidates)):
                ignored += 1  # a family's address line, not a person
                continue
            if not _has_identity_text(row, nik_col):
                if all(c >= len(row) or is_blank(row[c]) for c in used_cols):
                    ignored += 1
                    continue
                if nik_col is not None and _looks_numbered(row, nik_col) and is_numbering_row(row):
                    ignored += 1  # a column-number row repeated further down (every printed page)
                    continue
            candidates.append(parser.parse(index + 1, blocks.row(row)))
        # Rows below the last identity number are signatures, totals or notes.
        last = max((i for i, c in enumerate(candidates) if c.has_id), default=-1)
        ignored += len(candidates) - (last + 1)
        del candidates[last + 1 :]
        blocks.finish([c.kk_number for c in candidates], [c.values for c in candidates])
        flag_duplicates(candidates)
        if progress is not None:
            progress(total, total, "read")
        return candidates, ignored

    def _apply(
        self,
        uow: UnitOfWork,
        ops: Ops,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> None:
        """Write the plan (a method so tests can interrupt the write phase)."""
        apply_ops(uow, ops, progress, cancelled)

    # -- reports --------------------------------------------------------------------------------
    def save_rejected_report(
        self, prepared: PreparedImport, report: ImportReport, path: Path | str
    ) -> int:
        """The rejected rows as the sender wrote them, plus a column saying why, as .xlsx."""
        from desktop_app.services.exporter import write_rejected_rows

        wanted = {r.row: r for r in report.rejected}
        header = prepared.labels
        rows: list[tuple[int, list[Any], RowResult]] = []
        for index, row in enumerate(prepared.workbook.rows(prepared.sheet)):
            result = wanted.get(index + 1)
            if result is not None:
                rows.append((index + 1, list(row), result))
        return write_rejected_rows(Path(path), header, rows, source=prepared.file_name)


@cache
def _layout_headers() -> frozenset[str]:
    """Header keys the recognised layouts know (for joining split headers)."""
    keys: set[str] = set()
    for lay in load_layouts():
        keys.update(lay.columns)
        keys.update(lay.extra_columns)
    return frozenset(keys)


def _has_identity_text(row: list[Any], col: int | None) -> bool:
    """The common row, cheaply: its NIK cell is text of 4 or more characters that begins and
    ends with a letter or digit. Such a row is not blank (the NIK column is a mapped one) and not
    a column-number row (`_looks_numbered` needs at most 3 characters once spaces and brackets
    are stripped, and there are none to strip), so both slower tests can be skipped."""
    if col is None or col >= len(row):
        return False
    cell = row[col]
    return type(cell) is str and len(cell) > 3 and cell[0].isalnum() and cell[-1].isalnum()


def _looks_numbered(row: list[Any], col: int) -> bool:
    """Cheap first test for a column-number row: its NIK cell is a small number."""
    if col >= len(row):
        return False
    cell = row[col]
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return 0 <= cell < 1000
    return isinstance(cell, str) and 0 < len(cell.strip().strip("()")) <= 3


def _take(rows: Iterable[list[Any]], n: int) -> list[list[Any]]:
    out: list[list[Any]] = []
    for row in rows:
        out.append(row)
        if len(out) >= n:
            break
    return out


def _report(
    prepared: PreparedImport, results: list[RowResult], ignored: int, notes: list[Issue]
) -> ImportReport:
    """The report of one plan: the dry run shows it, the commit compares its fingerprint."""
    not_stored = not_stored_columns(prepared.recognised, prepared.labels, prepared.mapping)
    if not_stored:
        notes = [*notes, not_stored_note(not_stored)]
    return ImportReport(
        prepared.file_name,
        prepared.sheet,
        ImportKind(prepared.options.kind),
        results,
        ignored_rows=ignored,
        fingerprint=fingerprint(results),
        layout=prepared.layout_name,
        layout_id=prepared.recognised.id if prepared.recognised else None,
        notes=notes,
        not_stored=not_stored,
    )
