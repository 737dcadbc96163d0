"""The review queues of sync: conflicting values for a supervisor to decide, and changes held in
quarantine because their sender's clock was implausibly far ahead. Both decisions are logged
changes that travel to every device."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlmodel import Session, col

from desktop_app.domain.access import Permission
from desktop_app.domain.clock import Timestamp
from desktop_app.domain.errors import all_messages
from desktop_app.services.context import ServiceError, UnitOfWork
from desktop_app.services.sync import messages as M
from desktop_app.services.sync.access import DECIDE, READ_QUEUES, SYNC, requires
from desktop_app.services.sync.apply import held_entities
from desktop_app.services.sync.base import SyncBase
from desktop_app.services.sync.casework import (
    CASEWORK_ENTITIES,
    RESTRICTED_TEXT,
    case_ids_of_rows,
    case_of,
    case_subjects,
)
from desktop_app.services.sync.merge import (
    POLICIES,
    RESOLVE_OP,
    Entry,
    Merger,
    chunks,
    known_change_ids,
)
from desktop_app.services.sync.records import open_conflict_count, wall_ms
from desktop_app.services.sync.status import device_names
from desktop_app.services.sync.views import (
    ENTITY_LABELS,
    FIELD_LABELS,
    CandidateView,
    ConflictView,
    QuarantineView,
    value_text,
)
from desktop_app.storage.models import Enrolment, Household, Person
from desktop_app.storage.sync_models import SyncBundle, SyncConflict, SyncQuarantine

__all__ = ["SyncReview", "reason_of", "reason_text"]


class SyncReview(SyncBase):
    """Conflicts and quarantine; `SyncService` is the public face."""

    # -- conflicts -----------------------------------------------------------------------------
    @requires(READ_QUEUES)
    def conflicts(self, *, open_only: bool = True) -> list[ConflictView]:
        with self.ctx.db.session() as s:
            stmt = select(SyncConflict)
            if open_only:
                stmt = stmt.where(col(SyncConflict.open) == True)  # noqa: E712
            rows = [
                r[0]
                for r in s.execute(
                    stmt.order_by(col(SyncConflict.kind), col(SyncConflict.detected_at))
                )
            ]
            names = device_names(s)
            subjects = _subjects(s, [(r.entity, r.entity_id) for r in rows])
            reveal = self.ctx.can(Permission.RESTRICTED_VIEW)
            for entity in {r.entity for r in rows} & CASEWORK_ENTITIES:
                cases = case_ids_of_rows(
                    s, entity, [r.entity_id for r in rows if r.entity == entity]
                )
                labels = case_subjects(s, cases.values(), reveal=reveal)
                subjects.update({i: labels[c] for i, c in cases.items() if c in labels})
            views = []
            for r in rows:
                hidden = r.entity in CASEWORK_ENTITIES and not reveal
                current = self._current_value(s, r.entity, r.entity_id, r.field.split(","))
                views.append(
                    ConflictView(
                        id=r.id,
                        entity=r.entity,
                        entity_id=r.entity_id,
                        subject=subjects.get(r.entity_id, r.entity_id[:8]),
                        field=r.field,
                        field_label=FIELD_LABELS.get(r.field, r.field),
                        kind=r.kind,
                        base_text=RESTRICTED_TEXT if hidden else value_text(json.loads(r.base)),
                        current_text=RESTRICTED_TEXT if hidden else value_text(current),
                        candidates=[
                            CandidateView(
                                value=None if hidden else c["value"],
                                text=RESTRICTED_TEXT if hidden else value_text(c["value"]),
                                device_id=c["device_id"],
                                device_name=names.get(c["device_id"], c["device_id"][:8]),
                                actor=c["actor"],
                                at=c["at"][:19].replace("T", " "),
                                applied=c["applied"],
                            )
                            for c in json.loads(r.candidates)
                        ],
                        open=r.open,
                        detected_at=r.detected_at,
                    )
                )
            return views

    def _current_value(self, s: Session, entity: str, entity_id: str, unit: list[str]) -> Any:
        if entity not in POLICIES:
            return None
        table = POLICIES[entity].table
        row = s.execute(select(table).where(table.c.id == entity_id)).first()
        if row is None:
            return None
        values = [_jsonable(row._mapping[f]) for f in unit]
        return values[0] if len(unit) == 1 else dict(zip(unit, values, strict=True))

    @requires(SYNC)
    def resolve_conflict(self, conflict_id: str, choice: int, note: str | None = None) -> None:
        """A supervisor's decision: the chosen candidate's value, written as a logged `resolve`
        change that every device will receive and that closes the conflict everywhere."""
        with self.ctx.unit_of_work(source=note or "keputusan supervisor") as w:
            s = w.session
            row = s.get(SyncConflict, conflict_id)
            if row is None:
                raise ServiceError(M.CONFLICT_NOT_FOUND)
            if not row.open:
                raise ServiceError(M.CONFLICT_DECIDED)
            candidates = json.loads(row.candidates)
            if not 0 <= choice < len(candidates):
                raise ServiceError(M.CONFLICT_NO_SUCH_CHOICE)
            unit = row.field.split(",")
            chosen = candidates[choice]["value"]
            chosen_values = chosen if len(unit) > 1 else {unit[0]: chosen}
            current = self._current_value(s, row.entity, row.entity_id, unit)
            current_values = current if len(unit) > 1 else {unit[0]: current}
            w.log(
                row.entity,
                row.entity_id,
                RESOLVE_OP,
                {f: [current_values.get(f), chosen_values.get(f)] for f in unit},
            )
            s.flush()
            Merger(s, w.now()).refold(row.entity, [row.entity_id])

    @requires(SYNC)
    def rebuild_conflicts(self) -> int:
        """Re-derive every entity's row and conflicts from the log (after an upgrade, or to
        compare databases); returns the number of open conflicts."""
        with self.ctx.unit_of_work() as w:
            s = w.session
            rows = s.execute(
                text(
                    "SELECT entity, entity_id FROM change_log GROUP BY entity, entity_id "
                    "HAVING count(*) > 1"
                )
            ).all()
            by_entity: dict[str, list[str]] = defaultdict(list)
            for entity, entity_id in rows:
                if entity in POLICIES:
                    by_entity[entity].append(entity_id)
            merger = Merger(s, w.now())
            for entity, ids in by_entity.items():
                merger.refold(entity, ids)
            return open_conflict_count(s)

    # -- quarantine ----------------------------------------------------------------------------
    @requires(READ_QUEUES)
    def quarantine(self) -> list[QuarantineView]:
        with self.ctx.db.session() as s:
            names = device_names(s)
            rows = [
                r[0] for r in s.execute(select(SyncQuarantine).order_by(col(SyncQuarantine.hlc)))
            ]
            # What still waits for a decision first.
            rows.sort(key=lambda r: r.status != "held")
            entries = [Entry.from_wire(json.loads(r.entry)) for r in rows]
            subjects = _subjects(s, [(e.entity, e.entity_id) for e in entries])
            # Casework: whose case, and its content only for a user who may see restricted data.
            reveal = self.ctx.can(Permission.RESTRICTED_VIEW)
            cases = {e.id: case_of(e) for e in entries if e.entity in CASEWORK_ENTITIES}
            labels = case_subjects(s, [c for c in cases.values() if c], reveal=reveal)
            out = []
            for r, e in zip(rows, entries, strict=True):
                summary = "; ".join(
                    f"{FIELD_LABELS.get(k, k)}: {value_text(v[1])}"
                    for k, v in e.fields.items()
                    if k != "id"
                )
                if e.id in cases:
                    subjects[e.entity_id] = labels.get(cases[e.id] or "", RESTRICTED_TEXT)
                    summary = summary if reveal else RESTRICTED_TEXT
                out.append(
                    QuarantineView(
                        change_id=r.change_id,
                        device_name=names.get(r.device_id, r.device_id[:8]),
                        entity=e.entity,
                        entity_label=ENTITY_LABELS.get(e.entity, e.entity),
                        entity_id=e.entity_id,
                        subject=subjects.get(e.entity_id, e.entity_id[:8]),
                        summary=summary,
                        stamped_at=datetime.fromtimestamp(wall_ms(r.hlc) / 1000, UTC),
                        reason=reason_text(r.reason),
                        reason_code=reason_of(r.reason)[0],
                        reason_params=reason_of(r.reason)[1],
                        bundle_id=r.bundle_id,
                        status=r.status,
                    )
                )
            return out

    @requires(DECIDE)
    def decide_quarantine(self, change_id: str, release: bool) -> None:
        """Accept (`release`) or reject a held change, together with the changes recorded with
        it in one action on the sender (its batch: a death and its status history).

        Held for a wrong clock: accepting records the change again now, with this device's
        clock. Held by an authority rule: accepting merges the change as it was made (the
        sender holds it too, so every device converges). Rejecting a laptop's own edit of a
        row records the office's value back as a decision that travels to the laptop, so the
        laptop returns to it; anything else rejected is simply not applied.
        """
        with self.ctx.unit_of_work(source="karantina") as w:
            s = w.session
            row = s.get(SyncQuarantine, change_id)
            if row is None or row.status != "held":
                raise ServiceError(M.QUARANTINE_NOT_FOUND)
            rows = _with_batch(s, row)
            entries = [Entry.from_wire(json.loads(r.entry)) for r in rows]
            code = reason_of(row.reason)[0]
            if release and code in _CLOCK_CODES:
                self._rerecord(w, entries)
            elif release:
                self._accept(w, entries)
            else:
                bundle = s.get(SyncBundle, row.bundle_id)
                self._reject(w, entries, bundle.from_device if bundle is not None else None)
            for r in rows:
                r.status = "released" if release else "discarded"
                r.decided_at = w.now()
                r.decided_by = self.ctx.actor
                s.add(r)
                w.log(
                    "sync_quarantine",
                    r.change_id,
                    "release" if release else "discard",
                    {"status": ["held", r.status]},
                )

    def _rerecord(self, w: UnitOfWork, entries: Sequence[Entry]) -> None:
        s = w.session
        for e in entries:
            if e.entity not in POLICIES:
                continue
            current = self._current_value(s, e.entity, e.entity_id, list(e.fields))
            values = current if isinstance(current, dict) else {}
            if len(e.fields) == 1 and not isinstance(current, dict):
                values = {next(iter(e.fields)): current}
            changes = {
                f: [None if e.is_create else values.get(f), v[1]] for f, v in e.fields.items()
            }
            w.log(e.entity, e.entity_id, e.op, changes)
            s.flush()
            Merger(s, w.now()).refold(e.entity, [e.entity_id])

    def _accept(self, w: UnitOfWork, entries: Sequence[Entry]) -> None:
        """Merge the entries as they were made, as an import would have."""
        s = w.session
        fresh = [
            e for e in entries if e.entity in POLICIES and e.id not in known_change_ids(s, [e.id])
        ]
        accepting = {e.entity_id for e in fresh if e.is_create}
        waiting = held_entities(s) - accepting
        for e in fresh:
            table = POLICIES[e.entity].table
            for fk in table.foreign_keys:
                name = fk.parent.name
                if name in e.fields and e.fields[name][1] in waiting:
                    raise ServiceError(M.QUARANTINE_PARENT_HELD)
            if e.entity == "distribution_receipt" and "number" in e.fields:
                number = e.fields["number"][1]
                taken = s.execute(
                    text("SELECT 1 FROM distribution_receipt WHERE number = :n"), {"n": number}
                ).first()
                if taken is not None:
                    raise ServiceError(M.QUARANTINE_NUMBER_TAKEN, number=number)
        if not fresh:
            return
        merger = Merger(s, w.now())
        merged = merger.apply(fresh)
        for entity, touched in merged.touched.items():
            w.record(entity, touched)
        merger.store(fresh)
        newest = max(Timestamp.decode(e.hlc) for e in fresh)
        w.last_stamp = self.ctx.hlc.observe(newest)

    def _reject(self, w: UnitOfWork, entries: Sequence[Entry], sender: str | None) -> None:
        """A laptop's own edit of a row is kept in the log and answered with the office's
        value; other rejected entries are not applied."""
        s = w.session
        revertible = [
            e
            for e in entries
            if e.entity in POLICIES
            and not POLICIES[e.entity].facts
            and e.device_id == sender
            and not e.is_create
            and e.id not in known_change_ids(s, [e.id])
        ]
        if not revertible:
            return
        keep: dict[str, dict[str, Any]] = {}
        for e in revertible:
            names = [f for f in e.fields if f != "id"]
            current = self._current_value(s, e.entity, e.entity_id, names)
            keep[e.id] = current if len(names) > 1 else {names[0]: current}
        self._accept(w, revertible)
        s.flush()
        for e in revertible:
            back = keep[e.id]
            w.log(
                e.entity,
                e.entity_id,
                RESOLVE_OP,
                {f: [pair[1], back.get(f)] for f, pair in e.fields.items() if f != "id"},
            )
            s.flush()
            Merger(s, w.now()).refold(e.entity, [e.entity_id])


# Held for a wrong clock: accepted, the change is recorded again with this device's clock.
_CLOCK_CODES = frozenset(
    {"", M.RULE_CLOCK_FAR_AHEAD.code, M.RULE_CLOCK_AHEAD.code, M.RULE_CLOCK_AHEAD_BUNDLE.code}
)


def reason_of(stored: str) -> tuple[str, dict[str, Any]]:
    """The code and parameters of a quarantine reason; a reason stored as plain text (before
    reasons were coded: a far-future stamp) has the empty code."""
    if stored.startswith("{"):
        try:
            data = json.loads(stored)
            return str(data["code"]), dict(data.get("params") or {})
        except (ValueError, KeyError, TypeError):
            pass
    return "", {}


def reason_text(stored: str, lang: str = "id") -> str:
    code, params = reason_of(stored)
    msg = all_messages().get(code)
    return msg.text(lang, **params) if msg is not None else stored


def _with_batch(s: Session, row: SyncQuarantine) -> list[SyncQuarantine]:
    """The held row and the other held changes of the same bundle and batch."""
    batch = json.loads(row.entry).get("batch_id")
    if not batch:
        return [row]
    stmt = select(SyncQuarantine).where(
        col(SyncQuarantine.bundle_id) == row.bundle_id, col(SyncQuarantine.status) == "held"
    )
    out = [
        r[0]
        for r in s.execute(stmt)
        if r[0].change_id == row.change_id or json.loads(r[0].entry).get("batch_id") == batch
    ]
    return sorted(out, key=lambda r: (r.hlc, r.change_id))


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _subjects(s: Session, keys: Sequence[tuple[str, str]]) -> dict[str, str]:
    """A human label for each entity in the conflict list."""
    out: dict[str, str] = {}
    persons = [i for e, i in keys if e == "person"]
    households = [i for e, i in keys if e == "household"]
    enrolments = [i for e, i in keys if e == "enrolment"]
    for part in chunks(persons):
        for pid, name, nik in s.execute(
            select(col(Person.id), col(Person.name), col(Person.nik)).where(
                col(Person.id).in_(part)
            )
        ):
            out[pid] = f"{name} ({nik or 'tanpa NIK'})"
    # Households and enrolments: their own code, then the linked person's name when there is one.
    linked = (
        (households, Household.id, Household.kk_number, Household.head_person_id, "KK {}", " ({})"),
        (enrolments, Enrolment.id, Enrolment.program_code, Enrolment.person_id, "{}", " — {}"),
    )
    for ids, id_col, code_col, person_col, label, with_name in linked:
        for part in chunks(ids):
            stmt = (
                select(col(id_col), col(code_col), col(Person.name))
                .join(Person, col(Person.id) == col(person_col), isouter=True)
                .where(col(id_col).in_(part))
            )
            for rid, code, name in s.execute(stmt):
                out[rid] = label.format(code) + (with_name.format(name) if name else "")
    return out
