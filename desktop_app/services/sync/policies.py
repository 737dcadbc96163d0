"""What syncs and how: each synced entity's merge policy, and the change-log entry as it
travels between devices. The merge engine (merge.py) folds entries by these policies."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table
from sqlmodel import SQLModel

from desktop_app.domain.values import as_utc
from desktop_app.storage import chain
from desktop_app.storage.casework_models import (
    CaseActivity,
    CaseAssessment,
    CaseDevice,
    CaseFile,
    CaseGoal,
    CasePlan,
    CaseStage,
)
from desktop_app.storage.distribution_models import (
    BastIssue,
    CollectionMark,
    CollectorCorrection,
    DistributionAssignment,
    DistributionPoint,
    DistributionRound,
    Receipt,
    ReceiptVoid,
    RosterChange,
    RosterEntry,
)
from desktop_app.storage.models import (
    Enrolment,
    Household,
    KkHistory,
    Person,
    StatusHistory,
)
from desktop_app.storage.sync_models import DoubleClaimDecision

__all__ = [
    "CASEWORK_ENTITIES",
    "CHUNK",
    "DEATH",
    "ENTRY_KEYS",
    "POLICIES",
    "RESOLVE_OP",
    "EntityPolicy",
    "Entry",
    "canonical_json",
    "register_policy",
    "table_order",
]

DEATH = "meninggal"
CHUNK = 2000  # ids per IN (...) list; SQLite allows 32766 parameters
# An entry's fields on the wire: the hashed ones, then the hash chain (storage/chain.py):
# entries travel with their sender's hashes.
ENTRY_KEYS = (*chain.CHAIN_FIELDS, "prev_hash", "hash")
RESOLVE_OP = "resolve"


@dataclass(frozen=True)
class EntityPolicy:
    """How one synced table merges.

    `critical`: fields whose concurrent edits need a supervisor. `units`: fields decided
    together. `scope`: columns naming a parent entity, so a field device that holds the parent
    also receives the child (a new member of a household it serves). `facts`: rows are
    append-only (receipts); an update to them is still folded, but they never conflict.
    """

    model: type[SQLModel]
    critical: frozenset[str] = frozenset()
    units: tuple[tuple[str, ...], ...] = ()
    sticky_death: bool = False
    scope: tuple[str, ...] = ()
    facts: bool = False

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[attr-defined]

    def unit_of(self, name: str) -> tuple[str, ...]:
        for unit in self.units:
            if name in unit:
                return unit
        return (name,)


POLICIES: dict[str, EntityPolicy] = {
    "household": EntityPolicy(
        Household,
        critical=frozenset({"kk_number", "head_person_id"}),
        units=(("street", "rt", "rw", "kelurahan_code"),),
    ),
    "person": EntityPolicy(
        Person,
        critical=frozenset({"nik", "status", "status_date", "household_id"}),
        units=(("status", "status_date"), ("household_id", "relation")),
        sticky_death=True,
        scope=("household_id",),
    ),
    "kk_history": EntityPolicy(KkHistory, scope=("household_id",)),
    "status_history": EntityPolicy(StatusHistory, scope=("person_id",), facts=True),
    "enrolment": EntityPolicy(
        Enrolment,
        critical=frozenset(
            {"end_date", "end_reason", "deleted", "program_code", "start_date", "details"}
        ),
        units=(("end_date", "end_reason"),),
        scope=("person_id", "household_id"),
    ),
    # Distribution: the round and its points are plain records; the roster is frozen but a clerk
    # may remove a recipient (critical); receipts, voids, marks and decisions are facts merged as
    # a set. Scopes follow the roster so a laptop receives only its points' recipients.
    "distribution_round": EntityPolicy(DistributionRound, critical=frozenset({"status"})),
    "distribution_point": EntityPolicy(DistributionPoint, scope=("round_id",)),
    "distribution_assignment": EntityPolicy(
        DistributionAssignment, scope=("point_id",), facts=True
    ),
    "distribution_roster": EntityPolicy(
        RosterEntry, critical=frozenset({"active"}), scope=("point_id",)
    ),
    "distribution_roster_change": EntityPolicy(RosterChange, scope=("roster_id",), facts=True),
    "distribution_receipt": EntityPolicy(Receipt, scope=("roster_id",), facts=True),
    "distribution_receipt_void": EntityPolicy(ReceiptVoid, scope=("receipt_id",), facts=True),
    "distribution_mark": EntityPolicy(CollectionMark, scope=("roster_id",), facts=True),
    "double_claim_decision": EntityPolicy(DoubleClaimDecision, scope=("roster_id",), facts=True),
    # Who collected, corrected on the receipt's day: a fact beside the receipt, like a void.
    "distribution_collector_correction": EntityPolicy(
        CollectorCorrection, scope=("receipt_id",), facts=True
    ),
    # An issued BAST is a fact: the register travels so the office sees every number a laptop
    # printed (numbers carry the device prefix, so two laptops never mint the same one).
    "distribution_bast": EntityPolicy(BastIssue, scope=("point_id",), facts=True),
    # Casework (restricted programmes): travels only to a laptop checked out for a social worker
    # (slices.py, authority.py). A case has no scope, so nobody's slice grows into another
    # worker's case; its children follow the case a laptop holds. Who works the case and its
    # closing are decided together and by the office (critical).
    "case": EntityPolicy(
        CaseFile,
        critical=frozenset(
            {"person_id", "program_code", "worker", "status", "closed_on", "close_reason"}
        ),
        units=(("status", "closed_on", "close_reason", "close_note"),),
    ),
    "case_assessment": EntityPolicy(CaseAssessment, scope=("case_id",), facts=True),
    "case_plan": EntityPolicy(CasePlan, scope=("case_id",)),
    "case_goal": EntityPolicy(CaseGoal, scope=("case_id",)),
    "case_activity": EntityPolicy(CaseActivity, scope=("case_id",), facts=True),
    "case_stage": EntityPolicy(CaseStage, scope=("case_id",), facts=True),
    "case_device": EntityPolicy(CaseDevice, scope=("case_id",)),
}

# The casework entities (as the change log names them): restricted data, never on a field laptop.
CASEWORK_ENTITIES: frozenset[str] = frozenset(
    {
        "case",
        "case_assessment",
        "case_plan",
        "case_goal",
        "case_activity",
        "case_stage",
        "case_device",
    }
)


def register_policy(entity: str, policy: EntityPolicy) -> None:
    """Feature areas add their synced tables (e.g. distribution receipts) here."""
    POLICIES[entity] = policy


def table_order() -> list[str]:
    """Entities in foreign-key order (parents first), for inserts."""
    order = {t.name: i for i, t in enumerate(SQLModel.metadata.sorted_tables)}
    return sorted(POLICIES, key=lambda e: order.get(POLICIES[e].table.name, 0))


# -- entries ------------------------------------------------------------------------------------
@dataclass
class Entry:
    """One change-log entry as it travels: `changes` stays the exact JSON text it was logged as."""

    id: str
    hlc: str
    device_id: str
    actor: str
    at: str
    entity: str
    entity_id: str
    op: str
    changes: str
    source: str | None = None
    batch_id: str | None = None
    prev_hash: str | None = None
    hash: str | None = None
    _parsed: dict[str, list[Any]] | None = field(default=None, repr=False, compare=False)
    _values: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    # (`at` as given, `at` as stored): made once for the chain hash and the change-log row.
    _stored_at: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def fields(self) -> dict[str, list[Any]]:
        if self._parsed is None:
            self._parsed = json.loads(self.changes)
        return self._parsed

    @property
    def values(self) -> dict[str, Any]:
        """Each field's new value (`{field: after}`), made once: the signature check, the rules
        and the merge all read a receipt's values. Read-only. Raises like indexing the pairs
        when an entry is malformed (a pair that is not a list of two). Made again when `fields`
        is (whoever changes `changes` resets `_parsed`)."""
        if self._values is None or self._parsed is None:
            self._values = {n: pair[1] for n, pair in self.fields.items()}
        return self._values

    @property
    def stored_at(self) -> str:
        """`at` as the change log stores and hashes it (chain.canonical_at: UTC,
        "YYYY-MM-DD HH:MM:SS.ffffff"), made once per entry."""
        cached = self._stored_at
        if cached is not None and cached[0] is self.at:
            return cached[1]
        stored = chain.canonical_at(self.at)
        self._stored_at = (self.at, stored)
        return stored

    def computed_hash(self) -> str:
        """The chain hash its fields and `prev_hash` give; equal to `hash` unless altered.
        The same text as `chain.entry_hash` (a test holds them together), without its per-call
        encoder set-up and time parsing: an import hashes every entry of a bundle."""
        return hashlib.sha256(
            _CHAIN_JSON(
                [
                    self.id,
                    self.hlc,
                    self.device_id,
                    self.actor,
                    self.stored_at,
                    self.entity,
                    self.entity_id,
                    self.op,
                    self.changes,
                    self.source,
                    self.batch_id,
                    self.prev_hash or chain.GENESIS,
                ]
            ).encode("utf-8")
        ).hexdigest()

    @property
    def is_create(self) -> bool:
        return "id" in self.fields

    def to_wire(self) -> dict[str, Any]:
        """The entry for a bundle. `changes` travels as an object when re-serialising it gives
        back exactly the logged text (one JSON parse on import instead of two), otherwise as
        that text."""
        wire = {k: getattr(self, k) for k in ENTRY_KEYS}
        if canonical_json(self.fields) == self.changes:
            wire["changes"] = self.fields
        return wire

    def to_row(self) -> dict[str, Any]:
        row = {k: getattr(self, k) for k in ENTRY_KEYS}
        # Datetime columns hold aware UTC values; a value logged without a zone is UTC.
        row["at"] = as_utc(self.at)
        return row

    @classmethod
    def from_wire(cls, data: Any) -> Entry:
        if not isinstance(data, dict):
            raise ValueError("entry is not an object")
        changes: Any = data.get("changes")
        parsed = None
        if isinstance(changes, dict):
            parsed, changes = changes, canonical_json(changes)
        # Unchecked values (a bundle is anyone's bytes until the checks below).
        get: Callable[[str], Any] = data.get
        entry = cls(
            get("id"),
            get("hlc"),
            get("device_id"),
            get("actor"),
            get("at"),
            get("entity"),
            get("entity_id"),
            get("op"),
            changes,
            get("source"),
            get("batch_id"),
            get("prev_hash"),
            get("hash"),
            parsed,
        )
        for value in (entry.id, entry.hlc, entry.device_id, entry.actor, entry.at, entry.entity):
            if not isinstance(value, str) or not value:
                raise ValueError("entry field missing")
        if not isinstance(entry.entity_id, str) or not isinstance(entry.op, str):
            raise ValueError("entry field missing")
        if not isinstance(entry.changes, str) or not isinstance(entry.fields, dict):
            raise ValueError("entry changes must be a JSON object")
        for digest in (entry.prev_hash, entry.hash):
            if digest is not None and not isinstance(digest, str):
                raise ValueError("entry hash must be text")
        datetime.fromisoformat(entry.at)  # a time, so its stored form may be cut from the text
        entry._stored_at = (entry.at, _stored_form(entry.at))
        return entry

    @classmethod
    def from_row(cls, row: Any) -> Entry:
        at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(str(row.at))
        return cls(
            id=row.id,
            hlc=row.hlc,
            device_id=row.device_id,
            actor=row.actor,
            at=at.isoformat(),
            entity=row.entity,
            entity_id=row.entity_id,
            op=row.op,
            changes=row.changes,
            source=row.source,
            batch_id=row.batch_id,
            prev_hash=getattr(row, "prev_hash", None),
            hash=getattr(row, "hash", None),
        )


def _one_shot(encoder: json.JSONEncoder) -> Callable[[Any], str]:
    """`encoder.encode` without the set-up it repeats on every call (json.dumps with options
    even builds a new encoder per call): the json module's C encoder, made once with the same
    options. It skips the circular-reference check: what it encodes was parsed from JSON or built
    by a unit of work, never a cycle (one would end in RecursionError instead of ValueError)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None or encoder.indent is not None:  # pragma: no cover - CPython has it
        return encoder.encode
    escape = (
        json.encoder.encode_basestring_ascii
        if encoder.ensure_ascii
        else json.encoder.encode_basestring
    )
    call = make(
        None,
        encoder.default,
        escape,
        None,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )
    return lambda value: "".join(call(value, 0))


# The text the unit of work writes (json.dumps(changes, ensure_ascii=False, sort_keys=True)).
_CANONICAL = _one_shot(json.JSONEncoder(ensure_ascii=False, sort_keys=True))


def canonical_json(value: Any) -> str:
    """How the unit of work and bulk inserts write `changes`."""
    return _CANONICAL(value)


# The chain's encoding of an entry (chain.row_hash: a compact JSON array), set up once.
_CHAIN_JSON = _one_shot(json.JSONEncoder(ensure_ascii=False, separators=(",", ":")))
# The ISO text of a UTC time with microseconds, from year 1000 (canonical_at's strftime does
# not pad earlier years): its stored form is its date and its time of day.
_UTC_ISO = re.compile(
    r"([1-9][0-9]{3}-[0-9]{2}-[0-9]{2})T([0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6})\+00:00"
)


def _stored_form(at: str) -> str:
    """`chain.canonical_at(at)` of a text `datetime.fromisoformat` accepted; the ISO text a
    bundle carries from a UTC clock ("2026-12-05T20:27:42.017403+00:00") is cut straight from
    the text instead of parsed again."""
    utc = _UTC_ISO.fullmatch(at)
    if utc is not None:
        return f"{utc[1]} {utc[2]}"
    return chain.canonical_at(at)
