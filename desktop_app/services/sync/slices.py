"""Which entities a field device holds (its *slice*) and which change-log entries it is sent.

A checkout hands a laptop a round's roster or some households with everything that belongs to
them (`registry_closure`). Afterwards the office's stream for that laptop carries what is new
about the entities it holds, and grows the slice with children of the entities it serves (a
receipt another laptop made for one of its recipients, a new household member) together with
whatever they refer to.

A device whose role may not hold restricted-programme data (a field laptop: see
`devices.may_hold_restricted`) is never sent an enrolment in a sensitive programme (children in
conflict with the law, neglected children, disability, home care), neither in its checkout nor
later, and nobody joins its slice through one. Casework rows (cases and everything recorded on
them) travel only to a laptop checked out for a social worker (`casework=True`, see casework.py):
its checkout carries the chosen case records, and later updates follow the cases it holds.
Of persons and KPM it is sent only the fields in `FIELD_CARRIED` (`minimal_entries`): the rest
stays at the office.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, bindparam, func, select
from sqlmodel import Session, col

from desktop_app.domain.programs import PROGRAMS
from desktop_app.services.sync.merge import ENTRY_KEYS, POLICIES, Entry, chunks, rows_in
from desktop_app.services.sync.policies import CASEWORK_ENTITIES, canonical_json
from desktop_app.storage.models import (
    ChangeLog,
    Enrolment,
    Household,
    KkHistory,
    Person,
    StatusHistory,
)
from desktop_app.storage.sync_models import SyncBundle, SyncSlice

# SQLModel declares no type for `__table__`; the Core table keeps these statements as they were.
_SLICE: Table = SyncSlice.__table__  # type: ignore[attr-defined]

__all__ = [
    "FIELD_CARRIED",
    "REF_ONLY",
    "carried_fields_text",
    "created_by",
    "entries_for_device",
    "entry_select",
    "minimal_entries",
    "missing_parents",
    "office_only_fields",
    "own_entries",
    "registry_closure",
    "restricted_enrolments",
    "scope_values",
]

REF_ONLY = ":ref"  # a slice row the device holds without serving it (another point)

# Programmes whose enrolments any device may hold. Everything else, including a code this
# version does not know, counts as restricted: a new programme is kept off laptops until it is
# listed here by being in the catalogue as not sensitive.
OPEN_PROGRAMS: tuple[str, ...] = tuple(sorted(c for c, p in PROGRAMS.items() if not p.sensitive))


# Of persons and KPM, the fields a field laptop is sent: what the counter shows, what the proxy
# rules need, what a field role may edit (authority.FIELD_EDITABLE: phone, street, rt, rw,
# kelurahan_code, notes) and the row's bookkeeping. Every other column stays at the office, and a
# column added later stays there too until it is listed here (field -> the word the checkout
# summary uses). A laptop's edit names only the fields it changed and the office merges by field,
# so what stays at the office is never overwritten by a return bundle.
_BOOKKEEPING = ("id", "created_at", "updated_at", "deleted", "hlc")
FIELD_CARRIED: dict[str, dict[str, str]] = {
    "person": {
        "name": "nama",  # shown at the counter; required to store the row
        "nik": "NIK",  # shown; the proxy rules compare collectors' NIKs
        "sex": "jenis kelamin",  # shown beside the name; required to store the row
        # The counter offers members as collectors oldest first; tells namesakes apart.
        "birth_date": "tanggal lahir",
        "household_id": "KPM",  # the proxy rules: same KK, members of the household
        "relation": "hubungan keluarga",  # the head first; the proxy rules
        "status": "status",  # a deceased recipient: only an heir collects
        "status_date": "tanggal status",  # the heir rule's message names the date of death
        "street": "alamat",  # field-editable from here down
        "rt": "RT",
        "rw": "RW",
        "kelurahan_code": "kelurahan",
        "phone": "telepon",
        "notes": "catatan",
    },
    "household": {
        "kk_number": "No. KK",  # shown; the proxy rules (same KK)
        "head_person_id": "kepala keluarga",  # whose name the counter shows for the KPM
        "card_code": "kode kartu",  # what the counter scans
        "street": "alamat",  # field-editable from here down
        "rt": "RT",
        "rw": "RW",
        "kelurahan_code": "kelurahan",
    },
}
# The words for the fields that stay at the office, for the checkout summary.
_OFFICE_ONLY_WORDS = {"birth_place": "tempat lahir"}
_ENTITY_WORDS = {"person": "orang", "household": "KPM"}


def office_only_fields(entity: str) -> tuple[str, ...]:
    """The columns of a person or KPM that a field laptop is not sent (none for other rows)."""
    carried = FIELD_CARRIED.get(entity)
    if carried is None:
        return ()
    return tuple(
        c.name
        for c in POLICIES[entity].table.columns
        if c.name not in carried and c.name not in _BOOKKEEPING
    )


def carried_fields_text() -> str:
    """The checkout summary's line on what a field laptop carries of persons and KPM:
    "orang: nama, NIK, …; KPM: No. KK, …; tidak dibawa: tempat lahir"."""
    parts = [
        f"{_ENTITY_WORDS[entity]}: {', '.join(dict.fromkeys(words.values()))}"
        for entity, words in FIELD_CARRIED.items()
    ]
    left = dict.fromkeys(
        _OFFICE_ONLY_WORDS.get(name, name) for e in FIELD_CARRIED for name in office_only_fields(e)
    )
    if left:
        parts.append(f"tidak dibawa: {', '.join(left)}")
    return "; ".join(parts)


def minimal_entries(entries: Sequence[Entry]) -> list[Entry]:
    """The entries as a field laptop is sent them: of persons and KPM only the carried fields.

    An entry that changed only fields staying at the office is left out. A shortened entry keeps
    its id, clock, device and `prev_hash`; its `hash` is recomputed over what it now says, so the
    laptop holds a consistent entry (the office's own log keeps the original: the bundle's
    signature is what vouches for what the office sent)."""
    out: list[Entry] = []
    for e in entries:
        dropped = office_only_fields(e.entity)
        if not dropped or not any(name in e.fields for name in dropped):
            out.append(e)
            continue
        kept = {k: v for k, v in e.fields.items() if k not in dropped}
        if not kept:
            continue
        short = Entry(**{k: getattr(e, k) for k in ENTRY_KEYS})
        short.changes = canonical_json(kept)
        short.hash = short.computed_hash() if e.hash is not None else None
        out.append(short)
    return out


def restricted_enrolments(s: Session, ids: Sequence[str]) -> set[str]:
    """Which of these ids are enrolments in a restricted (sensitive or unknown) programme."""
    out: set[str] = set()
    for part in chunks(sorted(set(ids))):
        stmt = select(col(Enrolment.id)).where(
            col(Enrolment.id).in_(part), col(Enrolment.program_code).not_in(OPEN_PROGRAMS)
        )
        out.update(row[0] for row in s.execute(stmt))
    return out


def registry_closure(
    s: Session,
    household_ids: Sequence[str],
    person_ids: Sequence[str],
    *,
    restricted: bool = True,
    withheld: set[str] | None = None,
) -> dict[str, str]:
    """Households and persons with everything that belongs to them: members, KK history,
    status history, enrolments; a person brings their household. With `restricted=False`
    enrolments in restricted programmes are left out (their ids go to `withheld`)."""
    out: dict[str, str] = {}
    households = set(household_ids)
    for part in chunks(sorted(set(person_ids))):
        stmt = select(col(Person.id), col(Person.household_id)).where(col(Person.id).in_(part))
        for pid, hid in s.execute(stmt):
            out[pid] = "person"
            if hid:
                households.add(hid)
    for part in chunks(sorted(households)):
        for (hid,) in s.execute(select(col(Household.id)).where(col(Household.id).in_(part))):
            out[hid] = "household"
        members = select(col(Person.id)).where(col(Person.household_id).in_(part))
        for (pid,) in s.execute(members):
            out[pid] = "person"
        kk = select(col(KkHistory.id)).where(col(KkHistory.household_id).in_(part))
        for (kid,) in s.execute(kk):
            out[kid] = "kk_history"
    people = [i for i, e in out.items() if e == "person"]
    holders = [i for i, e in out.items() if e in ("person", "household")]
    for part in chunks(people):
        statuses = select(col(StatusHistory.id)).where(col(StatusHistory.person_id).in_(part))
        for (sid,) in s.execute(statuses):
            out[sid] = "status_history"
    for part in chunks(holders):
        enrolled = select(col(Enrolment.id), col(Enrolment.program_code)).where(
            col(Enrolment.person_id).in_(part) | col(Enrolment.household_id).in_(part)
        )
        for eid, program in s.execute(enrolled):
            if restricted or program in OPEN_PROGRAMS:
                out[eid] = "enrolment"
            elif withheld is not None:
                withheld.add(eid)
    return out


def missing_parents(s: Session, entities: dict[str, str], held: set[str]) -> dict[str, str]:
    """Rows these entities point to by foreign key that the device does not hold yet."""
    by_table = {p.table.name: name for name, p in POLICIES.items()}
    missing: dict[str, str] = {}
    grouped: dict[str, list[str]] = defaultdict(list)
    for entity_id, entity in entities.items():
        if entity in POLICIES:
            grouped[entity].append(entity_id)
    for entity, ids in grouped.items():
        table = POLICIES[entity].table
        links = [
            (fk.parent.name, by_table[fk.column.table.name])
            for fk in table.foreign_keys
            if fk.column.table.name in by_table
        ]
        if not links:
            continue
        stmt = select(*[table.c[c] for c, _ in links]).where(
            table.c.id.in_(bindparam("ids", expanding=True))
        )
        for part in chunks(ids):
            for row in s.execute(stmt, {"ids": list(part)}):
                for (_, parent), value in zip(links, row, strict=True):
                    if value and value not in held:
                        missing[value] = parent
    return missing


def entry_select() -> Any:
    """A select of the change-log columns an `Entry` is built from."""
    return select(*[getattr(ChangeLog, k) for k in ENTRY_KEYS])


def scope_values(s: Session, entries: Sequence[Entry]) -> dict[str, tuple[str, ...]]:
    """Parent ids (household, person, round) of the entities these entries are about."""
    by_entity: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        if e.entity in POLICIES and POLICIES[e.entity].scope:
            by_entity[e.entity].add(e.entity_id)
    out: dict[str, tuple[str, ...]] = {}
    for entity, ids in by_entity.items():
        policy = POLICIES[entity]
        table = policy.table
        cols = [table.c.id, *[table.c[c] for c in policy.scope]]
        stmt = select(*cols).where(table.c.id.in_(bindparam("ids", expanding=True)))
        for part in chunks(sorted(ids)):
            for row in s.execute(stmt, {"ids": list(part)}):
                out[row[0]] = tuple(v for v in row[1:] if v)
    return out


def created_by(s: Session, device_id: str, ids: Sequence[str]) -> set[str]:
    """Which of these entities the device itself recorded changes for."""
    sql = "SELECT DISTINCT entity_id FROM change_log WHERE device_id = ? AND entity_id IN ({ids})"
    return {r[0] for r in rows_in(s, sql, ids, (device_id,))}


def own_entries(s: Session, device_id: str, after_seq: int) -> list[Entry]:
    """A laptop's stream: only its own entries; what it received from the office stays."""
    stmt = (
        entry_select()
        .where(
            col(ChangeLog.seq) > after_seq,
            ChangeLog.device_id == device_id,
            col(ChangeLog.entity).in_(list(POLICIES)),
        )
        .order_by(col(ChangeLog.seq))
    )
    # Local bookkeeping (settings, device registrations) stays on the device.
    return [Entry.from_row(r) for r in s.execute(stmt)]


def _casework_before_checkout(s: Session, device_id: str, after_seq: int) -> set[str]:
    """Ids of casework change-log entries after `after_seq` that were already in the office's
    log when it last made a checkout for the device."""
    floor = s.execute(
        select(func.max(col(SyncBundle.seq_to))).where(
            col(SyncBundle.direction) == "out",
            col(SyncBundle.kind) == "checkout",
            col(SyncBundle.to_device) == device_id,
        )
    ).scalar_one()
    if not floor or floor <= after_seq:
        return set()
    stmt = select(col(ChangeLog.id)).where(
        col(ChangeLog.seq) > after_seq,
        col(ChangeLog.seq) <= floor,
        col(ChangeLog.entity).in_(sorted(CASEWORK_ENTITIES)),
    )
    return {row[0] for row in s.execute(stmt)}


def entries_for_device(
    s: Session,
    device_id: str,
    after_seq: int,
    new_slice: dict[str, str] | None,
    *,
    restricted: bool = True,
    casework: bool = False,
) -> list[Entry]:
    """The office's stream for one field device: what it does not have yet, limited to the
    entities it holds. Children of the entities it serves (a receipt another laptop made for
    one of its recipients, a new member of one of its households) join its slice, together
    with whatever they refer to, so the device can always store what it is sent. Without
    `restricted`, enrolments in restricted programmes are never sent (not even ones a slice
    recorded before this rule). Without `casework` no casework row is ever sent; with it, a
    checkout (`new_slice`) carries only the case records chosen for it, not a case's whole
    history, and later updates follow the cases the device holds."""
    slice_rows = {
        row[0]: row[1]
        for row in s.execute(
            select(col(SyncSlice.entity_id), col(SyncSlice.entity)).where(
                col(SyncSlice.device_id) == device_id
            )
        )
    }
    held = set(slice_rows)
    roots = {i for i, e in slice_rows.items() if not e.endswith(REF_ONLY)}
    added: dict[str, str] = {
        i: e
        for i, e in (new_slice or {}).items()
        if i not in held and (casework or e not in CASEWORK_ENTITIES)
    }
    for i, kind in (new_slice or {}).items():
        if i in held and slice_rows[i].endswith(REF_ONLY) and not kind.endswith(REF_ONLY):
            # A point held for its name becomes one the device serves.
            s.execute(
                _SLICE.update()
                .where(_SLICE.c.device_id == device_id, _SLICE.c.entity_id == i)
                .values(entity=kind)
            )
            roots.add(i)
    held.update(added)
    roots.update(i for i, e in added.items() if not e.endswith(REF_ONLY))
    stmt = (
        entry_select()
        .where(col(ChangeLog.seq) > after_seq, col(ChangeLog.device_id) != device_id)
        .order_by(col(ChangeLog.seq))
    )
    candidates = [Entry.from_row(r) for r in s.execute(stmt)]
    # Casework history from before the device's last checkout stays at the office: that checkout
    # chose what the device holds (recent activities), later updates add what is new.
    before_checkout = (
        _casework_before_checkout(s, device_id, after_seq)
        if casework and new_slice is None
        else set()
    )
    if not casework:
        candidates = [e for e in candidates if e.entity not in CASEWORK_ENTITIES]
    elif new_slice is not None:
        # A checkout carries the case records chosen for it, not a case's whole history.
        candidates = [
            e for e in candidates if e.entity not in CASEWORK_ENTITIES or e.entity_id in held
        ]
    if not restricted:
        hidden = restricted_enrolments(
            s, [e.entity_id for e in candidates if e.entity == "enrolment"]
        )
        candidates = [e for e in candidates if e.entity_id not in hidden]
    # What the device created itself it holds too (not recorded at import: that would cost
    # a slice row per receipt on the office's hot path).
    unknown = {e.entity_id for e in candidates if e.entity_id not in held}
    scope_rows = scope_values(s, [e for e in candidates if e.entity_id in unknown])
    parents = {p for values in scope_rows.values() for p in values if p not in held}
    own = created_by(s, device_id, sorted(unknown | parents))
    held.update(own)
    roots.update(own)
    grown: dict[str, str] = {}
    chosen: dict[str, Entry] = {}
    for e in candidates:
        if e.entity not in POLICIES:
            continue
        if e.entity_id not in held:
            if e.id in before_checkout:
                continue
            if not any(p in roots for p in scope_rows.get(e.entity_id, ())):
                continue
            held.add(e.entity_id)
            roots.add(e.entity_id)
            grown[e.entity_id] = e.entity
        chosen[e.id] = e
    # Whatever the new entities refer to (a household, a person) must travel with them.
    missing = missing_parents(s, grown, held)
    while missing:
        closure = registry_closure(
            s,
            [i for i, e in missing.items() if e == "household"],
            [i for i, e in missing.items() if e == "person"],
            restricted=restricted,
        )
        closure.update({i: e for i, e in missing.items() if e not in ("household", "person")})
        new = {i: e for i, e in closure.items() if i not in held}
        held.update(new)
        roots.update(new)
        grown.update(new)
        missing = missing_parents(s, new, held)
    added.update(grown)
    # Everything ever recorded about entities new to the device, whatever their seq.
    for part in chunks(sorted(added)):
        stmt = entry_select().where(
            col(ChangeLog.entity_id).in_(part),
            col(ChangeLog.device_id) != device_id,
        )
        for row in s.execute(stmt):
            chosen.setdefault(row.id, Entry.from_row(row))
    if not casework:
        chosen = {i: e for i, e in chosen.items() if e.entity not in CASEWORK_ENTITIES}
    if not restricted:
        hidden = restricted_enrolments(
            s, [e.entity_id for e in chosen.values() if e.entity == "enrolment"]
        )
        chosen = {i: e for i, e in chosen.items() if e.entity_id not in hidden}
        added = {i: e for i, e in added.items() if i not in hidden}
        # A field laptop also gets only the carried fields of persons and KPM.
        chosen = {e.id: e for e in minimal_entries(list(chosen.values()))}
    if added:
        s.execute(
            _SLICE.insert(),
            [{"device_id": device_id, "entity_id": i, "entity": e} for i, e in added.items()],
        )
    return sorted(chosen.values(), key=lambda e: (e.hlc, e.id))
