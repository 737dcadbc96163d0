"""Casework for the office's own programs: Si Hore home care, disability services and children
(anak terlantar, ABH). Import from here: `from desktop_app.services.casework import
CaseworkService`.

Modules, one responsibility each: `messages` (coded refusals `casework.*`), `views` (the frozen
dataclasses handed out), `common` (permission checks, live-case lookup, date/text checks),
`cases`, `assessments`, `plans`, `activities`, `queries`, `sihore`, `disability`,
`children`, and `service`, which assembles them into `CaseworkService`.

Service API (for a GUI tab; `svc = CaseworkService(ctx)`)
--------------------------------------------------------
Permissions: every call needs Permission.CASEWORK, and RESTRICTED_VIEW for the records of a
restricted program (all four casework programs are); refusals are `auth.permission_denied`.
`case_counts()` needs only REPORTS_VIEW (numbers, no names). Opening a case (`get_case` and
every document) is written to the access log (`ctx.log_access("open"|"print"|"export", ...)`).
Dates default to the clock's today; work dates may not precede the case's opening nor lie in
the future. Choices are the keys of the dicts in `desktop_app.domain.casework`
(ASSESSMENT_FIELDS, ACTIVITY_KINDS, REFERRAL_TARGETS, CLOSE_REASONS, SIHORE_SERVICES,
SIHORE_CONDITIONS, DEVICE_KINDS, SPPA_STAGES, PLACEMENTS, GOAL_STATUSES); a form is built from
them (labels included). Every write notifies change subscribers with the entity kinds "case",
"case_assessment", "case_plan", "case_goal", "case_activity", "case_device", "case_stage".

Lists and the "my cases / due this week" screen
    list_cases(CaseFilter(program_code, worker, status="aktif", kelurahan_code, due_by, query,
        limit)) -> list[CaseRow]          (sorted by next due date, then name)
    my_cases(worker=None) -> list[CaseRow]
    due_this_week(today=None, worker=None) -> list[CaseRow]   (overdue included)
    case_counts() -> CaseCounts           (REPORTS_VIEW is enough)
    overdue_visits(today=None) -> list[OverdueVisit]          (Si Hore)
    disability_list(kelurahan_code=None, ragam=None) -> list[DisabilityRow]
    disability_table() -> {kelurahan: {ragam: n}}
A case
    open_case(person_id, program_code, worker=None, opened_on=None, carer=None,
        visit_every_days=None, notes=None) -> case id
    is_enrolled(person_id, program_code) -> bool
    get_case(case_id) -> CaseDetail   (person, record, latest assessment, current plan,
        activities newest first, devices, SPPA stages; logged as "open")
    reassign(case_id, worker); set_follow_up(case_id, on, notes=None)
    close_case(case_id, reason, closed_on=None, note=None)   (then read-only)
    record_assessment(case_id, answers: {field key: value}, assessed_on=None) -> id
        (validated against ASSESSMENT_FIELDS[program]; refusals casework.field_*)
    make_plan(case_id, goals: [GoalInput(text, target_on) | str], made_on=None,
        review_on=None, summary=None) -> plan id
    set_goal_status(goal_id, "berjalan"|"tercapai"|"dibatalkan", on=None)
    add_activity(case_id, kind, done_on=None, notes=None, follow_up_on=None, target=None,
        details=None) -> id   (a follow-up date becomes the case's next due date)
Si Hore
    record_visit(case_id, services=[...], condition, visited_on=None, next_visit_on=None,
        notes=None, carer=None) -> id   (the one-minute visit form)
    set_visit_plan(case_id, carer=..., visit_every_days=...)
    monthly_recap(year, month) -> SihoreRecapDoc; recap_pdf(year, month, path);
    recap_xlsx(year, month, path); visit_card(case_id, year, month) -> VisitCardDoc;
    visit_card_pdf(case_id, year, month, path)
Disability
    request_device(case_id, kind, requested_on=None, spec=None, notes=None) -> id
    hand_over_device(device_id, received_by=None, delivered_on=None) -> receipt number
        (signed with this device's key; also an "aid handed over" activity)
    cancel_device_request(device_id, reason=None); devices(case_id) -> list[DeviceView]
    device_receipt(device_id) -> DeviceReceiptDoc; device_receipt_pdf(device_id, path)
Children
    set_stage(case_id, stage, started_on=None, placement=None, note=None) -> id  (ABH;
        forward only)
    refer(case_id, target, done_on=None, notes=None, follow_up_on=None) -> id
    hearing_summary(case_id) -> HearingSummaryDoc (identity masked);
    hearing_summary_pdf(case_id, path)
Long work (PDF/xlsx) belongs in a GUI worker; every method is safe to call off the GUI thread.
"""

from __future__ import annotations

from desktop_app.services.casework import messages, views
from desktop_app.services.casework.common import CASE_ENTITY
from desktop_app.services.casework.plans import GoalInput
from desktop_app.services.casework.service import CaseworkService
from desktop_app.services.casework.sihore import period_label, write_recap_xlsx
from desktop_app.services.casework.views import *  # noqa: F403

__all__ = [
    *views.__all__,
    "CASE_ENTITY",
    "CaseworkService",
    "GoalInput",
    "messages",
    "period_label",
    "write_recap_xlsx",
]
