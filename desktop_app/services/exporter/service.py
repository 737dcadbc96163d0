"""`ExportService`: the adapters that turn a view into a `Table` (the registry's persons and
KPM, a distribution round's checklist, a training's attendance), which of their rows are
restricted, and the export itself with its permission, password, change-log and access-log
rules."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from desktop_app.domain.access import RESTRICTED_PROGRAMS, Permission, is_restricted_program
from desktop_app.domain.ids import new_id
from desktop_app.domain.people import program_names
from desktop_app.domain.programs import PROGRAMS
from desktop_app.domain.search_text import normalise_search
from desktop_app.domain.status import RELATION_LABELS, Relation
from desktop_app.domain.values import as_date
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.exporter.messages import (
    FORMAT_UNSUPPORTED,
    PASSWORD_NOT_XLSX,
    PASSWORD_TOO_SHORT,
    RESTRICTED_NEEDS_PASSWORD,
    RESTRICTED_NOT_ALLOWED,
    RESTRICTED_NOT_CSV,
    TRAINING_AMBIGUOUS,
    TRAINING_NOT_FOUND,
)
from desktop_app.services.exporter.tables import (
    MIN_FILE_PASSWORD,
    Cancelled,
    Column,
    ExportNotice,
    ExportPolicy,
    ExportResult,
    Progress,
    Table,
)
from desktop_app.services.exporter.writers import encrypt_xlsx, export_table, write_xlsx
from desktop_app.services.privacy import office_time
from desktop_app.services.registry import PersonFilter, RegistryService
from desktop_app.services.registry.reads import PERSON_PROGRAMS_FROM
from desktop_app.storage import search

__all__ = ["PERSON_COLUMNS", "ExportService"]

_FETCH = 2000  # rows fetched per query while streaming a view


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


_CURRENT_RESTRICTED = "e.deleted = 0 AND e.end_date IS NULL AND e.program_code IN ({marks})"

# Persons (by rowid or NIK) enrolled now in a restricted program, themselves or through their
# household; and households with such an enrolment or such a member.
_RESTRICTED_PERSONS = (
    "SELECT p.rowid, p.nik, e.program_code FROM enrolment e JOIN person p ON p.id = e.person_id"
    " WHERE p.deleted = 0 AND " + _CURRENT_RESTRICTED + " UNION "
    "SELECT p.rowid, p.nik, e.program_code FROM enrolment e"
    " JOIN person p ON p.household_id = e.household_id"
    " WHERE p.deleted = 0 AND " + _CURRENT_RESTRICTED
)
_RESTRICTED_HOUSEHOLDS = (
    "SELECT h.rowid, e.program_code FROM enrolment e JOIN household h ON h.id = e.household_id"
    " WHERE " + _CURRENT_RESTRICTED + " UNION "
    "SELECT h.rowid, e.program_code FROM enrolment e JOIN person p ON p.id = e.person_id"
    " JOIN household h ON h.id = p.household_id WHERE p.deleted = 0 AND " + _CURRENT_RESTRICTED
)

_WHAT_LABELS = {
    "persons": "Daftar orang",
    "households": "Daftar KPM",
    "round": "Daftar penerima tahap penyaluran",
    "training": "Presensi pelatihan",
}


def _mark_restricted(table: Table, hits: dict[Any, set[str]], keys: Iterable[Any]) -> Table:
    """Set the table's restricted count and programs from `hits` (key -> restricted codes)."""
    count = 0
    programs: set[str] = set()
    for key in keys:
        codes = hits.get(key)
        if codes:
            count += 1
            programs |= codes
    if table.program and is_restricted_program(table.program):
        # A list of a restricted program is restricted data even when the role sees none of
        # its people (they are hidden from it): refused or protected all the same, and the
        # count said is the program's, not the empty list's.
        programs.add(table.program)
        enrolled = sum(1 for k, c in hits.items() if isinstance(k, int) and table.program in c)
        count = max(count, table.count or 0, enrolled, 1)
    table.restricted = count
    table.restricted_programs = tuple(sorted(programs))
    return table


class ExportService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.registry = RegistryService(ctx)

    # -- restricted data -----------------------------------------------------------------------
    def _restricted_query(self, sql: str, key_columns: int) -> dict[Any, set[str]]:
        codes = sorted(RESTRICTED_PROGRAMS)
        marks = ",".join("?" for _ in codes)
        out: dict[Any, set[str]] = {}
        with self.ctx.db.engine.connect() as conn:
            for row in conn.exec_driver_sql(sql.format(marks=marks), tuple(codes) * 2):
                for key in row[:key_columns]:
                    if key is not None:
                        out.setdefault(key, set()).add(str(row[key_columns]))
        return out

    def restricted_persons(self) -> dict[Any, set[str]]:
        """Person rowid and NIK -> the restricted programs the person is enrolled in now."""
        return self._restricted_query(_RESTRICTED_PERSONS, 2)

    def restricted_households(self) -> dict[Any, set[str]]:
        """Household rowid -> the restricted programs of the KPM or one of its members."""
        return self._restricted_query(_RESTRICTED_HOUSEHOLDS, 1)

    def policy(self, table: Table, path: Path | str | None = None) -> ExportPolicy:
        """What exporting `table` (to `path`) needs from the current user."""
        restricted = table.restricted > 0
        # A database without accounts (made before accounts, or by tools below the login) has
        # nobody to protect the file from: the password stays optional there.
        password_required = restricted and self.ctx.accounts_exist
        if restricted:
            allowed = self.ctx.can(Permission.EXPORT_RESTRICTED)
        else:
            allowed = self.ctx.can(Permission.EXPORT)
        return ExportPolicy(
            restricted=table.restricted,
            programs=", ".join(table.restricted_programs),
            allowed=allowed,
            password_required=password_required,
            mask_default=not self.ctx.can(Permission.RESTRICTED_VIEW),
        )

    def persons_table(self, flt: PersonFilter | None = None) -> Table:
        """The registry's person view with its current filter, in the view's order.

        Every match, also for a search text: the screen shows the first `max_matches` of a
        search, but a file that silently stopped there would look complete.
        """
        flt = replace(_searched(flt), max_matches=None)
        rowids = self.registry.person_ids(flt)
        table = Table(
            "Orang",
            PERSON_COLUMNS,
            self._person_rows(rowids),
            len(rowids),
            {"what": "persons", "filter": _filter_dict(flt)},
            program=flt.program_code,
        )
        return _mark_restricted(table, self.restricted_persons(), rowids)

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

        table = Table(
            "KPM",
            columns,
            rows,
            len(rowids),
            {"what": "households", "filter": _filter_dict(flt)},
            program=flt.program_code,
        )
        return _mark_restricted(table, self.restricted_households(), rowids)

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

        table = Table(
            rnd.code,
            columns,
            rows(),
            len(rowids),
            {"what": "round", "filter": {"round": rnd.id}},
            program=rnd.program_code,
        )
        with self.ctx.db.engine.connect() as conn:
            niks = [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT nik FROM distribution_roster WHERE round_id = ?", (rnd.id,)
                )
            ]
        return _mark_restricted(table, self.restricted_persons(), niks)

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

        table = Table(
            grid.training.title,
            columns,
            rows(),
            len(grid.participants),
            {"what": "training", "filter": {"training": grid.training.id}},
        )
        niks = [p.nik for p in grid.participants]
        return _mark_restricted(table, self.restricted_persons(), niks)

    def export(
        self,
        table: Table,
        path: Path | str,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        *,
        mask_ids: bool | None = None,
        password: str | None = None,
    ) -> ExportResult:
        """Write the table and record the export in the change log (who exported what, when:
        lists of beneficiaries are personal data under UU PDP).

        `mask_ids` None takes the policy's preset (masked for a role without RESTRICTED_VIEW).
        A list holding persons in restricted programs needs EXPORT_RESTRICTED and, once the
        database has accounts, a `password` (an encrypted .xlsx; never a .csv); it is also
        written to the access log."""
        path = Path(path)
        policy = self.policy(table, path)
        self._check(table, path, policy, password)
        masked = policy.mask_default if mask_ids is None else mask_ids
        protected = bool(password)
        what = str(table.description.get("what", table.title))
        table = replace(
            table,
            mask_ids=masked,
            notice=ExportNotice(
                what=_WHAT_LABELS.get(what, what) + f" ({table.title})",
                program=_program_line(table.program),
                exported_by=self.ctx.actor,
                exported_at=office_time(self.ctx, self.ctx.clock.now()),
                masked=masked,
                protected=protected,
                office=self.ctx.office.office_name,
                filter_text=_filter_text(table.description.get("filter", {})),
            ),
        )
        if protected:
            count = self._write_protected(table, path, str(password), progress, cancelled)
        else:
            count = export_table(table, path, progress, cancelled)
        if not self.ctx.db.read_only:
            with self.ctx.unit_of_work(source=path.name) as w:
                w.log(
                    "export",
                    new_id(),
                    "export",
                    {
                        "what": [None, what],
                        "filter": [None, json.dumps(table.description.get("filter", {}))],
                        "rows": [None, count],
                        "masked": [None, masked],
                        "protected": [None, protected],
                    },
                )
        if policy.restricted:
            self.ctx.log_access(
                "export",
                "export",
                None,
                detail=f"{path.name}; program {policy.programs}; {count} baris"
                f"{'; NIK disamarkan' if masked else ''}",
            )
        return ExportResult(path, count, masked, protected, policy.restricted)

    def _check(
        self, table: Table, path: Path, policy: ExportPolicy, password: str | None
    ) -> None:
        suffix = path.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise ServiceError(FORMAT_UNSUPPORTED, suffix=suffix or "(tanpa akhiran)")
        if policy.restricted:
            if not self.ctx.can(Permission.EXPORT_RESTRICTED):
                self.ctx.current_actor()  # nobody logged in: auth.login_required
                raise ServiceError(
                    RESTRICTED_NOT_ALLOWED, count=policy.restricted, programs=policy.programs
                )
        else:
            self.ctx.require(Permission.EXPORT)
        if policy.password_required and suffix == ".csv":
            raise ServiceError(RESTRICTED_NOT_CSV, programs=policy.programs)
        if password is not None and password != "" and suffix != ".xlsx":
            raise ServiceError(PASSWORD_NOT_XLSX)
        if policy.password_required and not password:
            raise ServiceError(RESTRICTED_NEEDS_PASSWORD, programs=policy.programs)
        if password and len(password) < MIN_FILE_PASSWORD:
            raise ServiceError(PASSWORD_TOO_SHORT, min=MIN_FILE_PASSWORD)

    def _write_protected(
        self,
        table: Table,
        path: Path,
        password: str,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> int:
        """The xlsx built in memory and encrypted into `path`: a restricted list never lies
        on a disk (a USB stick keeps deleted files) in plaintext, not even for a moment."""
        plain = io.BytesIO()
        count = write_xlsx(table, plain, progress, cancelled)
        try:
            encrypt_xlsx(plain, path, password)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return count


def _program_line(code: str | None) -> str:
    if not code:
        return "Semua program"
    program = PROGRAMS.get(code)
    if program is None:
        return code
    return program.name if code in program.name else f"{program.name} ({code})"


def _filter_text(flt: Any) -> str:
    if not isinstance(flt, dict):
        return ""
    return ", ".join(f"{k}={v}" for k, v in flt.items() if k not in ("max_matches",))


def _searched(flt: PersonFilter | None) -> PersonFilter:
    """The filter with its search text as the registry reads it (`export --query` may carry a
    NUL, a paste or hundreds of words): the file's metadata then records what was searched."""
    flt = flt or PersonFilter()
    return replace(flt, query=normalise_search(flt.query))


def _filter_dict(flt: PersonFilter) -> dict[str, Any]:
    return {k: v for k, v in vars(flt).items() if v not in (None, "")}
