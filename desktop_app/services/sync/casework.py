"""Casework on field laptops (issue 15 item 6): what a social worker's checkout carries and what
its return bundle may add.

A laptop checked out for a social worker (`checkout(..., access_role="social_worker",
worker="budi")`) carries the open cases assigned to that worker: the case rows, their persons
(with their households, but no enrolment in a restricted programme), the latest assessment, the
current plan with its goals, the recent activities, the SPPA stages and the assistive devices.
Later office updates follow the cases it holds. A field checkout carries no casework at all.

On return the office holds every casework entry to these rules (`check_casework`, called from
`authority.Authority.check`): the laptop must be checked out for a social worker; it may *add*
activities (visits), assessments, plans and goals to cases checked out to it that are still open
at the office and still assigned to the worker it was checked out for, and move the case's next
due date and last visit with them; closing a case arrives as a proposal
(`sync.rule.case_close_proposal`) a supervisor accepts or rejects; anything else (opening,
reassigning, editing, deleting, stages, devices) is held with a coded reason. The review queues
name the case, and show its content only to a user with RESTRICTED_VIEW (`case_subjects`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from desktop_app.domain.access import Role
from desktop_app.domain.casework import (
    ACTIVITY_KINDS,
    CASEWORK_PROGRAMS,
    CLOSE_REASONS,
    GOAL_STATUSES,
    REFERRAL_TARGETS,
    CaseStatus,
    validate_assessment,
)
from desktop_app.domain.errors import Msg
from desktop_app.services.sync import messages as M
from desktop_app.services.sync.merge import Entry, rows_in
from desktop_app.services.sync.policies import CASEWORK_ENTITIES, POLICIES
from desktop_app.storage.models import Setting

__all__ = [
    "ACTIVITY_DAYS",
    "ADDABLE",
    "CASE_FIELD_WORK",
    "CASEWORK_ENTITIES",
    "CASEWORK_VALUE_RULES",
    "MIN_ACTIVITIES",
    "CHECKOUT_WORKERS_SETTING",
    "RESTRICTED_TEXT",
    "CaseworkAuthority",
    "case_ids_of_rows",
    "case_of",
    "case_subjects",
    "casework_slice",
    "check_casework",
    "checkout_worker",
    "holds_casework",
    "load_casework_authority",
    "may_hold_casework",
    "record_checkout_worker",
]

# A checkout carries the activities of the last ACTIVITY_DAYS days, and at least the newest
# MIN_ACTIVITIES of each case (a case visited rarely still shows its last visits).
ACTIVITY_DAYS = 90
MIN_ACTIVITIES = 5

# Rows a social worker's laptop adds to a case checked out to it.
ADDABLE = frozenset({"case_activity", "case_assessment", "case_plan", "case_goal"})
# Case fields that move with the work a laptop adds (a follow-up date, a Si Hore visit).
CASE_FIELD_WORK = frozenset({"follow_up_on", "last_visit_on"})

# At the office: device id -> the worker its last checkout was for (None: no casework). A
# setting, never synced: the office's own bookkeeping, like the slice.
CHECKOUT_WORKERS_SETTING = "sync_checkout_workers"

_OPEN = CaseStatus.OPEN.value
_CLOSED = CaseStatus.CLOSED.value
_NEW_RECORD = "catatan baru"


def may_hold_casework(checkout_role: str | None) -> bool:
    """Whether a laptop checked out for this access role is sent casework (restricted data)."""
    return checkout_role == Role.SOCIAL_WORKER.value


def _workers(s: Session) -> dict[str, str | None]:
    row = s.get(Setting, CHECKOUT_WORKERS_SETTING)
    try:
        value = json.loads(row.value) if row is not None else {}
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


def checkout_worker(s: Session, device_id: str) -> str | None:
    """The worker the device's last checkout was for (None: not a casework checkout)."""
    worker = _workers(s).get(device_id)
    return worker if isinstance(worker, str) else None


def holds_casework(s: Session, device_id: str) -> bool:
    """Whether the office checked casework out to this device (its slice holds a case row)."""
    sql = text("SELECT 1 FROM sync_slice WHERE device_id = :d AND entity = 'case' LIMIT 1")
    return s.execute(sql, {"d": device_id}).first() is not None


def record_checkout_worker(s: Session, device_id: str, worker: str | None) -> str | None:
    """Remember the worker of a device's checkout; returns the one it replaces."""
    workers = _workers(s)
    before = workers.get(device_id)
    if before == worker:
        return worker  # also: no setting at all while no laptop was checked out for casework
    workers[device_id] = worker
    row = s.get(Setting, CHECKOUT_WORKERS_SETTING) or Setting(
        key=CHECKOUT_WORKERS_SETTING, value="{}"
    )
    row.value = json.dumps(workers, sort_keys=True)
    s.add(row)
    return before if isinstance(before, str) else None


# -- what a checkout carries ----------------------------------------------------------------------
_CASES = text(
    "SELECT id, person_id FROM case_file WHERE worker = :w AND status = :s AND deleted = 0 "
    "ORDER BY opened_on, id"
)


def _newest(s: Session, table: str, order: str, case_ids: Sequence[str]) -> dict[str, str]:
    """The newest live row of `table` per case: case id -> row id."""
    sql = (
        f"SELECT case_id, id FROM {table} WHERE deleted = 0 AND case_id IN ({{ids}}) "
        f"ORDER BY case_id, {order}"
    )
    out: dict[str, str] = {}
    for case_id, row_id in rows_in(s, sql, case_ids):
        out[case_id] = row_id  # ascending order: the last one per case wins
    return out


def casework_slice(s: Session, worker: str, today: date) -> tuple[dict[str, str], list[str]]:
    """The case records a social worker's checkout carries (entity_id -> entity) and the ids
    of the cases' persons (their registry closure is the caller's)."""
    out: dict[str, str] = {}
    persons: list[str] = []
    for case_id, person_id in s.execute(_CASES, {"w": worker, "s": _OPEN}):
        out[case_id] = "case"
        persons.append(person_id)
    cases = sorted(out)
    if not cases:
        return out, persons
    for row_id in _newest(s, "case_assessment", "assessed_on, created_at", cases).values():
        out[row_id] = "case_assessment"
    plans = _newest(s, "case_plan", "made_on, created_at", cases)
    for row_id in plans.values():
        out[row_id] = "case_plan"
    goals = "SELECT id FROM case_goal WHERE deleted = 0 AND plan_id IN ({ids})"
    for (row_id,) in rows_in(s, goals, list(plans.values())):
        out[row_id] = "case_goal"
    since = (today - timedelta(days=ACTIVITY_DAYS)).isoformat()
    activities = (
        "SELECT case_id, id, done_on FROM case_activity WHERE deleted = 0 AND case_id IN ({ids}) "
        "ORDER BY case_id, done_on DESC, created_at DESC"
    )
    kept: dict[str, int] = {}
    for case_id, row_id, done_on in rows_in(s, activities, cases):
        if kept.get(case_id, 0) < MIN_ACTIVITIES or str(done_on) >= since:
            out[row_id] = "case_activity"
            kept[case_id] = kept.get(case_id, 0) + 1
    for table in ("case_stage", "case_device"):
        sql = f"SELECT id FROM {table} WHERE deleted = 0 AND case_id IN ({{ids}})"
        for (row_id,) in rows_in(s, sql, cases):
            out[row_id] = table
    return out, persons


# -- values: the same choices as the casework forms -----------------------------------------------
def _json_object(value: Any) -> bool:
    try:
        return isinstance(value, str) and isinstance(json.loads(value), dict)
    except ValueError:
        return False


# (entity, field) -> (check of a non-empty value, the rule in words); merged into authority's
CASEWORK_VALUE_RULES: dict[tuple[str, str], tuple[Callable[[Any], bool], str]] = {
    ("case", "status"): (lambda v: v in (_OPEN, _CLOSED), "status kasus aktif atau ditutup"),
    ("case", "program_code"): (lambda v: v in CASEWORK_PROGRAMS, "program layanan kasus"),
    ("case", "close_reason"): (lambda v: v in CLOSE_REASONS, "alasan penutupan yang dikenal"),
    ("case_activity", "kind"): (lambda v: v in ACTIVITY_KINDS, "jenis kegiatan yang dikenal"),
    ("case_activity", "target"): (lambda v: v in REFERRAL_TARGETS, "tujuan rujukan yang dikenal"),
    ("case_activity", "details"): (_json_object, "rincian berbentuk objek JSON"),
    ("case_assessment", "answers"): (_json_object, "jawaban berbentuk objek JSON"),
    ("case_goal", "status"): (lambda v: v in GOAL_STATUSES, "status tujuan yang dikenal"),
}


# -- what a return bundle may add -----------------------------------------------------------------
@dataclass
class CaseworkAuthority:
    """What one sender may do with casework at the office, read once per import."""

    allowed: bool = False  # the laptop is checked out for a social worker
    worker: str | None = None  # the worker it was checked out for
    cases: dict[str, str] = field(default_factory=dict)  # case id -> status at the office
    workers: dict[str, str] = field(default_factory=dict)  # case id -> its worker at the office
    programs: dict[str, str] = field(default_factory=dict)  # case id -> its programme


_CHECKOUT_ROLE = text("SELECT checkout_role FROM sync_device WHERE id = :d")


def load_casework_authority(
    s: Session, sender_id: str, entries: Sequence[Entry]
) -> CaseworkAuthority:
    """The role and worker the sender was last checked out for, and the office's status,
    worker and programme of every case these entries name (by id or by `case_id`)."""
    role = s.execute(_CHECKOUT_ROLE, {"d": sender_id}).first()
    out = CaseworkAuthority(
        allowed=may_hold_casework(role[0] if role else None),
        worker=checkout_worker(s, sender_id),
    )
    ids: set[str] = set()
    for e in entries:
        if e.entity not in CASEWORK_ENTITIES:
            continue
        if e.entity == "case":
            ids.add(e.entity_id)
            continue
        try:
            pair = e.fields.get("case_id")
        except ValueError:
            continue
        if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str):
            ids.add(pair[1])
    if ids:
        sql = (
            "SELECT id, status, worker, program_code FROM case_file "
            "WHERE deleted = 0 AND id IN ({ids})"
        )
        for case_id, status, worker, program in rows_in(s, sql, sorted(ids)):
            out.cases[case_id] = status
            out.workers[case_id] = worker
            out.programs[case_id] = program
    return out


def check_casework(
    rules: CaseworkAuthority,
    e: Entry,
    *,
    exists: bool,
    slice_ids: set[str],
    who: dict[str, Any],
    entity: str,
    fields_label: Callable[[Iterable[str]], str],
) -> tuple[Msg, dict[str, Any]] | None:
    """None when a social worker's laptop may make this casework change, else why not."""
    params = {**who, "entity": entity}
    if not rules.allowed:
        return M.RULE_CASEWORK_ROLE, params
    fields = e.fields
    values = {n: pair[1] for n, pair in fields.items()}
    if values.get("deleted"):
        return M.RULE_TOMBSTONE, params
    changed = {n for n in fields if n != "id"}
    if e.entity == "case":
        if not exists:
            return M.RULE_CASE_CHANGE, {**params, "fields": _NEW_RECORD}
        if e.entity_id not in slice_ids:
            return M.RULE_CASE_NOT_CHECKED_OUT, params
        if values.get("status") == _CLOSED:
            reason = str(values.get("close_reason") or "-")
            return M.RULE_CASE_CLOSE_PROPOSAL, {**who, "reason": CLOSE_REASONS.get(reason, reason)}
        other = changed - CASE_FIELD_WORK
        if other:
            return M.RULE_CASE_CHANGE, {**params, "fields": fields_label(other)}
        return _case_open_and_assigned(rules, e.entity_id, params)
    if e.entity not in ADDABLE or not e.is_create or exists:
        what = _NEW_RECORD if e.is_create else fields_label(changed)
        return M.RULE_CASE_CHANGE, {**params, "fields": what}
    case_id = values.get("case_id")
    if not isinstance(case_id, str) or case_id not in slice_ids or case_id not in rules.cases:
        return M.RULE_CASE_NOT_CHECKED_OUT, params
    if e.entity == "case_goal" and values.get("plan_id") not in slice_ids:
        return M.RULE_CASE_NOT_CHECKED_OUT, params
    if e.entity == "case_assessment":
        # The same form rules as at the office (domain.casework.ASSESSMENT_FIELDS).
        answers = json.loads(str(values.get("answers") or "{}"))
        _cleaned, problems = validate_assessment(rules.programs[case_id], answers)
        if problems:
            first = problems[0]
            value = f"{first.label}: {first.value}"[:40]
            return M.RULE_INVALID_VALUE, {
                **params,
                "field": "jawaban asesmen",
                "value": value,
                "rule": first.reason,
            }
    return _case_open_and_assigned(rules, case_id, params)


def _case_open_and_assigned(
    rules: CaseworkAuthority, case_id: str, params: dict[str, Any]
) -> tuple[Msg, dict[str, Any]] | None:
    """Work on a case from the laptop needs the case still open at the office and still
    assigned to the worker the laptop was checked out for."""
    if rules.cases.get(case_id) != _OPEN:
        return M.RULE_CASE_CLOSED, params
    if rules.workers.get(case_id) != rules.worker:
        return M.RULE_CASE_NOT_ASSIGNED, {**params, "worker": rules.workers.get(case_id) or "-"}
    return None


# -- the review queues: whose case, and nothing more without RESTRICTED_VIEW ----------------------
RESTRICTED_TEXT = "data terbatas"


def case_of(e: Entry) -> str | None:
    """The case a casework entry is about (its own id for a case row)."""
    if e.entity == "case":
        return e.entity_id
    try:
        pair = e.fields.get("case_id")
    except ValueError:
        return None
    if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str):
        return pair[1]
    return None


def case_ids_of_rows(s: Session, entity: str, ids: Sequence[str]) -> dict[str, str]:
    """Row id -> case id for existing casework rows (a case is its own case)."""
    if entity == "case":
        return {i: i for i in ids}
    if entity not in CASEWORK_ENTITIES:
        return {}
    table = POLICIES[entity].table.name
    sql = f"SELECT id, case_id FROM {table} WHERE id IN ({{ids}})"
    return {r[0]: r[1] for r in rows_in(s, sql, ids)}


def case_subjects(s: Session, case_ids: Iterable[str], *, reveal: bool) -> dict[str, str]:
    """A label per case for the review queues: the programme and the person's name, or only
    the programme for a user who may not see restricted data."""
    sql = (
        "SELECT c.id, c.program_code, p.name FROM case_file c "
        "LEFT JOIN person p ON p.id = c.person_id WHERE c.id IN ({ids})"
    )
    out: dict[str, str] = {}
    for case_id, program, name in rows_in(s, sql, sorted(set(case_ids))):
        shown = name if reveal and name else RESTRICTED_TEXT
        out[case_id] = f"Kasus {program} ({shown})"
    return out
