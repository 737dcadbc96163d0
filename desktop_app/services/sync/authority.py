"""What a sender may change: the authority rules every entry of an imported bundle is held to.

A field laptop can be lost, borrowed or misused, so the office does not apply whatever its
validly signed bundle says. Each new entry is checked against what the sending laptop may do
(its role and its checkout) before it is merged; an entry that breaks a rule is held in
quarantine with a coded reason, the rest of the bundle applies, and the laptop's later bundles
keep flowing. The office's own bundles to a laptop are held to the office's authority (no
entries in the laptop's name it never made, valid values, sane clocks).

`Authority` is read once per import (a few set-based queries); `Authority.check(entry)` is then a
pure function of the entry, cheap enough for the 8,000 receipts of a return bundle.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer
from sqlmodel import Session

from desktop_app.domain.errors import Msg, Refusal
from desktop_app.domain.receipts import parse_receipt_number
from desktop_app.domain.status import PersonStatus, Relation
from desktop_app.domain.values import as_date, as_utc
from desktop_app.services.sync import messages as M
from desktop_app.services.sync.casework import (
    CASEWORK_ENTITIES,
    CASEWORK_VALUE_RULES,
    CaseworkAuthority,
    check_casework,
    load_casework_authority,
)
from desktop_app.services.sync.devices import ROLE_FIELD
from desktop_app.services.sync.merge import POLICIES, Entry, driver_rows, tuples_in
from desktop_app.services.sync.records import wall_ms
from desktop_app.services.sync.views import ENTITY_LABELS, FIELD_LABELS

__all__ = [
    "CLOCK_TOLERANCE_MS",
    "FIELD_EDITABLE",
    "Authority",
    "Violation",
    "hold_dependents",
    "load_authority",
    "validate_values",
]

# How far an entry may be stamped ahead of its bundle's creation or of the office's clock: a
# laptop's clock drifts a few minutes; more than that would let a wrong clock win
# last-writer-wins, so such entries are held.
CLOCK_TOLERANCE_MS = 10 * 60 * 1000

REGISTRY = frozenset({"household", "person", "kk_history", "status_history", "enrolment"})
# Registry rows a laptop only proposes (every one of them is a critical fact).
PROPOSED_ENTITIES = frozenset({"kk_history", "status_history", "enrolment"})
# What a laptop changes itself: contact, address, RT/RW and notes.
FIELD_EDITABLE = frozenset({"phone", "street", "rt", "rw", "kelurahan_code", "notes"})
# Critical facts: identity, KK, membership, head, status. From a laptop they are proposals.
CRITICAL_FIELDS = frozenset(
    {"nik", "kk_number", "household_id", "relation", "head_person_id", "status", "status_date"}
)
OFFICE_ONLY = frozenset(
    {
        "distribution_round",
        "distribution_point",
        "distribution_assignment",
        "distribution_roster",
        "distribution_roster_change",
    }
)
COUNTER_FACTS = frozenset({"distribution_receipt", "distribution_mark"})
# Facts that name a receipt (whose device the rules compare with the sender's).
_NAMES_RECEIPT = frozenset({"distribution_receipt_void", "distribution_collector_correction"})
_READS_FIELDS = COUNTER_FACTS | _NAMES_RECEIPT  # entries load_authority reads values of
MARK_KINDS = frozenset({"tidak_hadir", "ditolak"})
COLLECTOR_RELATIONS = frozenset({"same_kk", "surat_kuasa", "ahli_waris"})
_STATUSES = frozenset(s.value for s in PersonStatus)
_RELATIONS = frozenset(r.value for r in Relation)


@dataclass(frozen=True)
class Violation:
    """Why an entry is held: a coded message and its parameters."""

    msg: Msg
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> str:
        return json.dumps({"code": self.msg.code, "params": self.params}, ensure_ascii=False)


@dataclass(frozen=True)
class _Round:
    code: str
    status: str
    opened_ms: int | None
    closed_ms: int | None


def _ms(value: Any) -> int | None:
    at = as_utc(value)
    return int(at.timestamp() * 1000) if at is not None else None


def _label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity)


# One label per field, also for the fields decided together ("status,status_date": "Status").
_FIELD_WORDS: dict[str, str] = {}
for _key, _word in FIELD_LABELS.items():
    for _part in _key.split(","):
        _FIELD_WORDS.setdefault(_part, _word)
NEW_RECORD = "catatan baru"  # the proposal is a whole new row (a KK, a status, an enrolment)


def _fields_label(names: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(_FIELD_WORDS.get(n, n) for n in sorted(names)))


# -- values: the same rules as the GUI and the spreadsheet import ---------------------------------
def _digits(value: Any, length: int) -> bool:
    return isinstance(value, str) and len(value) == length and value.isascii() and value.isdigit()


def _rt(value: Any) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= 3 and value.isascii() and value.isdigit()


# The value rule and the prefix rule both read a receipt number: parse each one once.
_parse_number = functools.lru_cache(maxsize=32768)(parse_receipt_number)

_PERSON_STATUS: tuple[Callable[[Any], bool], str] = (
    lambda v: v in _STATUSES,
    "status aktif, meninggal, pindah atau keluar",
)
# field -> (check of a non-empty value, the rule in words)
_VALUE_RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "sex": (lambda v: v in ("L", "P"), "jenis kelamin L atau P"),
    "relation": (lambda v: v in _RELATIONS, "hubungan keluarga menurut KK"),
    "nik": (lambda v: _digits(v, 16), "NIK 16 angka"),
    "kk_number": (lambda v: _digits(v, 16), "No. KK 16 angka"),
    "collector_nik": (lambda v: _digits(v, 16), "NIK 16 angka"),
    "rt": (_rt, "RT 1-3 angka"),
    "rw": (_rt, "RW 1-3 angka"),
    "name": (lambda v: isinstance(v, str) and bool(v.strip()), "nama tidak boleh kosong"),
    "collector_relation": (lambda v: v in COLLECTOR_RELATIONS, "hubungan pengambil yang dikenal"),
}
_ENTITY_VALUE_RULES: dict[tuple[str, str], tuple[Callable[[Any], bool], str]] = {
    ("distribution_mark", "kind"): (lambda v: v in MARK_KINDS, "tidak_hadir atau ditolak"),
    ("distribution_receipt", "number"): (
        lambda v: isinstance(v, str) and _parse_number(v) is not None,
        "nomor tanda terima",
    ),
    ("person", "status"): _PERSON_STATUS,
    ("status_history", "status"): _PERSON_STATUS,
    ("distribution_round", "status"): (
        lambda v: v in ("draft", "open", "closed"),
        "status putaran draft, open atau closed",
    ),
    **CASEWORK_VALUE_RULES,
}


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_datetime(value: Any) -> bool:
    try:
        return isinstance(value, str) and as_utc(value) is not None
    except ValueError:
        return False


def _is_date(value: Any) -> bool:
    try:
        return isinstance(value, str) and as_date(value) is not None
    except ValueError:
        return False


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool) or value in (0, 1)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _type_check(column: Any) -> Callable[[Any], bool]:
    """Whether a value can be stored in the column without the merge failing."""
    kind = getattr(column.type, "impl", column.type)
    for sql_type, check in (
        (DateTime, _is_datetime),
        (Date, _is_date),
        (Boolean, _is_bool),
        (Integer, _is_int),
        (Float, _is_number),
    ):
        if isinstance(kind, sql_type):
            return check
    return _is_str


# entity -> column -> (type check, nullable, domain rule or None); built once, the hot loop of a
# large import. A text column's type check is None: `isinstance(value, str)` inline.
# The last item says whether the column is one of _CHECKED_AGAINST (checked against the
# regions or today's date), so the loop compares names only for those.
_Rule = tuple[Callable[[Any], bool], str]
_Column = tuple[Callable[[Any], bool] | None, bool, _Rule | None, bool]
_COLUMNS: dict[str, dict[str, _Column]] = {}
_CHECKED_AGAINST = frozenset({"kelurahan_code", "birth_date"})


def _columns(entity: str) -> dict[str, _Column]:
    if entity not in _COLUMNS:
        compiled: dict[str, _Column] = {}
        for c in POLICIES[entity].table.columns:
            check = _type_check(c)
            rule = _ENTITY_VALUE_RULES.get((entity, c.name)) or _VALUE_RULES.get(c.name)
            compiled[c.name] = (
                None if check is _is_str else check,
                bool(c.nullable),
                rule,
                c.name in _CHECKED_AGAINST,
            )
        _COLUMNS[entity] = compiled
    return _COLUMNS[entity]


def validate_values(
    entity: str,
    changes: dict[str, Any],
    *,
    known_region: Callable[[str], bool],
    today: date,
) -> tuple[str, Any, str] | None:
    """The first value of these changes that breaks a domain rule: (field, value, rule), or
    None. `changes` must already have the `{field: [before, after]}` shape."""
    columns = _columns(entity)
    for name, pair in changes.items():
        value = pair[1]
        column = columns.get(name)
        if column is None:
            return name, value, "kolom tidak dikenal"
        type_check, nullable, rule, checked_against = column
        if value is None:
            if not nullable and name != "id":
                return name, value, "wajib diisi"
            continue
        if not (isinstance(value, str) if type_check is None else type_check(value)):
            return name, value, "jenis nilai salah"
        if rule is not None and not rule[0](value):
            return name, value, rule[1]
        if not checked_against:
            continue
        if name == "kelurahan_code" and not known_region(value):
            return name, value, "kode kelurahan tidak dikenal"
        if name == "birth_date" and (as_date(value) or today) > today:
            return name, value, "tanggal lahir di masa depan"
    return None


def _malformed(e: Entry) -> str | None:
    """The first field whose change is not a [before, after] pair, or '' when `changes` itself
    is unusable; None when the shape is right."""
    try:
        fields = e.fields
    except ValueError:
        return ""
    if not isinstance(fields, dict):
        return ""
    for name, pair in fields.items():
        if not isinstance(pair, list) or len(pair) != 2:
            return str(name)
    return None


@dataclass
class Authority:
    """What one sender may do at this receiver, read once per import."""

    receiver_id: str
    receiver_is_office: bool
    sender_id: str
    sender_name: str
    created_ms: int  # the bundle's creation (its HLC's wall time)
    now_ms: int  # the receiver's clock
    known_region: Callable[[str], bool]
    today: date
    slice_ids: set[str] = field(default_factory=set)  # what the laptop holds (and serves)
    served_roster: set[str] = field(default_factory=set)  # roster entries of its points
    existing: dict[str, set[str]] = field(default_factory=dict)  # entity -> ids present here
    rosters: dict[str, str] = field(default_factory=dict)  # roster id -> round id
    rounds: dict[str, _Round] = field(default_factory=dict)
    receipt_device: dict[str, str] = field(default_factory=dict)  # receipt id -> device id
    served_points: set[str] = field(default_factory=set)  # points of its checked-out roster
    numbers: set[str] = field(default_factory=set)  # receipt numbers in use here
    shapes: dict[str, str | None] = field(default_factory=dict)  # entry id -> _malformed()
    # Why a receipt's own signature does not hold (services.signing), or None; unset: unchecked.
    receipt_signature: Callable[[Mapping[str, Any]], Refusal | None] | None = None
    # Receipt entries whose signature was found valid beforehand (checked in bulk), or is taken
    # as valid while that check still runs; `relied_on`: those the rules let through that way.
    signed_receipts: set[str] = field(default_factory=set)
    relied_on: set[str] = field(default_factory=set)
    casework: CaseworkAuthority = field(default_factory=CaseworkAuthority)

    # -- the rules -------------------------------------------------------------------------------
    def check(self, e: Entry) -> Violation | None:
        """None when the sender may make this change here, else why not."""
        who = {"device": self.sender_name}
        if e.entity not in POLICIES:
            return Violation(M.RULE_NOT_SYNCED, {**who, "entity": e.entity})
        entity = _label(e.entity)
        bad = self.shapes[e.id] if e.id in self.shapes else _malformed(e)
        if bad is not None:
            return Violation(M.RULE_MALFORMED, {**who, "entity": entity, "field": bad or "-"})
        stamp = wall_ms(e.hlc)
        if stamp > self.created_ms + CLOCK_TOLERANCE_MS:
            ahead = (stamp - self.created_ms) // 60_000
            return Violation(M.RULE_CLOCK_AHEAD_BUNDLE, {**who, "ahead": ahead})
        if self.receiver_is_office and stamp > self.now_ms + CLOCK_TOLERANCE_MS:
            return Violation(M.RULE_CLOCK_AHEAD, {**who, "ahead": (stamp - self.now_ms) // 60_000})
        invalid = validate_values(
            e.entity, e.fields, known_region=self.known_region, today=self.today
        )
        if invalid is not None:
            name, value, rule = invalid
            params = {"field": _FIELD_WORDS.get(name, name), "value": str(value)[:40]}
            return Violation(
                M.RULE_INVALID_VALUE, {**who, "entity": entity, **params, "rule": rule}
            )
        if not self.receiver_is_office:
            # From the office: it relays every device's changes, but never one in our name.
            if e.device_id == self.receiver_id:
                return Violation(M.RULE_FORGED_OWN, who)
            return None
        if e.device_id != self.sender_id:
            return Violation(M.RULE_OTHER_ORIGIN, {**who, "origin": e.device_id[:8]})
        if e.entity in REGISTRY:
            return self._registry(e, who, entity)
        if e.entity in CASEWORK_ENTITIES:
            held = check_casework(
                self.casework,
                e,
                exists=self._exists(e),
                slice_ids=self.slice_ids,
                who=who,
                entity=entity,
                fields_label=_fields_label,
            )
            return Violation(*held) if held is not None else None
        if e.entity in OFFICE_ONLY:
            return Violation(M.RULE_OFFICE_ONLY, {**who, "entity": entity})
        if e.entity == "double_claim_decision":
            return Violation(M.RULE_DECISION_OFFICE_ONLY, who)
        return self._counter(e, who, entity)

    def _exists(self, e: Entry) -> bool:
        return e.entity_id in self.existing.get(e.entity, set())

    def _registry(self, e: Entry, who: dict[str, Any], entity: str) -> Violation | None:
        fields = e.fields
        # Every field an entry names is written by the fold (whatever its "before" says).
        changed = {n for n in fields if n != "id"}
        if "deleted" in fields and fields["deleted"][1]:
            return Violation(M.RULE_TOMBSTONE, {**who, "entity": entity})
        existing = self._exists(e)
        if existing and e.entity_id not in self.slice_ids:
            return Violation(M.RULE_OUTSIDE_SLICE, {**who, "entity": entity})
        if not existing:
            # A new row: its parents must be the laptop's (a new member of a KPM it holds).
            policy = POLICIES[e.entity]
            parents = [fields[c][1] for c in policy.scope if c in fields and fields[c][1]]
            if any(p not in self.slice_ids for p in parents):
                return Violation(M.RULE_OUTSIDE_SLICE, {**who, "entity": entity})
        if e.entity in PROPOSED_ENTITIES or e.entity == "household" and not existing:
            return Violation(M.RULE_PROPOSAL, {**who, "entity": entity, "fields": NEW_RECORD})
        if not existing:
            # A new person with no critical facts yet (a baby, before joining a KPM) is plain
            # field work; one arriving with a NIK or a KPM is proposed.
            critical = {
                n
                for n in changed & CRITICAL_FIELDS
                if fields[n][1] not in (None, "", PersonStatus.AKTIF.value)
                or n == "status"
                and fields[n][1] is None
            }
            if critical:
                return Violation(
                    M.RULE_PROPOSAL, {**who, "entity": entity, "fields": _fields_label(critical)}
                )
            return None
        critical = changed & CRITICAL_FIELDS
        if critical:
            return Violation(
                M.RULE_PROPOSAL, {**who, "entity": entity, "fields": _fields_label(critical)}
            )
        other = changed - FIELD_EDITABLE
        if other:
            return Violation(
                M.RULE_FIELD_NOT_ALLOWED, {**who, "entity": entity, "fields": _fields_label(other)}
            )
        return None

    def _counter(self, e: Entry, who: dict[str, Any], entity: str) -> Violation | None:
        """Receipts, marks and voids: new facts by this laptop, for its own recipients."""
        if not e.is_create or self._exists(e):
            return Violation(M.RULE_FACT_REWRITE, {**who, "entity": entity})
        values = e.values
        if values.get("device_id") not in (None, self.sender_id):
            return Violation(M.RULE_OTHER_ORIGIN, {**who, "origin": str(values["device_id"])[:8]})
        if e.entity == "distribution_receipt_void":
            if self.receipt_device.get(str(values.get("receipt_id"))) != self.sender_id:
                return Violation(M.RULE_VOID_NOT_OWN, who)
            return None
        if e.entity == "distribution_collector_correction":
            # Who collected is corrected by the device that recorded the receipt (same day);
            # another device's receipt is a matter for the office.
            if self.receipt_device.get(str(values.get("receipt_id"))) != self.sender_id:
                return Violation(M.RULE_CORRECTION_NOT_OWN, who)
            return None
        if e.entity == "distribution_bast":
            return self._bast(values, who)
        roster = str(values.get("roster_id"))
        if roster not in self.served_roster or self.rosters.get(roster) != values.get("round_id"):
            return Violation(M.RULE_ROSTER_NOT_SERVED, {**who, "entity": entity})
        rnd = self.rounds[self.rosters[roster]]
        stamp = wall_ms(e.hlc)
        if (
            rnd.opened_ms is None
            or stamp < rnd.opened_ms - CLOCK_TOLERANCE_MS
            or rnd.status != "open"
            and (rnd.closed_ms is None or stamp > rnd.closed_ms)
        ):
            when = datetime.fromtimestamp(stamp / 1000).strftime("%d-%m-%Y %H:%M")
            return Violation(
                M.RULE_ROUND_NOT_OPEN, {**who, "entity": entity, "round": rnd.code, "when": when}
            )
        if e.entity == "distribution_receipt":
            number = str(values.get("number"))
            parsed = _parse_number(number)
            if (
                parsed is None
                or parsed.round_code != rnd.code
                or parsed.device != self.sender_name
                or values.get("device_name") not in (None, self.sender_name)
            ):
                prefix = f"{rnd.code}-{self.sender_name}-"
                return Violation(M.RULE_RECEIPT_PREFIX, {**who, "number": number, "prefix": prefix})
            if number in self.numbers:
                return Violation(M.RULE_RECEIPT_DUPLICATE, {**who, "number": number})
            if e.id in self.signed_receipts:
                self.relied_on.add(e.id)
            elif self.receipt_signature is not None:
                # A receipt is a signed fact: a forged or altered one waits for the office.
                problem = self.receipt_signature(values)
                if problem is not None:
                    return Violation(problem.msg, dict(problem.params))
        return None

    def _bast(self, values: dict[str, Any], who: dict[str, Any]) -> Violation | None:
        """A BAST a laptop issued: for a point checked out to it, numbered with its own name."""
        if values.get("point_id") not in self.served_points:
            return Violation(M.RULE_BAST_POINT_NOT_SERVED, who)
        number = str(values.get("number"))
        parts = number.split("/")
        if (
            len(parts) != 4
            or parts[0] != "BAST"
            or parts[2] != self.sender_name
            or values.get("device_name") not in (None, self.sender_name)
        ):
            prefix = f"BAST/…/{self.sender_name}/"
            return Violation(M.RULE_BAST_PREFIX, {**who, "number": number, "prefix": prefix})
        return None

    def admit(self, e: Entry) -> None:
        """An entry passed: what it creates counts for the entries after it (a void of a receipt
        made in the same bundle, a member added to a person created in it)."""
        if not self.receiver_is_office or not e.is_create:
            return
        self.slice_ids.add(e.entity_id)
        if e.entity == "distribution_receipt":
            self.receipt_device[e.entity_id] = self.sender_id
            self.numbers.add(str(e.fields["number"][1]))


# -- reading what the rules need ----------------------------------------------------------------
def load_authority(
    s: Session,
    *,
    receiver_id: str,
    receiver_role: str,
    sender_id: str,
    sender_name: str,
    created_hlc: str,
    now_ms: int,
    entries: Sequence[Entry],
    known_region: Callable[[str], bool],
    today: date,
) -> Authority:
    auth = Authority(
        receiver_id=receiver_id,
        receiver_is_office=receiver_role != ROLE_FIELD,
        sender_id=sender_id,
        sender_name=sender_name,
        created_ms=wall_ms(created_hlc) or now_ms,
        now_ms=now_ms,
        known_region=known_region,
        today=today,
    )
    auth.shapes = {e.id: _malformed(e) for e in entries}
    if not auth.receiver_is_office:
        return auth
    # The whole slice (tens of thousands of rows for a city's round) in one driver fetch; a
    # bundle of counter work only (receipts, marks) needs just the roster entries it serves.
    slice_sql = "SELECT entity_id, entity FROM sync_slice WHERE device_id = ?"
    if not any(e.entity in REGISTRY or e.entity in CASEWORK_ENTITIES for e in entries):
        slice_sql += " AND entity = 'distribution_roster'"
    for entity_id, entity in driver_rows(s, slice_sql, (sender_id,)):
        if entity.endswith(":ref"):
            continue
        auth.slice_ids.add(entity_id)
        if entity == "distribution_roster":
            auth.served_roster.add(entity_id)
    # One pass over the entries for every id the queries below read (8,000 receipts: each
    # pass of its own cost about 5 ms).
    by_entity: dict[str, set[str]] = {}
    rosters: set[str] = set()  # of counter facts
    numbers: list[str] = []  # of receipts
    voided: set[str] = set()  # receipts named by voids and corrections
    for e in entries:
        entity = e.entity
        if entity not in POLICIES:
            continue
        by_entity.setdefault(entity, set()).add(e.entity_id)
        if entity not in _READS_FIELDS or not _ok_shape(e, auth.shapes):
            continue
        fields = e.fields
        if entity in COUNTER_FACTS:
            rosters.add(str(fields.get("roster_id", [None, None])[1]))
        if entity == "distribution_receipt" and "number" in fields:
            numbers.append(str(fields["number"][1]))
        elif entity in _NAMES_RECEIPT and "receipt_id" in fields:
            voided.add(str(fields["receipt_id"][1]))
    for entity, ids in by_entity.items():
        table = POLICIES[entity].table.name
        auth.existing[entity] = {
            r[0] for r in tuples_in(s, f"SELECT id FROM {table} WHERE id IN ({{ids}})", ids)
        }
    # Rows the laptop created itself are its own to edit (a baby registered in the field).
    outside = [
        i
        for entity, ids in by_entity.items()
        if entity in REGISTRY
        for i in ids
        if i not in auth.slice_ids
    ]
    sql = "SELECT DISTINCT entity_id FROM change_log WHERE device_id = ? AND entity_id IN ({ids})"
    auth.slice_ids.update(r[0] for r in tuples_in(s, sql, outside, (sender_id,)))
    auth.rosters = {
        r[0]: r[1]
        for r in tuples_in(
            s, "SELECT id, round_id FROM distribution_roster WHERE id IN ({ids})", rosters
        )
    }
    for rid, code, status, opened, closed in s.connection().exec_driver_sql(
        "SELECT id, code, status, opened_at, closed_at FROM distribution_round"
    ):
        auth.rounds[rid] = _Round(code, status, _ms(opened), _ms(closed))
    auth.numbers = {
        r[0]
        for r in tuples_in(
            s, "SELECT number FROM distribution_receipt WHERE number IN ({ids})", numbers
        )
    }
    if any(e.entity == "distribution_bast" for e in entries):
        auth.served_points = {
            str(r[0])
            for r in tuples_in(
                s,
                "SELECT DISTINCT point_id FROM distribution_roster WHERE id IN ({ids})",
                auth.served_roster,
            )
            if r[0] is not None
        }
    auth.casework = load_casework_authority(s, sender_id, entries)
    auth.receipt_device = {
        r[0]: r[1]
        for r in tuples_in(
            s, "SELECT id, device_id FROM distribution_receipt WHERE id IN ({ids})", voided
        )
    }
    return auth


def _ok_shape(e: Entry, shapes: dict[str, str | None] | None = None) -> bool:
    return (shapes[e.id] if shapes and e.id in shapes else _malformed(e)) is None


def hold_dependents(passed: list[Entry], held_ids: set[str]) -> tuple[list[Entry], list[Entry]]:
    """Split `passed` into entries that may apply and entries that refer (by a foreign key in
    their values) to a row whose creation is held: those wait with it, so one held entry never
    makes the whole bundle fail on a missing parent."""
    held_ids = set(held_ids)
    if not held_ids:
        return passed, []
    waiting: list[Entry] = []
    remaining = passed
    while True:
        keep: list[Entry] = []
        moved = False
        for e in remaining:
            table = POLICIES[e.entity].table if e.entity in POLICIES else None
            refs = (
                [fk.parent.name for fk in table.foreign_keys if fk.parent.name in e.fields]
                if table is not None
                else []
            )
            if any(e.fields[c][1] in held_ids for c in refs):
                waiting.append(e)
                if e.is_create:
                    held_ids.add(e.entity_id)
                moved = True
            else:
                keep.append(e)
        remaining = keep
        if not moved:
            return remaining, waiting
