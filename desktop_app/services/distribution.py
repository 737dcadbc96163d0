"""Distribution rounds: prepare a round, freeze its roster, serve the counter, print the papers.

A round (e.g. "Rastrada Tahap IV 2025") hands one item and quantity to every entitled recipient
at distribution points (kelurahan offices, partner shops). Opening the round freezes the roster
from the program's active enrolments; from then on the counter finds a recipient by a scanned
card, NIK, KK, receipt or name and records a receipt exactly once.

Receipts, voids and non-collection marks are facts appended in their own unit of work with a
change-log row each; nothing is overwritten. A receipt number carries the device prefix
(RST4-LAP02-000123) so laptops working offline never mint the same number. `receive` returns
only after the commit, with synchronous=FULL, so a number shown to a person is on disk.
"""

from __future__ import annotations

import csv
import json
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from desktop_app.documents.distribution import (
    BastDoc,
    CardDoc,
    ListRow,
    PointInfo,
    RecapDoc,
    RecapRow,
    ReceiptDoc,
    ReceptionList,
    RoundInfo,
    Totals,
)
from desktop_app.domain.clock import WIB
from desktop_app.domain.ids import new_id
from desktop_app.domain.nik import Severity, clean_number, validate_nik
from desktop_app.domain.office import format_date_id
from desktop_app.domain.programs import PROGRAMS, Unit, get_program
from desktop_app.domain.receipts import (
    format_receipt_number,
    parse_receipt_number,
    verification_code,
)
from desktop_app.domain.status import PersonStatus
from desktop_app.services.bulk import bulk_insert, chunked
from desktop_app.services.context import AppContext, ServiceError, UnitOfWork
from desktop_app.storage.distribution_models import (
    CollectionMark,
    DistributionPoint,
    DistributionRound,
    ReceiptVoid,
    RosterChange,
    RosterEntry,
)
from desktop_app.storage.models import Household

__all__ = [
    "COLLECTOR_RELATIONS",
    "MARK_KINDS",
    "STATUS_LABELS",
    "DistributionInputError",
    "DistributionService",
    "OpenSummary",
    "PointInput",
    "PointView",
    "Proxy",
    "ReceiptView",
    "RosterFilter",
    "RosterRow",
    "RoundStatus",
    "RoundView",
    "format_count",
]

RECEIPT_KEY = "receipt_key"
QR_PREFIX = "BERDAYA"


class DistributionInputError(ServiceError):
    """Input that cannot be used at all (a malformed file or number): the CLI's exit code 2."""


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


ROUND_STATUS_LABELS: dict[str, str] = {
    "draft": "Persiapan",
    "open": "Dibuka",
    "closed": "Ditutup",
}

COLLECTOR_RELATIONS: dict[str, str] = {
    "same_kk": "Anggota KK yang sama",
    "surat_kuasa": "Dengan surat kuasa",
    "ahli_waris": "Ahli waris (satu KK)",
}

# Spellings accepted from the CLI and scan logs.
_RELATION_SPELLINGS: dict[str, str] = {
    **dict.fromkeys(["same_kk", "samekk", "kk", "satukk", "keluarga", "anggotakk"], "same_kk"),
    **dict.fromkeys(["surat_kuasa", "suratkuasa", "kuasa", "sk"], "surat_kuasa"),
    **dict.fromkeys(["ahli_waris", "ahliwaris", "waris", "heir"], "ahli_waris"),
}

MARK_KINDS: dict[str, str] = {"tidak_hadir": "Tidak hadir", "ditolak": "Ditolak"}

STATUS_LABELS: dict[str, str] = {
    "": "Belum",
    "diterima": "Diterima",
    "diwakilkan": "Diwakilkan",
    "tidak_hadir": "Tidak hadir",
    "ditolak": "Ditolak",
    "dikeluarkan": "Dikeluarkan",
}

POINT_KINDS = ("kelurahan", "toko", "lainnya")

# Short program prefixes for round codes; other programs use their first three letters.
_PROGRAM_PREFIX: dict[str, str] = {
    "RASTRADA": "RST",
    "RAPELAN": "RPL",
    "SIHORE": "SHR",
    "DISABILITAS": "DIS",
    "ANAK_TERLANTAR": "ANT",
    "ABH": "ABH",
    "PELATIHAN": "PLT",
}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_CODE_RE = re.compile(r"^[A-Z0-9]{1,8}$")


def format_count(n: int) -> str:
    """Indonesian thousands separator: 7716 -> "7.716"."""
    return f"{n:,}".replace(",", ".")


def _roman_to_int(s: str) -> int | None:
    total, prev = 0, 0
    for ch in reversed(s.upper()):
        value = _ROMAN.get(ch)
        if value is None:
            return None
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total or None


def _name_key(name: str) -> str:
    return " ".join(re.sub(r"[^A-Z0-9 ]", " ", (name or "").upper()).split())


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_utc(value: Any) -> datetime | None:
    """Stored timestamps are UTC without an offset (SQLite has no time-zone type)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _address(street: str | None, rt: str | None, rw: str | None) -> str:
    parts = [street or ""]
    if rt or rw:
        parts.append(f"RT {rt or '-'}/RW {rw or '-'}")
    return ", ".join(p for p in parts if p)


# -- plain values handed to the GUI and the CLI -----------------------------------------------


@dataclass(frozen=True)
class PointInput:
    name: str
    kind: str = "kelurahan"
    address: str = ""
    kelurahan_codes: tuple[str, ...] = ()
    contact_name: str = ""
    contact_title: str = ""
    # Registry codes (No. KK, NIK or card) of recipients served here whatever their kelurahan.
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class PointView:
    id: str
    no: int
    name: str
    kind: str
    address: str
    kelurahan_codes: tuple[str, ...]
    kelurahan_names: tuple[str, ...]
    contact_name: str
    contact_title: str
    assigned: int  # recipients assigned one by one


@dataclass(frozen=True)
class RoundView:
    id: str
    code: str
    name: str
    program_code: str
    program_name: str
    item: str
    quantity: float
    unit: str
    start_date: date | None
    end_date: date | None
    status: str
    opened_at: datetime | None
    closed_at: datetime | None
    points: int
    entitled: int

    @property
    def status_label(self) -> str:
        return ROUND_STATUS_LABELS.get(self.status, self.status)

    @property
    def quantity_text(self) -> str:
        qty = int(self.quantity) if float(self.quantity).is_integer() else self.quantity
        return f"{qty} {self.unit}"


@dataclass(frozen=True)
class OpenSummary:
    entitled: int
    per_point: dict[str, int]  # point name -> recipients
    unassigned: int  # no point serves their kelurahan: any point may serve them


@dataclass(frozen=True)
class Proxy:
    """Who collected for the recipient, and how they may (DESIGN.md's proxy rules)."""

    name: str
    nik: str
    relation: str  # same_kk / surat_kuasa / ahli_waris


@dataclass(frozen=True)
class ReceiptView:
    id: str
    number: str
    verification_code: str
    round_id: str
    roster_id: str
    point_id: str | None
    point_name: str
    recipient_name: str
    collector_name: str | None
    collector_nik: str | None
    collector_relation: str | None
    officer: str
    received_at: datetime  # in the office's time zone
    device_name: str
    voided: bool = False
    void_reason: str | None = None

    @property
    def qr_payload(self) -> str:
        return f"{QR_PREFIX}|{self.number}|{self.verification_code}"

    @property
    def by_proxy(self) -> bool:
        return self.collector_relation is not None


@dataclass(frozen=True)
class RosterRow:
    rowid: int
    id: str
    no: int
    round_id: str
    point_id: str | None
    point_name: str
    name: str
    nik: str | None
    kk_number: str | None
    card_code: str | None
    address: str
    rt: str | None
    rw: str | None
    kelurahan_code: str | None
    kelurahan: str
    active: bool
    status: str  # "" / diterima / diwakilkan / tidak_hadir / ditolak / dikeluarkan
    receipt_number: str | None
    received_at: datetime | None
    collector_name: str | None
    mark_reason: str | None
    household_id: str | None
    person_id: str | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def received(self) -> bool:
        return self.status in ("diterima", "diwakilkan")


@dataclass(frozen=True)
class RosterFilter:
    point_id: str | None = None
    kelurahan_code: str | None = None
    status: str | None = None  # None: all; "belum": not collected and not marked; or a status
    query: str = ""
    include_removed: bool = False


@dataclass
class _RowReport:
    line: int
    code: str
    message: str
    ok: bool


@dataclass
class BatchReport:
    """Per-row outcome of a scan log; nothing is recorded unless every row is fine."""

    rows: list[_RowReport] = field(default_factory=list)
    recorded: list[ReceiptView] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows) and bool(self.rows)


# -- SQL fragments --------------------------------------------------------------------------

_ACTIVE_RECEIPT = (
    "SELECT {cols} FROM distribution_receipt r WHERE r.roster_id = {e}.id "
    "AND NOT EXISTS (SELECT 1 FROM distribution_receipt_void v WHERE v.receipt_id = r.id)"
)

# The state of one roster entry: a receipt that was not voided wins; otherwise the latest mark
# recorded after the last receipt (a receipt, even voided later, supersedes earlier marks).
_STATUS_SQL = f"""
CASE
  WHEN e.active = 0 THEN 'dikeluarkan'
  WHEN EXISTS ({_ACTIVE_RECEIPT.format(cols="1", e="e")} AND r.collector_relation IS NULL)
    THEN 'diterima'
  WHEN EXISTS ({_ACTIVE_RECEIPT.format(cols="1", e="e")} AND r.collector_relation IS NOT NULL)
    THEN 'diwakilkan'
  ELSE coalesce((SELECT m.kind FROM distribution_mark m WHERE m.roster_id = e.id
        AND m.hlc > coalesce((SELECT max(r2.hlc) FROM distribution_receipt r2
                              WHERE r2.roster_id = e.id), '')
        ORDER BY m.hlc DESC LIMIT 1), '')
END
"""

_ROSTER_SELECT = f"""
SELECT e.rowid AS rowid, e.id, e.no, e.round_id, e.point_id, p.name AS point_name, e.name, e.nik,
       e.kk_number, e.card_code, e.street, e.rt, e.rw, e.kelurahan_code, e.active,
       e.household_id, e.person_id,
       ({_STATUS_SQL}) AS status,
       ({_ACTIVE_RECEIPT.format(cols="r.number", e="e")} LIMIT 1) AS receipt_number,
       ({_ACTIVE_RECEIPT.format(cols="r.received_at", e="e")} LIMIT 1) AS received_at,
       ({_ACTIVE_RECEIPT.format(cols="r.collector_name", e="e")} LIMIT 1) AS collector_name,
       (SELECT m.reason FROM distribution_mark m WHERE m.roster_id = e.id
         ORDER BY m.hlc DESC LIMIT 1) AS mark_reason
FROM distribution_roster e
LEFT JOIN distribution_point p ON p.id = e.point_id
"""

_RECEIPT_SELECT = """
SELECT r.id, r.number, r.verification_code, r.round_id, r.roster_id, r.point_id,
       p.name AS point_name, e.name AS recipient_name, r.collector_name, r.collector_nik,
       r.collector_relation, r.officer, r.received_at, r.device_name,
       (SELECT v.reason FROM distribution_receipt_void v WHERE v.receipt_id = r.id LIMIT 1)
           AS void_reason,
       EXISTS (SELECT 1 FROM distribution_receipt_void v WHERE v.receipt_id = r.id) AS voided
FROM distribution_receipt r
JOIN distribution_roster e ON e.id = r.roster_id
LEFT JOIN distribution_point p ON p.id = r.point_id
"""


# The counter's hot path: statements built once.
_NEXT_SEQ = text(
    "INSERT INTO distribution_counter (round_id, device_name, last_seq) "
    "VALUES (:r, :d, 1) ON CONFLICT (round_id, device_name) "
    "DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq"
)
_RECORD_STATE = text(
    """
    SELECT e.id, e.round_id, e.name, e.nik, e.kk_number, e.active, e.point_id,
           e.household_id, e.person_id, p.name AS point_name,
           d.code AS round_code, d.name AS round_name, d.status AS round_status,
           d.program_code,
           EXISTS (SELECT 1 FROM distribution_receipt x WHERE x.roster_id = e.id
                   AND NOT EXISTS (SELECT 1 FROM distribution_receipt_void v
                                   WHERE v.receipt_id = x.id)) AS received,
           who.status AS person_status, who.status_date AS person_status_date,
           who.household_id AS live_household_id
    FROM distribution_roster e
    JOIN distribution_round d ON d.id = e.round_id AND d.deleted = 0
    LEFT JOIN distribution_point p ON p.id = e.point_id
    LEFT JOIN person who ON who.id = e.person_id
    WHERE e.id = :id
    """
)


class DistributionService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._receipt_key: bytes | None = None

    # -- helpers ---------------------------------------------------------------------------
    @property
    def _tz(self) -> tzinfo:
        return getattr(self.ctx.clock, "tz", WIB)

    def _local(self, value: Any) -> datetime | None:
        utc = _as_utc(value)
        return utc.astimezone(self._tz) if utc else None

    def _when(self, value: Any) -> str:
        local = self._local(value)
        if local is None:
            return "-"
        return f"{format_date_id(local.date())} pukul {local:%H.%M}"

    def _kelurahan_name(self, code: str | None) -> str:
        if not code:
            return ""
        region = self.ctx.regions.get(code)
        return region.name if region else code

    def _conn(self) -> Any:
        return self.ctx.db.engine.connect()

    # -- rounds ----------------------------------------------------------------------------
    def list_rounds(self, program_code: str | None = None) -> list[RoundView]:
        return self._rounds(program_code=program_code)

    def _rounds(
        self, *, program_code: str | None = None, round_id: str | None = None
    ) -> list[RoundView]:
        sql = """
            SELECT d.*, (SELECT count(*) FROM distribution_point p
                          WHERE p.round_id = d.id AND p.deleted = 0) AS n_points,
                        (SELECT count(*) FROM distribution_roster e
                          WHERE e.round_id = d.id AND e.active = 1) AS n_entitled
            FROM distribution_round d WHERE d.deleted = 0
        """
        params: dict[str, Any] = {}
        if program_code:
            sql += " AND d.program_code = :prog"
            params["prog"] = program_code.upper()
        if round_id:
            sql += " AND d.id = :rid"
            params["rid"] = round_id
        sql += " ORDER BY d.created_at DESC, d.code"
        with self._conn() as conn:
            return [self._round_view(m) for m in conn.execute(text(sql), params).mappings()]

    def _round_view(self, m: Any) -> RoundView:
        program = PROGRAMS.get(m["program_code"])
        return RoundView(
            id=m["id"],
            code=m["code"],
            name=m["name"],
            program_code=m["program_code"],
            program_name=program.name if program else m["program_code"],
            item=m["item"],
            quantity=float(m["quantity"]),
            unit=m["unit"],
            start_date=_as_date(m["start_date"]),
            end_date=_as_date(m["end_date"]),
            status=m["status"],
            opened_at=self._local(m["opened_at"]),
            closed_at=self._local(m["closed_at"]),
            points=int(m["n_points"]),
            entitled=int(m["n_entitled"]),
        )

    def get_round(self, ref: str) -> RoundView:
        """A round by its id or its code ("RST4", case and spaces forgiven)."""
        ref = (ref or "").strip()
        with self._conn() as conn:
            row = conn.execute(
                text(
                    "SELECT id FROM distribution_round WHERE deleted = 0 AND "
                    "(id = :ref OR code = :code)"
                ),
                {"ref": ref, "code": ref.upper().replace(" ", "")},
            ).first()
        if row is None:
            raise ServiceError(
                f"Putaran penyaluran '{ref}' tidak ditemukan. Lihat daftarnya dengan "
                "'berdaya round list'."
            )
        return self._rounds(round_id=row[0])[0]

    def suggest_code(self, program_code: str, name: str, on: date | None = None) -> str:
        """A short round code for receipt numbers: program prefix and stage ("RST4")."""
        program = get_program(program_code)
        prefix = _PROGRAM_PREFIX.get(program.code, re.sub(r"[^A-Z]", "", program.code)[:3])
        stage: int | None = None
        match = re.search(r"tahap\s+([IVXLC]+|\d+)\b", name, re.IGNORECASE)
        if match:
            token = match.group(1)
            stage = int(token) if token.isdigit() else _roman_to_int(token)
        with self._conn() as conn:
            taken = {r[0] for r in conn.execute(text("SELECT code FROM distribution_round"))}
            if stage is None:
                stage = (
                    int(
                        conn.execute(
                            text("SELECT count(*) FROM distribution_round WHERE program_code = :p"),
                            {"p": program.code},
                        ).scalar_one()
                    )
                    + 1
                )
        base = f"{prefix}{stage}"[:8]
        year = re.search(r"\b(20\d\d)\b", name)
        yy = year.group(1)[2:] if year else f"{(on or self.ctx.clock.today()).year % 100:02d}"
        candidates = [base, f"{base}{yy}"[:8]] + [
            f"{base[:7]}{c}" for c in "BCDEFGHJKLMNPQRSTUVWXYZ"
        ]
        for candidate in candidates:
            if candidate not in taken:
                return candidate
        return f"{prefix}{secrets.token_hex(2).upper()}"

    def default_points(self) -> list[PointInput]:
        """One point per kelurahan of the office's city: its kelurahan office."""
        prefix = self.ctx.office.region_code + "."
        points = []
        for region in self.ctx.regions.kelurahan():
            if not region.code.startswith(prefix):
                continue
            points.append(
                PointInput(
                    name=f"Kantor Kelurahan {region.name}",
                    kind="kelurahan",
                    kelurahan_codes=(region.code,),
                    contact_name="",
                    contact_title=f"Lurah {region.name}",
                )
            )
        return points

    def create_round(
        self,
        *,
        program_code: str,
        name: str,
        item: str,
        quantity: float,
        unit: str,
        start_date: date | None = None,
        end_date: date | None = None,
        code: str | None = None,
        points: Sequence[PointInput] | None = None,
        notes: str | None = None,
    ) -> str:
        """A new round in draft; without points, one point per kelurahan."""
        try:
            program = get_program(program_code)
        except KeyError:
            raise DistributionInputError(
                f"Kode program '{program_code}' tidak dikenal. Pilihan: {', '.join(PROGRAMS)}."
            ) from None
        name = " ".join((name or "").split())
        item = " ".join((item or "").split())
        unit = " ".join((unit or "").split())
        if not name:
            raise DistributionInputError("Nama putaran wajib diisi.")
        if not item or not unit:
            raise DistributionInputError("Barang dan satuannya wajib diisi (contoh: Beras, kg).")
        if not quantity or quantity <= 0:
            raise DistributionInputError("Jumlah per penerima harus lebih dari nol.")
        if start_date and end_date and end_date < start_date:
            raise DistributionInputError("Tanggal selesai tidak boleh sebelum tanggal mulai.")
        if code:
            code = code.strip().upper()
            if not _CODE_RE.match(code):
                raise DistributionInputError(
                    "Kode putaran harus 1-8 huruf besar atau angka tanpa spasi (contoh: RST4)."
                )
        else:
            code = self.suggest_code(program.code, name, start_date)
        points = list(points) if points is not None else self.default_points()
        if not points:
            raise DistributionInputError("Putaran memerlukan paling sedikit satu titik salur.")
        resolved = self._check_points(program.code, points)
        with self.ctx.unit_of_work(source="distribution") as w:
            taken = w.session.execute(
                text("SELECT 1 FROM distribution_round WHERE code = :c"), {"c": code}
            ).first()
            if taken:
                raise ServiceError(f"Kode putaran {code} sudah dipakai; pilih kode lain.")
            now = w.now()
            rnd = DistributionRound(
                id=new_id(),
                program_code=program.code,
                name=name,
                code=code,
                item=item,
                quantity=float(quantity),
                unit=unit,
                start_date=start_date,
                end_date=end_date,
                status=RoundStatus.DRAFT.value,
                notes=(notes or "").strip() or None,
                created_at=now,
                updated_at=now,
                hlc="",
            )
            w.add(rnd, "distribution_round")
            w.session.flush()
            for order, (point, members) in enumerate(zip(points, resolved, strict=True), 1):
                self._add_point(w, rnd.id, point, members, order)
            return rnd.id

    def _check_points(
        self, program_code: str, points: Sequence[PointInput]
    ) -> list[list[tuple[str | None, str | None]]]:
        """Validate points and resolve their recipient codes to (household, person) ids."""
        seen_names: set[str] = set()
        area: dict[str, str] = {}
        problems: list[str] = []
        resolved: list[list[tuple[str | None, str | None]]] = []
        for point in points:
            label = point.name.strip()
            if not label:
                problems.append("Nama titik salur wajib diisi.")
            elif label.upper() in seen_names:
                problems.append(f"Nama titik salur '{label}' dipakai dua kali.")
            seen_names.add(label.upper())
            if point.kind not in POINT_KINDS:
                problems.append(
                    f"Jenis titik '{point.kind}' tidak dikenal (kelurahan, toko, atau lainnya)."
                )
            for kel in point.kelurahan_codes:
                region = self.ctx.regions.get(kel)
                if region is None or region.level not in ("kelurahan", "desa"):
                    problems.append(f"{label}: kode kelurahan {kel} tidak dikenal.")
                elif kel in area:
                    problems.append(
                        f"Kelurahan {region.name} dilayani dua titik: {area[kel]} dan {label}. "
                        "Tetapkan satu titik per kelurahan; toko mitra memakai daftar penerima."
                    )
                else:
                    area[kel] = label
            members: list[tuple[str | None, str | None]] = []
            for raw in point.recipients:
                found = self._registry_recipient(program_code, raw)
                if found is None:
                    problems.append(f"{label}: penerima dengan kode {raw} tidak ada di registri.")
                else:
                    members.append(found)
            resolved.append(members)
        if problems:
            raise DistributionInputError("\n".join(problems))
        return resolved

    def _registry_recipient(self, program_code: str, raw: str) -> tuple[str | None, str | None]:
        """(household_id, person_id) of the recipient a KK, NIK or card code names."""
        card = re.sub(r"\s", "", str(raw or "")).upper()
        code = clean_number(card)
        household_unit = get_program(program_code).unit == Unit.HOUSEHOLD
        with self._conn() as conn:
            hh = conn.execute(
                text(
                    "SELECT id, head_person_id FROM household WHERE deleted = 0 AND "
                    "(kk_number = :c OR card_code = :card) LIMIT 1"
                ),
                {"c": code, "card": card},
            ).first()
            if hh is not None:
                return (hh[0], None) if household_unit else (hh[0], hh[1])
            person = conn.execute(
                text("SELECT id, household_id FROM person WHERE deleted = 0 AND nik = :c LIMIT 1"),
                {"c": code},
            ).first()
        if person is None:
            return None  # type: ignore[return-value]
        return (person[1], None) if household_unit else (person[1], person[0])

    def _add_point(
        self,
        w: UnitOfWork,
        round_id: str,
        point: PointInput,
        members: Sequence[tuple[str | None, str | None]],
        order: int,
    ) -> str:
        now = w.now()
        row = DistributionPoint(
            id=new_id(),
            round_id=round_id,
            name=point.name.strip(),
            kind=point.kind,
            address=point.address.strip(),
            kelurahan_codes=",".join(point.kelurahan_codes),
            sort_order=order,
            contact_name=point.contact_name.strip(),
            contact_title=point.contact_title.strip(),
            created_at=now,
            updated_at=now,
            hlc="",
        )
        w.add(row, "distribution_point")
        w.session.flush()
        rows = [
            {
                "id": new_id(),
                "round_id": round_id,
                "point_id": row.id,
                "household_id": household_id,
                "person_id": person_id,
                "created_at": now,
            }
            for household_id, person_id in members
        ]
        for batch in chunked(rows, 5000):
            bulk_insert(w, "distribution_assignment", batch)
        return row.id

    def add_point(self, round_ref: str, point: PointInput) -> str:
        """A further point for a draft or open round (e.g. a partner shop joins late)."""
        rnd = self.get_round(round_ref)
        self._require_writable(rnd)
        existing = self.points(rnd.id)
        taken = {k for p in existing for k in p.kelurahan_codes}
        clash = [k for k in point.kelurahan_codes if k in taken]
        if clash:
            raise ServiceError(
                f"Kelurahan {', '.join(self._kelurahan_name(k) for k in clash)} sudah dilayani "
                "titik lain."
            )
        if point.name.strip().upper() in {p.name.upper() for p in existing}:
            raise ServiceError(f"Titik salur '{point.name.strip()}' sudah ada.")
        resolved = self._check_points(rnd.program_code, [point])[0]
        with self.ctx.unit_of_work(source="distribution") as w:
            return self._add_point(w, rnd.id, point, resolved, len(existing) + 1)

    def points(self, round_id: str) -> list[PointView]:
        with self._conn() as conn:
            rows = conn.execute(
                text(
                    "SELECT p.*, (SELECT count(*) FROM distribution_assignment a "
                    "WHERE a.point_id = p.id) AS assigned FROM distribution_point p "
                    "WHERE p.round_id = :r AND p.deleted = 0 ORDER BY p.sort_order, p.name"
                ),
                {"r": round_id},
            ).mappings()
            result = []
            for m in rows:
                codes = tuple(c for c in (m["kelurahan_codes"] or "").split(",") if c)
                result.append(
                    PointView(
                        id=m["id"],
                        no=m["sort_order"],
                        name=m["name"],
                        kind=m["kind"],
                        address=m["address"],
                        kelurahan_codes=codes,
                        kelurahan_names=tuple(self._kelurahan_name(c) for c in codes),
                        contact_name=m["contact_name"],
                        contact_title=m["contact_title"],
                        assigned=int(m["assigned"]),
                    )
                )
            return result

    def get_point(self, round_id: str, ref: str) -> PointView:
        """A point by id, by its number in the round (1, 2, ...) or by its exact name."""
        ref = (ref or "").strip()
        points = self.points(round_id)
        for p in points:
            if ref in (p.id, str(p.no)) or ref.upper() == p.name.upper():
                return p
        names = "; ".join(f"{p.no}. {p.name}" for p in points[:30])
        raise ServiceError(f"Titik salur '{ref}' tidak ditemukan di putaran ini. Titik: {names}")

    def points_from_file(self, path: Path | str) -> list[PointInput]:
        """Points from a CSV file (comma or semicolon separated, with a header row).

        Columns: ``nama`` (required), ``jenis`` (kelurahan/toko/lainnya), ``alamat``,
        ``kelurahan`` (codes or names, several separated by '|' or ';'), ``penanggung_jawab``,
        ``jabatan``, and ``penerima`` (a No. KK, NIK or card code assigned to that point). Rows
        with the same name describe one point, so a shop's card list is one row per recipient.
        """
        path = Path(path)
        try:
            raw = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise DistributionInputError(f"Berkas titik salur {path} tidak dapat dibaca.") from exc
        lines = raw.splitlines()
        if not lines:
            raise DistributionInputError(f"Berkas titik salur {path.name} kosong.")
        delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
        reader = csv.DictReader(lines, delimiter=delimiter)
        headers = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
        if "nama" not in headers:
            raise DistributionInputError(
                f"Berkas {path.name} tidak punya kolom 'nama'. Kolom yang dikenal: nama, jenis, "
                "alamat, kelurahan, penanggung_jawab, jabatan, penerima."
            )

        def col(row: dict, key: str) -> str:
            header = headers.get(key)
            return str(row.get(header) or "").strip() if header else ""

        order: list[str] = []
        data: dict[str, dict[str, Any]] = {}
        problems: list[str] = []
        kab = self.ctx.office.region_code
        for line_no, row in enumerate(reader, start=2):
            name = " ".join(col(row, "nama").split())
            if not name:
                if any(str(v or "").strip() for v in row.values()):
                    problems.append(f"Baris {line_no}: nama titik kosong.")
                continue
            key = name.upper()
            if key not in data:
                order.append(key)
                data[key] = {
                    "name": name,
                    "kind": "",
                    "address": "",
                    "kel": [],
                    "contact": "",
                    "title": "",
                    "recipients": [],
                }
            point = data[key]
            kind = col(row, "jenis").lower()
            if kind:
                kind = {"kantor kelurahan": "kelurahan", "toko mitra": "toko"}.get(kind, kind)
                if kind not in POINT_KINDS:
                    problems.append(f"Baris {line_no}: jenis '{kind}' tidak dikenal.")
                point["kind"] = point["kind"] or kind
            point["address"] = point["address"] or col(row, "alamat")
            point["contact"] = point["contact"] or col(row, "penanggung_jawab")
            point["title"] = point["title"] or col(row, "jabatan")
            for part in re.split(r"[|;]" if delimiter == "," else r"[|,]", col(row, "kelurahan")):
                part = part.strip()
                if not part:
                    continue
                region = self.ctx.regions.match_name(part, "kelurahan", parent_code=kab)
                if region is None:
                    hint = self.ctx.regions.suggest(part, "kelurahan", parent_code=kab)
                    extra = f" Maksud Anda: {', '.join(r.name for r in hint)}?" if hint else ""
                    problems.append(f"Baris {line_no}: kelurahan '{part}' tidak dikenal.{extra}")
                elif region.code not in point["kel"]:
                    point["kel"].append(region.code)
            recipient = re.sub(r"\s", "", col(row, "penerima"))
            if recipient:
                point["recipients"].append(recipient)
        if problems:
            raise DistributionInputError("\n".join(problems))
        if not order:
            raise DistributionInputError(f"Berkas {path.name} tidak memuat titik salur.")
        return [
            PointInput(
                name=data[k]["name"],
                kind=data[k]["kind"] or ("toko" if data[k]["recipients"] else "kelurahan"),
                address=data[k]["address"],
                kelurahan_codes=tuple(data[k]["kel"]),
                contact_name=data[k]["contact"],
                contact_title=data[k]["title"],
                recipients=tuple(data[k]["recipients"]),
            )
            for k in order
        ]

    @staticmethod
    def _require_writable(rnd: RoundView) -> None:
        if rnd.status == RoundStatus.CLOSED.value:
            raise ServiceError(
                f"Putaran {rnd.name} sudah ditutup; datanya hanya dapat dibaca dan dicetak."
            )

    def _lock_round(
        self, w: UnitOfWork, round_id: str, *, require_open: bool = True
    ) -> dict[str, Any]:
        """Re-read the round inside the write transaction: another program may have closed it."""
        m = (
            w.session.execute(
                text(
                    "SELECT id, code, name, program_code, status FROM distribution_round "
                    "WHERE id = :r AND deleted = 0"
                ),
                {"r": round_id},
            )
            .mappings()
            .first()
        )
        if m is None:
            raise ServiceError("Putaran penyaluran tidak ditemukan.")
        if m["status"] == RoundStatus.CLOSED.value:
            raise ServiceError(
                f"Putaran {m['name']} sudah ditutup; tidak dapat dicatat lagi (hanya baca)."
            )
        if require_open and m["status"] != RoundStatus.OPEN.value:
            raise ServiceError(
                f"Putaran {m['name']} belum dibuka. Buka putaran dulu agar daftar penerima "
                "dibekukan."
            )
        return dict(m)

    # -- opening: freezing the roster ------------------------------------------------------
    def open_round(self, round_ref: str) -> OpenSummary:
        """Freeze the roster from today's active enrolments and open the counter."""
        rnd = self.get_round(round_ref)
        if rnd.status != RoundStatus.DRAFT.value:
            raise ServiceError(
                f"Putaran {rnd.name} berstatus {rnd.status_label.lower()}; hanya putaran "
                "persiapan yang dapat dibuka."
            )
        program = get_program(rnd.program_code)
        today = self.ctx.clock.today()
        points = self.points(rnd.id)
        by_kel = {k: p.id for p in points for k in p.kelurahan_codes}
        point_names = {p.id: p.name for p in points}
        self.receipt_code_key()  # the office's verification key exists before the first receipt
        with self.ctx.unit_of_work(source="distribution") as w:
            m = self._lock_round(w, rnd.id, require_open=False)
            if m["status"] != RoundStatus.DRAFT.value:
                raise ServiceError(f"Putaran {rnd.name} sudah dibuka.")
            assigned = {
                (r[0] or "", r[1] or ""): r[2]
                for r in w.session.execute(
                    text(
                        "SELECT household_id, person_id, point_id FROM distribution_assignment "
                        "WHERE round_id = :r"
                    ),
                    {"r": rnd.id},
                )
            }
            candidates = self._entitled(w.session.connection(), program.code, program.unit, today)
            now = w.now()
            rows: list[dict[str, Any]] = []
            per_point: dict[str, int] = {}
            unassigned = 0
            for no, c in enumerate(candidates, start=1):
                key = (c["household_id"] or "", "" if program.unit == Unit.HOUSEHOLD else c["pid"])
                point_id = assigned.get(key) or by_kel.get(c["kelurahan_code"] or "")
                if point_id is None:
                    unassigned += 1
                else:
                    name = point_names[point_id]
                    per_point[name] = per_point.get(name, 0) + 1
                rows.append(self._roster_row(rnd.id, no, c, point_id, now))
            for batch in chunked(rows, 5000):
                bulk_insert(w, "distribution_roster", batch)
            round_row = w.session.get(DistributionRound, rnd.id)
            assert round_row is not None
            w.update(
                round_row,
                "distribution_round",
                {"status": RoundStatus.OPEN.value, "opened_at": now},
                op="open",
            )
        return OpenSummary(len(rows), per_point, unassigned)

    @staticmethod
    def _roster_row(
        round_id: str, no: int, c: dict[str, Any], point_id: str | None, now: datetime
    ) -> dict[str, Any]:
        name = c["name"] or "(tanpa nama)"
        return {
            "id": new_id(),
            "round_id": round_id,
            "no": no,
            "enrolment_id": c["enrolment_id"],
            "household_id": c["household_id"],
            "person_id": c["pid"],
            "point_id": point_id,
            "name": name,
            "name_key": _name_key(name),
            "nik": c["nik"],
            "kk_number": c["kk_number"],
            "card_code": c["card_code"],
            "street": c["street"],
            "rt": c["rt"],
            "rw": c["rw"],
            "kelurahan_code": c["kelurahan_code"],
            "active": True,
            "created_at": now,
        }

    @staticmethod
    def _entitled(
        conn: Connection, program_code: str, unit: Unit, today: date, only_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Active enrolments on `today`, one per household (household programs) or person,
        in printing order: kelurahan, RW, RT, name."""
        if unit == Unit.HOUSEHOLD:
            sql = """
                SELECT min(e.id) AS enrolment_id, h.id AS household_id, head.id AS pid,
                       head.name AS name, head.nik AS nik, h.kk_number, h.card_code,
                       h.street, h.rt, h.rw, h.kelurahan_code
                FROM enrolment e
                JOIN household h ON h.id = e.household_id AND h.deleted = 0
                LEFT JOIN person head ON head.id = h.head_person_id
                WHERE e.program_code = :prog AND e.deleted = 0 AND e.start_date <= :today
                  AND (e.end_date IS NULL OR e.end_date > :today) {extra}
                GROUP BY h.id
            """
            extra = "AND h.id = :only" if only_id else ""
        else:
            sql = """
                SELECT min(e.id) AS enrolment_id, p.household_id AS household_id, p.id AS pid,
                       p.name AS name, p.nik AS nik, h.kk_number, h.card_code,
                       p.street, p.rt, p.rw, p.kelurahan_code
                FROM enrolment e
                JOIN person p ON p.id = e.person_id AND p.deleted = 0
                LEFT JOIN household h ON h.id = p.household_id
                WHERE e.program_code = :prog AND e.deleted = 0 AND e.start_date <= :today
                  AND (e.end_date IS NULL OR e.end_date > :today) {extra}
                GROUP BY p.id
            """
            extra = "AND p.id = :only" if only_id else ""
        sql = f"SELECT * FROM ({sql.format(extra=extra)}) ORDER BY kelurahan_code, rw, rt, name"
        params: dict[str, Any] = {"prog": program_code, "today": today.isoformat()}
        if only_id:
            params["only"] = only_id
        return [dict(m) for m in conn.execute(text(sql), params).mappings()]

    def close_round(self, round_ref: str) -> None:
        rnd = self.get_round(round_ref)
        if rnd.status == RoundStatus.CLOSED.value:
            raise ServiceError(f"Putaran {rnd.name} sudah ditutup.")
        with self.ctx.unit_of_work(source="distribution") as w:
            self._lock_round(w, rnd.id, require_open=False)
            row = w.session.get(DistributionRound, rnd.id)
            assert row is not None
            w.update(
                row,
                "distribution_round",
                {"status": RoundStatus.CLOSED.value, "closed_at": w.now()},
                op="close",
            )

    # -- roster changes --------------------------------------------------------------------
    def add_recipient(
        self, round_ref: str, code: str, reason: str, point_ref: str | None = None
    ) -> str:
        """Put a recipient on a frozen roster (a KK, NIK or card from the registry)."""
        rnd = self.get_round(round_ref)
        self._require_writable(rnd)
        reason = " ".join((reason or "").split())
        if not reason:
            raise ServiceError("Alasan penambahan penerima wajib diisi.")
        if rnd.status != RoundStatus.OPEN.value:
            raise ServiceError(
                "Daftar penerima dibekukan saat putaran dibuka; buka putaran dulu, atau daftarkan "
                "orangnya di program agar ikut saat dibuka."
            )
        found = self._registry_recipient(rnd.program_code, code)
        if found is None:
            raise ServiceError(f"Kode {code} tidak ditemukan di registri.")
        household_id, person_id = found
        program = get_program(rnd.program_code)
        point_id = self.get_point(rnd.id, point_ref).id if point_ref else None
        with self.ctx.unit_of_work(source="distribution") as w:
            self._lock_round(w, rnd.id)
            conn = w.session.connection()
            if program.unit == Unit.HOUSEHOLD:
                where, value = "household_id = :v", household_id
            else:
                where, value = "person_id = :v", person_id
            existing = (
                conn.execute(
                    text(
                        f"SELECT id, active, name FROM distribution_roster "
                        f"WHERE round_id = :r AND {where}"
                    ),
                    {"r": rnd.id, "v": value},
                )
                .mappings()
                .first()
            )
            if existing is not None and existing["active"]:
                raise ServiceError(f"{existing['name']} sudah ada di daftar penerima.")
            if existing is not None:
                entry = w.session.get(RosterEntry, existing["id"])
                assert entry is not None
                changes: dict[str, Any] = {"active": True}
                if point_id:
                    changes["point_id"] = point_id
                w.update(entry, "distribution_roster", changes, op="roster_add")
                roster_id = entry.id
            else:
                data = self._snapshot_for(conn, program, household_id, person_id)
                if point_id is None:
                    by_kel = {k: p.id for p in self.points(rnd.id) for k in p.kelurahan_codes}
                    point_id = by_kel.get(data["kelurahan_code"] or "")
                no = (
                    conn.execute(
                        text(
                            "SELECT coalesce(max(no), 0) FROM distribution_roster "
                            "WHERE round_id = :r"
                        ),
                        {"r": rnd.id},
                    ).scalar_one()
                    + 1
                )
                row = self._roster_row(rnd.id, no, data, point_id, w.now())
                entry = RosterEntry(**row, hlc="")
                w.add(entry, "distribution_roster", op="roster_add")
                w.session.flush()
                roster_id = entry.id
            self._roster_change(w, rnd.id, roster_id, "add", reason)
            return roster_id

    @staticmethod
    def _snapshot_for(
        conn: Connection, program: Any, household_id: str | None, person_id: str | None
    ) -> dict[str, Any]:
        if program.unit == Unit.HOUSEHOLD:
            sql = """SELECT NULL AS enrolment_id, h.id AS household_id, head.id AS pid,
                       head.name AS name, head.nik AS nik, h.kk_number, h.card_code, h.street,
                       h.rt, h.rw, h.kelurahan_code
                     FROM household h LEFT JOIN person head ON head.id = h.head_person_id
                     WHERE h.id = :id"""
            key = household_id
        else:
            sql = """SELECT NULL AS enrolment_id, p.household_id AS household_id, p.id AS pid,
                       p.name, p.nik, h.kk_number, h.card_code, p.street, p.rt, p.rw,
                       p.kelurahan_code
                     FROM person p LEFT JOIN household h ON h.id = p.household_id
                     WHERE p.id = :id"""
            key = person_id
        row = conn.execute(text(sql), {"id": key}).mappings().first()
        if row is None:
            raise ServiceError("Data penerima tidak ditemukan di registri.")
        return dict(row)

    def remove_recipient(self, round_ref: str, roster_id: str, reason: str) -> None:
        rnd = self.get_round(round_ref)
        self._require_writable(rnd)
        reason = " ".join((reason or "").split())
        if not reason:
            raise ServiceError("Alasan mengeluarkan penerima wajib diisi.")
        with self.ctx.unit_of_work(source="distribution") as w:
            self._lock_round(w, rnd.id)
            entry = w.session.get(RosterEntry, roster_id)
            if entry is None or entry.round_id != rnd.id:
                raise ServiceError("Penerima tidak ada di daftar putaran ini.")
            if not entry.active:
                raise ServiceError(f"{entry.name} sudah dikeluarkan dari daftar.")
            receipt = self._active_receipt(w.session.connection(), roster_id)
            if receipt is not None:
                raise ServiceError(
                    f"{entry.name} sudah menerima (tanda terima {receipt['number']}). Batalkan "
                    "tanda terimanya dulu dengan alasan."
                )
            w.update(entry, "distribution_roster", {"active": False}, op="roster_remove")
            self._roster_change(w, rnd.id, roster_id, "remove", reason)

    def _roster_change(
        self, w: UnitOfWork, round_id: str, roster_id: str, op: str, reason: str
    ) -> None:
        w.add(
            RosterChange(
                id=new_id(),
                round_id=round_id,
                roster_id=roster_id,
                op=op,
                reason=reason,
                at=w.now(),
                actor=self.ctx.actor,
                device_id=self.ctx.device.id,
                hlc="",
            ),
            "distribution_roster_change",
        )

    def roster_changes(self, round_id: str) -> list[tuple[str, str, str, str, datetime | None]]:
        """(name, add/remove, reason, actor, when) for the round's roster edits."""
        with self._conn() as conn:
            rows = conn.execute(
                text(
                    "SELECT e.name, c.op, c.reason, c.actor, c.at "
                    "FROM distribution_roster_change c "
                    "JOIN distribution_roster e ON e.id = c.roster_id WHERE c.round_id = :r "
                    "ORDER BY c.hlc"
                ),
                {"r": round_id},
            ).all()
        return [(r[0], r[1], r[2], r[3], self._local(r[4])) for r in rows]

    # -- finding a recipient at the counter --------------------------------------------------
    def find(
        self, round_id: str, query: str, point_id: str | None = None, limit: int = 50
    ) -> list[RosterRow]:
        """Roster entries for what was scanned or typed: a receipt (QR or number), a card code,
        a NIK or KK (16 digits; a household member's NIK finds the KPM), or a name."""
        query = (query or "").strip()
        if not query:
            return []
        with self._conn() as conn:
            ids = self._find_ids(conn, round_id, query, limit)
        return self.roster_rows_by_id(ids)

    def _find_ids(self, conn: Connection, round_id: str, query: str, limit: int) -> list[str]:
        def ids(sql: str, **params: Any) -> list[str]:
            params.setdefault("r", round_id)
            params.setdefault("lim", limit)
            return [r[0] for r in conn.execute(text(sql), params)]

        number = self._receipt_number_in(query)
        if number:
            found = ids(
                "SELECT roster_id FROM distribution_receipt WHERE number = :n AND round_id = :r",
                n=number,
            )
            if found:
                return found
        digits = clean_number(query)
        if digits.isdigit() and len(digits) == 16:
            found = ids(
                "SELECT id FROM distribution_roster WHERE round_id = :r AND nik = :c "
                "ORDER BY active DESC, no LIMIT :lim",
                c=digits,
            )
            if found:
                return found
            found = ids(
                "SELECT id FROM distribution_roster WHERE round_id = :r AND kk_number = :c "
                "ORDER BY active DESC, no LIMIT :lim",
                c=digits,
            )
            if found:
                return found
            # A member of the KPM shows their own KTP: their NIK finds the household's entry.
            return ids(
                "SELECT e.id FROM person p JOIN distribution_roster e "
                "ON e.household_id = p.household_id AND e.round_id = :r "
                "WHERE p.nik = :c AND p.deleted = 0 ORDER BY e.active DESC, e.no LIMIT :lim",
                c=digits,
            )
        card = re.sub(r"\s", "", query).upper()
        found = ids(
            "SELECT id FROM distribution_roster WHERE round_id = :r AND card_code = :c "
            "ORDER BY active DESC LIMIT :lim",
            c=card,
        )
        if found:
            return found
        key = _name_key(query)
        if len(key) < 2 or key.isdigit():
            return []
        found = ids(
            "SELECT id FROM distribution_roster WHERE round_id = :r AND name_key >= :k "
            "AND name_key < :k || char(1114111) ORDER BY name_key, no LIMIT :lim",
            k=key,
        )
        if found:
            return found
        like = "%" + "%".join(key.split()) + "%"
        return ids(
            "SELECT id FROM distribution_roster WHERE round_id = :r AND name_key LIKE :k "
            "ORDER BY name_key, no LIMIT :lim",
            k=like,
        )

    @staticmethod
    def _receipt_number_in(query: str) -> str | None:
        text_ = query.strip()
        if text_.upper().startswith(QR_PREFIX + "|"):
            parts = text_.split("|")
            text_ = parts[1] if len(parts) > 1 else ""
        parsed = parse_receipt_number(text_)
        return str(parsed) if parsed else None

    def scan(self, round_id: str, code: str, point_id: str | None = None) -> RosterRow:
        """Exactly one roster entry for a scanned/typed code, or a ServiceError that says why."""
        code = (code or "").strip()
        if not code:
            raise DistributionInputError("Pindai kartu atau ketik NIK, No. KK, atau nama.")
        with self._conn() as conn:
            state = conn.execute(
                text("SELECT name, status FROM distribution_round WHERE id = :r"), {"r": round_id}
            ).first()
        if state is None:
            raise ServiceError("Putaran penyaluran tidak ditemukan.")
        if state[1] == RoundStatus.DRAFT.value:
            raise ServiceError(
                f"Putaran {state[0]} belum dibuka: daftar penerimanya belum dibekukan."
            )
        matches = self.find(round_id, code, point_id)
        if not matches:
            raise ServiceError(self._not_found_message(round_id, code))
        if len(matches) > 1:
            active = [m for m in matches if m.active]
            if len(active) != 1:
                raise ServiceError(
                    f"Ada {len(matches)} penerima yang cocok dengan '{code}'. Pilih dari daftar, "
                    "atau pindai kartu / ketik NIK."
                )
            matches = active
        row = matches[0]
        if not row.active:
            reason = self._removal_reason(row.id)
            raise ServiceError(
                f"{row.name} telah dikeluarkan dari daftar penerima putaran ini"
                + (f" (alasan: {reason})." if reason else ".")
            )
        if point_id and row.point_id and row.point_id != point_id:
            raise ServiceError(
                f"{row.name} dilayani di {row.point_name}, bukan di titik ini. Arahkan penerima "
                "ke titik salurnya."
            )
        return row

    def _removal_reason(self, roster_id: str) -> str | None:
        with self._conn() as conn:
            row = conn.execute(
                text(
                    "SELECT reason FROM distribution_roster_change WHERE roster_id = :id "
                    "AND op = 'remove' ORDER BY hlc DESC LIMIT 1"
                ),
                {"id": roster_id},
            ).first()
        return row[0] if row else None

    def _not_found_message(self, round_id: str, code: str) -> str:
        rnd = self.get_round(round_id)
        digits = clean_number(code)
        with self._conn() as conn:
            known = None
            if digits.isdigit() and len(digits) == 16:
                known = conn.execute(
                    text(
                        "SELECT name FROM person WHERE nik = :c AND deleted = 0 UNION ALL "
                        "SELECT coalesce(p.name, 'KPM') FROM household h LEFT JOIN person p "
                        "ON p.id = h.head_person_id WHERE h.kk_number = :c AND h.deleted = 0 "
                        "LIMIT 1"
                    ),
                    {"c": digits},
                ).first()
            else:
                known = conn.execute(
                    text(
                        "SELECT coalesce(p.name, 'KPM') FROM household h LEFT JOIN person p "
                        "ON p.id = h.head_person_id WHERE h.card_code = :c AND h.deleted = 0"
                    ),
                    {"c": re.sub(r"\s", "", code).upper()},
                ).first()
        if known is not None:
            return (
                f"{known[0]} terdaftar di registri tetapi tidak ada di daftar penerima "
                f"{rnd.name}. Bila memang berhak, petugas kantor dapat menambahkannya dengan "
                "alasan."
            )
        if digits.isdigit() and len(digits) != 16:
            return (
                f"'{code}' tidak ditemukan: NIK dan No. KK terdiri dari 16 digit "
                f"(yang diketik {len(digits)} digit). Periksa kembali angkanya."
            )
        return (
            f"'{code}' tidak ditemukan di daftar penerima {rnd.name}. Periksa kartu, NIK atau "
            "No. KK, atau cari dengan nama."
        )

    # -- recording ---------------------------------------------------------------------------
    def receipt_code_key(self) -> bytes:
        """The office's secret for receipt verification codes, created on first use."""
        if self._receipt_key is None:
            with self._conn() as conn:
                row = conn.execute(
                    text('SELECT value FROM setting WHERE "key" = :k'), {"k": RECEIPT_KEY}
                ).first()
            if row is None:
                # Not change-logged: the key is a secret, not a synced record (a sync checkout
                # carries it in the bundle). Two programs may get here at once: the first
                # insert wins and both read the same key back.
                with self.ctx.db.transaction() as session:
                    session.execute(
                        text(
                            'INSERT INTO setting ("key", value) VALUES (:k, :v) '
                            'ON CONFLICT ("key") DO NOTHING'
                        ),
                        {"k": RECEIPT_KEY, "v": json.dumps(secrets.token_hex(32))},
                    )
                with self._conn() as conn:
                    row = conn.execute(
                        text('SELECT value FROM setting WHERE "key" = :k'), {"k": RECEIPT_KEY}
                    ).first()
            assert row is not None
            self._receipt_key = bytes.fromhex(json.loads(row[0]))
        return self._receipt_key

    def _device_prefix(self) -> str:
        name = (self.ctx.office.device_name or "").strip().upper()
        if not re.match(r"^[A-Z0-9]{2,8}$", name):
            raise ServiceError(
                f"Nama perangkat '{name}' tidak dapat dipakai untuk nomor tanda terima (2-8 huruf "
                "besar/angka). Atur di Pengaturan kantor."
            )
        return name

    @staticmethod
    def _active_receipt(conn: Connection, roster_id: str) -> dict[str, Any] | None:
        m = (
            conn.execute(
                text(
                    "SELECT r.number, r.received_at, r.officer, r.device_name, r.collector_name, "
                    "p.name AS point_name FROM distribution_receipt r "
                    "LEFT JOIN distribution_point p ON p.id = r.point_id "
                    "WHERE r.roster_id = :id AND NOT EXISTS (SELECT 1 FROM "
                    "distribution_receipt_void v WHERE v.receipt_id = r.id) LIMIT 1"
                ),
                {"id": roster_id},
            )
            .mappings()
            .first()
        )
        return dict(m) if m else None

    def receive(
        self,
        round_id: str,
        roster_id: str,
        *,
        point_id: str | None = None,
        proxy: Proxy | None = None,
    ) -> ReceiptView:
        """Record that the recipient received the round's item, exactly once.

        Returns after the commit (synchronous=FULL): the number it carries is on disk.
        """
        proxy = self._clean_proxy(proxy)
        key, device = self.receipt_code_key(), self._device_prefix()
        with self.ctx.unit_of_work(source="counter") as w:
            receipt = self._record(w, round_id, roster_id, proxy, point_id, key, device)
        return receipt

    def _record(
        self,
        w: UnitOfWork,
        round_id: str,
        roster_id: str,
        proxy: Proxy | None,
        point_id: str | None,
        key: bytes,
        device: str,
    ) -> ReceiptView:
        """Check and append one receipt inside the caller's unit of work.

        This is the counter's hot path, so it uses plain statements instead of ORM objects.
        """
        conn = w.session.connection()
        # Taking the counter first starts the write transaction, so the checks below and the
        # insert are serialised against any other program writing to this file.
        seq = conn.execute(_NEXT_SEQ, {"r": round_id, "d": device}).scalar_one()
        # Everything the checks need in one indexed read: the entry, its round, its point,
        # whether it already has a valid receipt, and the recipient's live status.
        entry = conn.execute(_RECORD_STATE, {"id": roster_id}).mappings().first()
        if entry is None or entry["round_id"] != round_id:
            self._lock_round(w, round_id)  # a closed or unknown round says so first
            raise ServiceError("Penerima tidak ada di daftar putaran ini.")
        if entry["round_status"] == RoundStatus.CLOSED.value:
            raise ServiceError(
                f"Putaran {entry['round_name']} sudah ditutup; tidak dapat dicatat lagi "
                "(hanya baca)."
            )
        if entry["round_status"] != RoundStatus.OPEN.value:
            raise ServiceError(
                f"Putaran {entry['round_name']} belum dibuka. Buka putaran dulu agar daftar "
                "penerima dibekukan."
            )
        if not entry["active"]:
            raise ServiceError(f"{entry['name']} telah dikeluarkan dari daftar penerima.")
        if point_id and entry["point_id"] and entry["point_id"] != point_id:
            raise ServiceError(
                f"{entry['name']} dilayani di {entry['point_name']}, bukan di titik ini."
            )
        first = self._active_receipt(conn, roster_id) if entry["received"] else None
        if first is not None:
            who = f" (diambil oleh {first['collector_name']})" if first["collector_name"] else ""
            raise ServiceError(
                f"{entry['name']} SUDAH MENERIMA pada {self._when(first['received_at'])} di "
                f"{first['point_name'] or 'titik salur'}, dicatat oleh {first['officer']} "
                f"(perangkat {first['device_name']}, tanda terima {first['number']}){who}. "
                "Tidak boleh menerima dua kali."
            )
        self._check_collector(conn, entry["program_code"], entry, proxy)
        number = format_receipt_number(entry["round_code"], device, seq)
        now = w.now()
        row = {
            "id": new_id(),
            "number": number,
            "round_id": round_id,
            "roster_id": roster_id,
            "point_id": point_id or entry["point_id"],
            "collector_name": proxy.name if proxy else None,
            "collector_nik": proxy.nik if proxy else None,
            "collector_relation": proxy.relation if proxy else None,
            "officer": self.ctx.actor,
            "received_at": now,
            "device_id": self.ctx.device.id,
            "device_name": device,
            "verification_code": verification_code(number, key),
        }
        bulk_insert(w, "distribution_receipt", [row], op="receive")
        point_name = entry["point_name"] or ""
        if row["point_id"] and row["point_id"] != entry["point_id"]:
            point_name = self._point_name(conn, row["point_id"])
        return ReceiptView(
            id=row["id"],
            number=number,
            verification_code=row["verification_code"],
            round_id=round_id,
            roster_id=roster_id,
            point_id=row["point_id"],
            point_name=point_name,
            recipient_name=entry["name"],
            collector_name=row["collector_name"],
            collector_nik=row["collector_nik"],
            collector_relation=row["collector_relation"],
            officer=self.ctx.actor,
            received_at=now.astimezone(self._tz),
            device_name=device,
        )

    @staticmethod
    def _point_name(conn: Connection, point_id: str) -> str:
        row = conn.execute(
            text("SELECT name FROM distribution_point WHERE id = :id"), {"id": point_id}
        ).first()
        return row[0] if row else ""

    def receive_code(
        self,
        round_id: str,
        code: str,
        *,
        point_id: str | None = None,
        proxy: Proxy | None = None,
    ) -> ReceiptView:
        """Scan and record in one step: what a barcode scan + Enter does at the counter."""
        entry = self.scan(round_id, code, point_id)
        return self.receive(round_id, entry.id, point_id=point_id, proxy=proxy)

    def _clean_proxy(self, proxy: Proxy | None) -> Proxy | None:
        if proxy is None:
            return None
        name = " ".join((proxy.name or "").split())
        nik = clean_number(proxy.nik or "")
        relation = parse_collector_relation(proxy.relation)
        if not name and not nik and not proxy.relation:
            return None
        if relation is None:
            raise DistributionInputError(
                f"Hubungan pengambil '{proxy.relation}' tidak dikenal: pilih same_kk (anggota KK "
                "yang sama), surat_kuasa, atau ahli_waris."
            )
        if not name:
            raise DistributionInputError("Nama pengambil (wakil) wajib diisi.")
        if not nik:
            raise DistributionInputError("NIK pengambil (wakil) wajib diisi sesuai KTP.")
        errors = [i for i in validate_nik(nik) if i.severity == Severity.ERROR]
        if errors:
            raise DistributionInputError(
                "NIK pengambil tidak valid: " + " ".join(i.message for i in errors)
            )
        return Proxy(name=name, nik=nik, relation=relation)

    def _check_collector(
        self, conn: Connection, program_code: str, entry: Any, proxy: Proxy | None
    ) -> None:
        """DESIGN.md's rules on who may collect for whom, against the live registry."""
        recipient = None
        if entry["person_id"] and "person_status" in entry:
            recipient = {
                "status": entry["person_status"],
                "status_date": entry["person_status_date"],
                "household_id": entry["live_household_id"],
            }
        elif entry["person_id"]:
            recipient = (
                conn.execute(
                    text("SELECT id, status, status_date, household_id FROM person WHERE id = :id"),
                    {"id": entry["person_id"]},
                )
                .mappings()
                .first()
            )
        deceased = recipient is not None and recipient["status"] == PersonStatus.MENINGGAL.value
        if proxy is None and not deceased:
            return
        household_id = entry["household_id"] or (recipient["household_id"] if recipient else None)
        living = []
        if household_id:
            living = [
                r[0]
                for r in conn.execute(
                    text(
                        "SELECT nik FROM person WHERE household_id = :h AND deleted = 0 "
                        "AND status != 'meninggal' AND id != :me"
                    ),
                    {"h": household_id, "me": entry["person_id"] or ""},
                )
            ]
        kk = entry["kk_number"] or "-"
        if deceased:
            since = _as_date(recipient["status_date"]) if recipient else None
            died = f" pada {format_date_id(since)}" if since else ""
            if not living:
                raise ServiceError(
                    f"{entry['name']} telah meninggal dunia{died} dan tidak ada anggota lain di KK "
                    f"{kk}. Bantuan tidak dapat disalurkan (KK satu orang)."
                )
            if proxy is None:
                raise ServiceError(
                    f"{entry['name']} tercatat meninggal dunia{died}. Bantuan hanya dapat diambil "
                    "ahli waris yang satu KK: isi data pengambil dengan hubungan 'ahli waris'."
                )
            if proxy.relation != "ahli_waris":
                raise ServiceError(
                    f"{entry['name']} telah meninggal dunia{died}: surat kuasa tidak berlaku lagi. "
                    "Yang dapat mengambil hanya ahli waris yang satu KK."
                )
            if proxy.nik not in living:
                raise ServiceError(
                    f"NIK {proxy.nik} tidak tercatat sebagai anggota KK {kk} yang masih hidup; "
                    "ahli waris harus satu KK dengan penerima."
                )
            return
        assert proxy is not None
        if proxy.nik == (entry["nik"] or ""):
            raise DistributionInputError(
                "NIK pengambil sama dengan NIK penerima: penerima mengambil sendiri, kosongkan "
                "data wakil."
            )
        if proxy.relation == "ahli_waris":
            raise ServiceError(
                f"{entry['name']} tidak tercatat meninggal; ahli waris hanya untuk penerima yang "
                "telah meninggal. Gunakan 'anggota KK' atau 'surat kuasa'."
            )
        person = (
            conn.execute(
                text(
                    "SELECT name, status, household_id FROM person WHERE nik = :n AND deleted = 0 "
                    "LIMIT 1"
                ),
                {"n": proxy.nik},
            )
            .mappings()
            .first()
        )
        if person is not None and person["status"] == PersonStatus.MENINGGAL.value:
            raise ServiceError(f"NIK pengambil {proxy.nik} tercatat atas orang yang meninggal.")
        if proxy.relation == "same_kk" and proxy.nik not in living:
            raise ServiceError(
                f"NIK {proxy.nik} tidak tercatat dalam KK {kk}. Pengambil di luar KK wajib "
                "membawa surat kuasa: pilih 'surat kuasa'."
            )

    def void(self, receipt_ref: str, reason: str) -> ReceiptView:
        """Cancel a receipt with a reason (another fact; the receipt itself stays)."""
        reason = " ".join((reason or "").split())
        if not reason:
            raise ServiceError("Alasan pembatalan tanda terima wajib diisi.")
        receipt = self.get_receipt(receipt_ref)
        with self.ctx.unit_of_work(source="counter") as w:
            self._lock_round(w, receipt.round_id, require_open=False)
            already = w.session.execute(
                text("SELECT 1 FROM distribution_receipt_void WHERE receipt_id = :id"),
                {"id": receipt.id},
            ).first()
            if already:
                raise ServiceError(f"Tanda terima {receipt.number} sudah dibatalkan.")
            w.add(
                ReceiptVoid(
                    id=new_id(),
                    receipt_id=receipt.id,
                    round_id=receipt.round_id,
                    reason=reason,
                    at=w.now(),
                    actor=self.ctx.actor,
                    device_id=self.ctx.device.id,
                    hlc="",
                ),
                "distribution_receipt_void",
                op="void",
            )
        return self.get_receipt(receipt.id)

    def get_receipt(self, ref: str) -> ReceiptView:
        """A receipt by id, number or QR payload."""
        ref = (ref or "").strip()
        number = self._receipt_number_in(ref)
        with self._conn() as conn:
            m = (
                conn.execute(
                    text(_RECEIPT_SELECT + " WHERE r.id = :ref OR r.number = :num"),
                    {"ref": ref, "num": number or ref},
                )
                .mappings()
                .first()
            )
        if m is None:
            raise ServiceError(f"Tanda terima '{ref}' tidak ditemukan.")
        return self._receipt_view(m)

    def _receipt_view(self, m: Any) -> ReceiptView:
        return ReceiptView(
            id=m["id"],
            number=m["number"],
            verification_code=m["verification_code"],
            round_id=m["round_id"],
            roster_id=m["roster_id"],
            point_id=m["point_id"],
            point_name=m["point_name"] or "",
            recipient_name=m["recipient_name"],
            collector_name=m["collector_name"],
            collector_nik=m["collector_nik"],
            collector_relation=m["collector_relation"],
            officer=m["officer"],
            received_at=self._local(m["received_at"]),  # type: ignore[arg-type]
            device_name=m["device_name"],
            voided=bool(m["voided"]),
            void_reason=m["void_reason"],
        )

    def receipts(self, round_id: str, roster_id: str | None = None) -> list[ReceiptView]:
        sql = _RECEIPT_SELECT + " WHERE r.round_id = :r"
        params: dict[str, Any] = {"r": round_id}
        if roster_id:
            sql += " AND r.roster_id = :e"
            params["e"] = roster_id
        with self._conn() as conn:
            return [
                self._receipt_view(m)
                for m in conn.execute(text(sql + " ORDER BY r.hlc"), params).mappings()
            ]

    def mark(
        self,
        round_id: str,
        roster_id: str,
        kind: str,
        reason: str = "",
        *,
        point_id: str | None = None,
    ) -> None:
        """Record that a recipient did not collect: 'tidak_hadir' or 'ditolak' (reason needed)."""
        if kind not in MARK_KINDS:
            raise DistributionInputError(f"Tanda '{kind}' tidak dikenal (tidak_hadir/ditolak).")
        reason = " ".join((reason or "").split())
        if kind == "ditolak" and not reason:
            raise ServiceError("Alasan penolakan wajib diisi.")
        reason = reason or "Tidak hadir saat penyaluran"
        with self.ctx.unit_of_work(source="counter") as w:
            self._lock_round(w, round_id)
            entry = w.session.get(RosterEntry, roster_id)
            if entry is None or entry.round_id != round_id:
                raise ServiceError("Penerima tidak ada di daftar putaran ini.")
            if not entry.active:
                raise ServiceError(f"{entry.name} telah dikeluarkan dari daftar penerima.")
            first = self._active_receipt(w.session.connection(), roster_id)
            if first is not None:
                raise ServiceError(
                    f"{entry.name} sudah menerima (tanda terima {first['number']}); batalkan "
                    "tanda terimanya dulu bila keliru."
                )
            w.add(
                CollectionMark(
                    id=new_id(),
                    round_id=round_id,
                    roster_id=roster_id,
                    point_id=point_id or entry.point_id,
                    kind=kind,
                    reason=reason,
                    at=w.now(),
                    actor=self.ctx.actor,
                    device_id=self.ctx.device.id,
                    hlc="",
                ),
                "distribution_mark",
                op=kind,
            )

    def collector_candidates(self, roster_id: str) -> list[tuple[str, str, str]]:
        """(name, NIK, SHDK relation) of the living members of the recipient's KK, for the
        proxy dialog."""
        with self._conn() as conn:
            entry = (
                conn.execute(
                    text(
                        "SELECT e.household_id, e.person_id, p.household_id AS live_household "
                        "FROM distribution_roster e LEFT JOIN person p ON p.id = e.person_id "
                        "WHERE e.id = :id"
                    ),
                    {"id": roster_id},
                )
                .mappings()
                .first()
            )
            if entry is None:
                return []
            household = entry["household_id"] or entry["live_household"]
            if not household:
                return []
            rows = conn.execute(
                text(
                    "SELECT name, nik, coalesce(relation, '') FROM person WHERE household_id = :h "
                    "AND deleted = 0 AND status != 'meninggal' AND id != :me AND nik IS NOT NULL "
                    "ORDER BY relation = 'kepala' DESC, birth_date"
                ),
                {"h": household, "me": entry["person_id"] or ""},
            ).all()
        return [(r[0], r[1], r[2]) for r in rows]

    def recipient_deceased(self, roster_id: str) -> bool:
        with self._conn() as conn:
            row = conn.execute(
                text(
                    "SELECT p.status FROM distribution_roster e JOIN person p "
                    "ON p.id = e.person_id WHERE e.id = :id"
                ),
                {"id": roster_id},
            ).first()
        return bool(row and row[0] == PersonStatus.MENINGGAL.value)

    # -- scan logs -----------------------------------------------------------------------------
    def receive_batch(
        self, round_ref: str, rows: Sequence[dict[str, str]], point_ref: str | None = None
    ) -> BatchReport:
        """Record a scan log all-or-nothing: every row is checked, and only when all are fine
        are they recorded, in one transaction."""
        rnd = self.get_round(round_ref)
        self._require_writable(rnd)
        if rnd.status != RoundStatus.OPEN.value:
            raise ServiceError(f"Putaran {rnd.name} belum dibuka; tidak ada yang dicatat.")
        point_id = self.get_point(rnd.id, point_ref).id if point_ref else None
        report = BatchReport()
        plans: list[tuple[str, Proxy | None, str | None]] = []
        seen: dict[str, int] = {}
        for i, row in enumerate(rows, start=2):
            code = (row.get("code") or "").strip()
            try:
                row_point = point_id
                if row.get("point"):
                    row_point = self.get_point(rnd.id, row["point"]).id
                entry = self.scan(rnd.id, code, row_point)
                proxy = self._clean_proxy(
                    Proxy(
                        row.get("proxy_name", ""),
                        row.get("proxy_nik", ""),
                        row.get("proxy_relation", ""),
                    )
                )
                if entry.id in seen:
                    raise ServiceError(
                        f"{entry.name} muncul dua kali di berkas (baris {seen[entry.id]} dan {i})."
                    )
                if entry.received:
                    raise ServiceError(
                        f"{entry.name} sudah menerima (tanda terima {entry.receipt_number})."
                    )
                with self._conn() as conn:
                    entry_map = (
                        conn.execute(
                            text(
                                "SELECT id, name, nik, kk_number, household_id, person_id "
                                "FROM distribution_roster WHERE id = :id"
                            ),
                            {"id": entry.id},
                        )
                        .mappings()
                        .first()
                    )
                    self._check_collector(conn, rnd.program_code, entry_map, proxy)
                seen[entry.id] = i
                plans.append((entry.id, proxy, row_point))
                report.rows.append(_RowReport(i, code, f"OK: {entry.name}", True))
            except ServiceError as exc:
                report.rows.append(_RowReport(i, code, exc.message, False))
        if not report.ok:
            return report
        report.recorded = self._record_many(rnd.id, plans)
        for row_report, receipt in zip(report.rows, report.recorded, strict=True):
            row_report.message = f"{receipt.number}: {receipt.recipient_name}"
        return report

    def _record_many(
        self, round_id: str, plans: Sequence[tuple[str, Proxy | None, str | None]]
    ) -> list[ReceiptView]:
        """All receipts of a scan log in one transaction, each checked again under the lock."""
        key, device = self.receipt_code_key(), self._device_prefix()
        with self.ctx.unit_of_work(source="scan_log") as w:
            return [
                self._record(w, round_id, roster_id, proxy, point_id, key, device)
                for roster_id, proxy, point_id in plans
            ]

    # -- lists and progress ------------------------------------------------------------------
    def _roster_where(self, round_id: str, flt: RosterFilter) -> tuple[str, dict[str, Any]]:
        conds = ["e.round_id = :r"]
        params: dict[str, Any] = {"r": round_id}
        if not flt.include_removed and flt.status != "dikeluarkan":
            conds.append("e.active = 1")
        if flt.point_id:
            conds.append("e.point_id = :pt")
            params["pt"] = flt.point_id
        if flt.kelurahan_code:
            conds.append("e.kelurahan_code = :kel")
            params["kel"] = flt.kelurahan_code
        if flt.status is not None:
            conds.append(f"({_STATUS_SQL}) = :st")
            params["st"] = "" if flt.status == "belum" else flt.status
        if flt.query.strip():
            key = _name_key(flt.query)
            digits = clean_number(flt.query)
            conds.append(
                "(e.name_key LIKE :q OR e.nik LIKE :d OR e.kk_number LIKE :d OR e.card_code = :c)"
            )
            params["q"] = "%" + "%".join(key.split()) + "%"
            params["d"] = (digits + "%") if digits.isdigit() else "-"
            params["c"] = flt.query.strip().upper()
        return " AND ".join(conds), params

    def roster_ids(self, round_id: str, flt: RosterFilter = RosterFilter()) -> list[int]:
        """Row keys of matching roster entries in list order; rows are fetched per page."""
        where, params = self._roster_where(round_id, flt)
        with self._conn() as conn:
            return [
                r[0]
                for r in conn.execute(
                    text(f"SELECT e.rowid FROM distribution_roster e WHERE {where} ORDER BY e.no"),
                    params,
                )
            ]

    def roster_rows(self, rowids: Sequence[int]) -> list[RosterRow]:
        if not rowids:
            return []
        by_key: dict[int, RosterRow] = {}
        with self._conn() as conn:
            for batch in chunked(rowids, 900):
                sql = (
                    _ROSTER_SELECT
                    + " WHERE e.rowid IN ("
                    + ",".join(str(int(r)) for r in batch)
                    + ")"
                )
                for m in conn.execute(text(sql)).mappings():
                    by_key[m["rowid"]] = self._roster_row_view(m)
        return [by_key[r] for r in rowids if r in by_key]

    def roster_rows_by_id(self, ids: Sequence[str]) -> list[RosterRow]:
        if not ids:
            return []
        with self._conn() as conn:
            params = {f"i{n}": v for n, v in enumerate(ids)}
            sql = _ROSTER_SELECT + " WHERE e.id IN (" + ",".join(f":{k}" for k in params) + ")"
            by_id = {
                m["id"]: self._roster_row_view(m)
                for m in conn.execute(text(sql), params).mappings()
            }
        return [by_id[i] for i in ids if i in by_id]

    def _roster_row_view(self, m: Any) -> RosterRow:
        return RosterRow(
            rowid=m["rowid"],
            id=m["id"],
            no=m["no"],
            round_id=m["round_id"],
            point_id=m["point_id"],
            point_name=m["point_name"] or "",
            name=m["name"],
            nik=m["nik"],
            kk_number=m["kk_number"],
            card_code=m["card_code"],
            address=_address(m["street"], m["rt"], m["rw"]),
            rt=m["rt"],
            rw=m["rw"],
            kelurahan_code=m["kelurahan_code"],
            kelurahan=self._kelurahan_name(m["kelurahan_code"]),
            active=bool(m["active"]),
            status=m["status"] or "",
            receipt_number=m["receipt_number"],
            received_at=self._local(m["received_at"]),
            collector_name=m["collector_name"],
            mark_reason=m["mark_reason"] if m["status"] in MARK_KINDS else None,
            household_id=m["household_id"],
            person_id=m["person_id"],
        )

    def pending(self, round_id: str, point_id: str | None = None) -> list[RosterRow]:
        """Who has not collected yet (and was not marked absent or refused)."""
        return self.roster_rows(self.roster_ids(round_id, RosterFilter(point_id, status="belum")))

    def totals(
        self, round_id: str, point_id: str | None = None, kelurahan_code: str | None = None
    ) -> Totals:
        return self._grouped_totals(round_id, point_id=point_id, kelurahan_code=kelurahan_code).get(
            None, Totals(0, 0, 0, 0, 0)
        )

    def _grouped_totals(
        self,
        round_id: str,
        *,
        point_id: str | None = None,
        kelurahan_code: str | None = None,
        group_by: str | None = None,
    ) -> dict[Any, Totals]:
        where, params = self._roster_where(
            round_id, RosterFilter(point_id=point_id, kelurahan_code=kelurahan_code)
        )
        group = {
            "point": "e.point_id",
            "kelurahan": "e.kelurahan_code",
            "both": "e.kelurahan_code || '|' || coalesce(e.point_id, '')",
        }.get(group_by or "")
        key_sql = group or "NULL"
        # Three aggregate reads instead of a status per entry: the entitled, the entries with a
        # valid receipt (grouped by entry, so a double claim counts once), and only the few
        # entries with a mark get the full status expression.
        entitled_sql = f"""
            SELECT {key_sql} AS g, count(*) AS n FROM distribution_roster e WHERE {where}
            GROUP BY g
        """
        received_sql = f"""
            SELECT g, count(*) AS received, sum(personal = 0) AS by_proxy FROM (
                SELECT {key_sql} AS g, max(r.collector_relation IS NULL) AS personal
                FROM distribution_receipt r JOIN distribution_roster e ON e.id = r.roster_id
                WHERE r.round_id = :r AND {where}
                  AND NOT EXISTS (SELECT 1 FROM distribution_receipt_void v
                                  WHERE v.receipt_id = r.id)
                GROUP BY r.roster_id)
            GROUP BY g
        """
        marks_sql = f"""
            SELECT g, st, count(*) AS n FROM (
                SELECT {key_sql} AS g, ({_STATUS_SQL}) AS st FROM distribution_roster e
                WHERE {where} AND e.id IN (SELECT m.roster_id FROM distribution_mark m
                                           WHERE m.round_id = :r))
            WHERE st IN ('tidak_hadir', 'ditolak')
            GROUP BY g, st
        """
        counts: dict[Any, dict[str, int]] = {}
        with self._conn() as conn:
            for m in conn.execute(text(entitled_sql), params).mappings():
                counts.setdefault(m["g"], {})["entitled"] = int(m["n"])
            for m in conn.execute(text(received_sql), params).mappings():
                c = counts.setdefault(m["g"], {})
                c["received"] = int(m["received"])
                c["by_proxy"] = int(m["by_proxy"] or 0)
            for m in conn.execute(text(marks_sql), params).mappings():
                counts.setdefault(m["g"], {})[m["st"]] = int(m["n"])
        return {
            g: Totals(
                entitled=c.get("entitled", 0),
                received=c.get("received", 0),
                by_proxy=c.get("by_proxy", 0),
                absent=c.get("tidak_hadir", 0),
                refused=c.get("ditolak", 0),
            )
            for g, c in counts.items()
        }

    def progress_text(self, round_id: str, point_id: str | None = None) -> str:
        t = self.totals(round_id, point_id)
        return f"{format_count(t.received)} / {format_count(t.entitled)} diterima"

    # -- documents' data -----------------------------------------------------------------------
    def round_info(self, round_id: str) -> RoundInfo:
        r = self.get_round(round_id)
        return RoundInfo(
            id=r.id,
            code=r.code,
            name=r.name,
            program_name=r.program_name,
            item=r.item,
            quantity=r.quantity,
            unit=r.unit,
            start_date=r.start_date,
            end_date=r.end_date,
        )

    @staticmethod
    def point_info(point: PointView | None) -> PointInfo | None:
        if point is None:
            return None
        return PointInfo(id=point.id, name=point.name, kind=point.kind, address=point.address)

    def receipt_docs(
        self,
        round_id: str,
        *,
        point_id: str | None = None,
        numbers: Iterable[str] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[ReceiptDoc]:
        """Tanda terima for the round's valid receipts (or the given numbers), list order."""
        info = self.round_info(round_id)
        points = {p.id: p for p in self.points(round_id)}
        sql = """
            SELECT r.number, r.verification_code, r.point_id, r.collector_name, r.collector_nik,
                   r.collector_relation, r.officer, r.received_at, r.device_name,
                   e.name, e.nik, e.kk_number, e.street, e.rt, e.rw, e.kelurahan_code
            FROM distribution_receipt r JOIN distribution_roster e ON e.id = r.roster_id
            WHERE r.round_id = :r
              AND NOT EXISTS (SELECT 1 FROM distribution_receipt_void v WHERE v.receipt_id = r.id)
        """
        params: dict[str, Any] = {"r": round_id}
        wanted: set[str] | None = None
        if numbers is not None:
            wanted = {str(n).strip().upper() for n in numbers}
        if point_id:
            sql += " AND r.point_id = :pt"
            params["pt"] = point_id
        sql += " ORDER BY e.no"
        docs: list[ReceiptDoc] = []
        with self._conn() as conn:
            rows = [m for m in conn.execute(text(sql), params).mappings()]
        if wanted is not None:
            rows = [m for m in rows if m["number"] in wanted]
            missing = wanted - {m["number"] for m in rows}
            if missing:
                raise ServiceError(
                    "Tanda terima tidak ditemukan atau sudah dibatalkan: "
                    + ", ".join(sorted(missing))
                )
        for i, m in enumerate(rows, 1):
            docs.append(
                ReceiptDoc(
                    receipt_number=m["number"],
                    verification_code=m["verification_code"],
                    round=info,
                    point=self.point_info(points.get(m["point_id"])),
                    recipient_name=m["name"],
                    recipient_nik=m["nik"] or "",
                    kk_number=m["kk_number"],
                    address=_address(m["street"], m["rt"], m["rw"]),
                    kelurahan=self._kelurahan_name(m["kelurahan_code"]),
                    collector_name=m["collector_name"],
                    collector_nik=m["collector_nik"],
                    collector_relation=m["collector_relation"],
                    officer=m["officer"],
                    received_at=self._local(m["received_at"]),  # type: ignore[arg-type]
                    device_name=m["device_name"],
                    qr_payload=f"{QR_PREFIX}|{m['number']}|{m['verification_code']}",
                )
            )
            if progress and (i % 500 == 0 or i == len(rows)):
                progress(i, len(rows))
        return docs

    def reception_list(
        self,
        round_id: str,
        *,
        point_id: str | None = None,
        kelurahan_code: str | None = None,
    ) -> ReceptionList:
        """Daftar penerimaan for a point or a kelurahan (or the whole round)."""
        info = self.round_info(round_id)
        point = self._point_or_none(round_id, point_id)
        ids = self.roster_ids(
            round_id, RosterFilter(point_id=point_id, kelurahan_code=kelurahan_code)
        )
        rows = [
            ListRow(
                no=i,
                name=r.name,
                nik=r.nik or "",
                kk_number=r.kk_number,
                address=r.address,
                rt=r.rt,
                rw=r.rw,
                kelurahan=r.kelurahan,
                status=r.status,
                receipt_number=r.receipt_number,
                collector_name=r.collector_name,
            )
            for i, r in enumerate(self.roster_rows(ids), 1)
        ]
        return ReceptionList(
            round=info,
            point=self.point_info(point),
            kelurahan=self._kelurahan_name(kelurahan_code) if kelurahan_code else None,
            rows=rows,
            totals=self.totals(round_id, point_id, kelurahan_code),
            printed_on=self.ctx.clock.today(),
            officer=self.ctx.actor,
        )

    def _point_or_none(self, round_id: str, point_id: str | None) -> PointView | None:
        return self.get_point(round_id, point_id) if point_id else None

    def bast(
        self, round_id: str, *, point_id: str | None = None, on: date | None = None
    ) -> BastDoc:
        """Berita acara serah terima for a point (or the whole round) with its totals."""
        info = self.round_info(round_id)
        point = self._point_or_none(round_id, point_id)
        totals = self.totals(round_id, point_id)
        office = self.ctx.office
        if point is not None:
            second_name = point.contact_name or "...................................."
            second_title = point.contact_title or (
                "Lurah " + point.kelurahan_names[0]
                if point.kind == "kelurahan" and point.kelurahan_names
                else "Penanggung jawab " + point.name
            )
            suffix = f"{point.no:03d}"
        else:
            second_name = "...................................."
            second_title = "Koordinator penyaluran"
            suffix = "000"
        return BastDoc(
            number=f"BAST/{info.code}/{self._device_prefix()}/{suffix}",
            round=info,
            point=self.point_info(point),
            on=on or self.ctx.clock.today(),
            first_party_name=office.head_name or "....................................",
            first_party_title=office.head_title,
            second_party_name=second_name,
            second_party_title=second_title,
            totals=totals,
            total_quantity=totals.received * info.quantity,
        )

    def card_docs(
        self,
        round_id: str,
        *,
        point_id: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[CardDoc]:
        """Kartu KPM for the round's recipients. Recipients without a card code get one first
        (a logged registry change), so the printed barcode is what the counter will scan."""
        rnd = self.get_round(round_id)
        program = get_program(rnd.program_code)
        if rnd.status == RoundStatus.DRAFT.value:
            with self._conn() as conn:
                people = self._entitled(conn, program.code, program.unit, self.ctx.clock.today())
            if point_id:
                point = self.get_point(round_id, point_id)
                people = [p for p in people if p["kelurahan_code"] in point.kelurahan_codes]
        else:
            flt = RosterFilter(point_id=point_id)
            people = [
                {
                    "household_id": r.household_id,
                    "pid": r.person_id,
                    "name": r.name,
                    "nik": r.nik,
                    "kk_number": r.kk_number,
                    "card_code": r.card_code,
                    "street": None,
                    "rt": r.rt,
                    "rw": r.rw,
                    "address": r.address,
                    "kelurahan_code": r.kelurahan_code,
                    "roster_id": r.id,
                }
                for r in self.roster_rows(self.roster_ids(round_id, flt))
            ]
        if program.unit == Unit.HOUSEHOLD:
            self._assign_cards(rnd.id, people)
        cards = []
        for i, p in enumerate(people, 1):
            kel = p["kelurahan_code"] or ""
            kec = self.ctx.regions.kecamatan_of(kel) if kel else None
            code = p["card_code"] or (p["nik"] or "")
            cards.append(
                CardDoc(
                    card_code=code,
                    name=p["name"] or "",
                    nik=p["nik"] or "",
                    kk_number=p["kk_number"],
                    address=p.get("address") or _address(p["street"], p["rt"], p["rw"]),
                    kelurahan=self._kelurahan_name(kel),
                    kecamatan=kec.name if kec else "",
                    program_name=rnd.program_name,
                )
            )
            if progress and (i % 500 == 0 or i == len(people)):
                progress(i, len(people))
        return cards

    def _assign_cards(self, round_id: str, people: list[dict[str, Any]]) -> None:
        missing = [p for p in people if not p["card_code"] and p["household_id"]]
        if not missing:
            return
        with self.ctx.unit_of_work(source="distribution") as w:
            conn = w.session.connection()
            for p in missing:
                digits = re.sub(r"\D", "", p["kelurahan_code"] or "")[-10:] or "0"
                prefix = f"K{digits}"
                last = conn.execute(
                    text(
                        "SELECT max(card_code) FROM household WHERE card_code LIKE :p "
                        "AND length(card_code) = :n"
                    ),
                    {"p": prefix + "%", "n": len(prefix) + 5},
                ).scalar_one()
                seq = int(last[len(prefix) :]) + 1 if last else 1
                code = f"{prefix}{seq:05d}"
                household = w.session.get(Household, p["household_id"])
                if household is None:
                    continue
                w.update(household, "household", {"card_code": code}, op="card")
                if p.get("roster_id"):
                    entry = w.session.get(RosterEntry, p["roster_id"])
                    if entry is not None:
                        w.update(entry, "distribution_roster", {"card_code": code}, op="card")
                w.session.flush()
                p["card_code"] = code

    def recap(self, round_id: str) -> RecapDoc:
        """Entitled / received / by proxy / absent / refused per kelurahan and point."""
        info = self.round_info(round_id)
        points = {p.id: p.name for p in self.points(round_id)}
        grouped = self._grouped_totals(round_id, group_by="both")
        rows = []
        for key in sorted(grouped, key=lambda k: (self._kelurahan_name(k.split("|")[0]), k)):
            kel, _, point_id = key.partition("|")
            rows.append(
                RecapRow(
                    kelurahan=self._kelurahan_name(kel) or "-",
                    point=points.get(point_id, "(semua titik)"),
                    totals=grouped[key],
                )
            )
        return RecapDoc(
            round=info,
            rows=rows,
            grand_total=self.totals(round_id),
            printed_on=self.ctx.clock.today(),
        )


def parse_collector_relation(raw: str | None) -> str | None:
    if raw is None:
        return None
    key = re.sub(r"[^a-z_]", "", str(raw).lower())
    return _RELATION_SPELLINGS.get(key) or _RELATION_SPELLINGS.get(key.replace("_", ""))
