"""Restricted records (issue 12 item 3): persons in the children's programs are counts only for
roles without RESTRICTED_VIEW, restricted enrolments are hidden from them, and every opening or
printing of a restricted record is in the access log (never with a NIK)."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.domain.access import Actor, Role
from desktop_app.services.access import (
    MASKED_NAME,
    AccessLogService,
    restricted_person_ids,
)
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.registry import PersonFilter, PersonInput, RegistryService
from desktop_app.services.training import TrainingInput, TrainingService

FIELD = Actor("budi", "Budi Lapangan", Role.FIELD)
OPERATOR = Actor("ani", "Ani Operator", Role.OPERATOR)
WORKER = Actor("sri", "Sri Pekerja Sosial", Role.SOCIAL_WORKER)
ADMIN = Actor("admin", "Admin", Role.ADMIN)

CHILD_NIK = "3572015203150001"


@pytest.fixture
def people(ctx: AppContext) -> dict[str, str]:
    """As the system (no accounts yet): a child in ABH, an adult with a disability, a
    neighbour in no restricted program; all named "Wulandari" so one search finds all."""
    reg = RegistryService(ctx)
    child = reg.create_person(
        PersonInput(
            name="Putri Wulandari", sex="P", nik=CHILD_NIK, birth_date=date(2015, 3, 12)
        )
    )
    reg.enrol("ABH", person_id=child, details={"role": "korban"})
    adult = reg.create_person(
        PersonInput(name="Sari Wulandari", sex="P", birth_date=date(1980, 1, 1))
    )
    reg.enrol("DISABILITAS", person_id=adult, details={"ragam": ["fisik"]})
    other = reg.create_person(
        PersonInput(
            name="Dewi Wulandari", sex="P", nik="3572014505850002", birth_date=date(1985, 5, 5)
        )
    )
    reg.enrol("RAPELAN", person_id=other)
    return {"child": child, "adult": adult, "other": other}


def test_the_restricted_set_follows_enrolments(ctx: AppContext, people: dict[str, str]) -> None:
    assert restricted_person_ids(ctx) == {people["child"]}
    enrolment = RegistryService(ctx).person_detail(people["child"]).enrolments[0]
    RegistryService(ctx).leave_program(enrolment.id, date(2026, 11, 20), "selesai pendampingan")
    assert restricted_person_ids(ctx) == frozenset()


def test_a_field_officer_finds_counts_only(ctx: AppContext, people: dict[str, str]) -> None:
    ctx.set_user(FIELD)
    reg = RegistryService(ctx)
    for query in ("Wulandari", "Putri", CHILD_NIK):
        page = reg.search_page(PersonFilter(query=query))
        assert people["child"] not in {r.id for r in page.rows}
        assert reg.count_hidden(PersonFilter(query=query)) == 1
    assert reg.count_persons(PersonFilter(query="Wulandari")) == 2
    listed = reg.person_rows(reg.person_ids(PersonFilter()))
    assert people["child"] not in {r.id for r in listed}
    assert reg.find_person_by_nik(CHILD_NIK) is None
    assert all("Disabilitas" not in r.programs for r in listed)
    # Nothing is hidden from someone allowed to see it.
    ctx.set_user(WORKER)
    page = RegistryService(ctx).search_page(PersonFilter(query="Wulandari"))
    assert people["child"] in {r.id for r in page.rows}
    assert RegistryService(ctx).count_hidden(PersonFilter(query="Wulandari")) == 0


def test_opening_a_restricted_record_is_refused_and_logged(
    ctx: AppContext, people: dict[str, str]
) -> None:
    ctx.set_user(FIELD)
    reg = RegistryService(ctx)
    for open_it in (reg.person_detail, reg.get_person, reg.history):
        with pytest.raises(ServiceError) as exc:
            open_it(people["child"])
        assert exc.value.code == "auth.restricted_record"
        assert exc.value.message and exc.value.render("en")
    ctx.set_user(WORKER)
    detail = RegistryService(ctx).person_detail(people["child"])
    assert detail.record.input.name == "Putri Wulandari"
    ctx.set_user(ADMIN)
    entries = AccessLogService(ctx).entries()
    assert [e.action for e in entries][:4] == ["open", "denied", "denied", "denied"]
    assert {e.entity_id for e in entries} == {people["child"]}
    assert entries[0].username == "sri" and entries[-1].username == "budi"
    assert all(CHILD_NIK not in f"{e.detail}{e.actor}" for e in entries)


def test_an_editor_without_restricted_view_cannot_change_a_restricted_record(
    ctx: AppContext, people: dict[str, str]
) -> None:
    ctx.set_user(OPERATOR)
    reg = RegistryService(ctx)
    with pytest.raises(ServiceError) as exc:
        reg.update_person(people["child"], PersonInput(name="Putri W", sex="P"))
    assert exc.value.code == "auth.restricted_record"
    with pytest.raises(ServiceError) as exc:
        reg.enrol("DISABILITAS", person_id=people["other"], details={"ragam": ["fisik"]})
    assert exc.value.code == "auth.permission_denied"
    # Typing a restricted child's NIK warns of the duplicate without naming the child.
    issues = reg.check_person(PersonInput(name="Anak Baru", sex="P", nik=CHILD_NIK))
    duplicate = next(i for i in issues if i.code == "dup.nik")
    assert "Putri" not in duplicate.message and MASKED_NAME in duplicate.message


def test_restricted_enrolments_are_hidden_from_a_persons_detail(
    ctx: AppContext, people: dict[str, str]
) -> None:
    ctx.set_user(FIELD)
    detail = RegistryService(ctx).person_detail(people["adult"])
    assert detail.record.input.name == "Sari Wulandari"  # the person stays visible
    assert detail.enrolments == [] and detail.hidden_enrolments == 1
    ctx.set_user(WORKER)
    detail = RegistryService(ctx).person_detail(people["adult"])
    assert [e.program_code for e in detail.enrolments] == ["DISABILITAS"]
    assert detail.enrolments[0].details == {"ragam": ["fisik"]}
    assert detail.hidden_enrolments == 0


def test_training_lists_and_printouts_never_name_a_restricted_child(
    ctx: AppContext, people: dict[str, str]
) -> None:
    training = TrainingService(ctx)
    tid = training.create_training(
        TrainingInput(
            title="Kelas Menggambar",
            category="Seni",
            organiser="Dinas Sosial",
            trainers=["Pak Guru"],
            venue="Aula",
            start_date=date(2026, 11, 16),
            end_date=date(2026, 11, 18),
        )
    )
    training.add_daily_sessions(tid, date(2026, 11, 16), date(2026, 11, 18))
    training.add_participant(tid, people["child"])
    training.add_participant(tid, people["other"])
    ctx.set_user(FIELD)
    names = [p.name for p in TrainingService(ctx).participants(tid)]
    assert "Putri Wulandari" not in names and MASKED_NAME in names
    sheet = TrainingService(ctx).attendance_sheet_data(tid)
    assert "Putri Wulandari" not in [p.name for p in sheet.participants]
    ctx.set_user(WORKER)
    sheet = TrainingService(ctx).attendance_sheet_data(tid)
    assert "Putri Wulandari" in [p.name for p in sheet.participants]
    ctx.set_user(ADMIN)
    printed = [e for e in AccessLogService(ctx).entries() if e.action == "print"]
    assert [e.username for e in printed] == ["sri", "budi"]
    assert all(e.entity_id == people["child"] and "Kelas Menggambar" in e.detail for e in printed)


def test_only_the_administrator_reads_the_access_log(ctx: AppContext) -> None:
    for actor in (FIELD, OPERATOR, WORKER):
        ctx.set_user(actor)
        with pytest.raises(ServiceError) as exc:
            AccessLogService(ctx).entries()
        assert exc.value.code == "auth.permission_denied"
    ctx.set_user(ADMIN)
    assert AccessLogService(ctx).entries(limit=5) == []


def test_rosters_receipts_and_their_printouts_mask_a_restricted_child(
    ctx: AppContext, people: dict[str, str]
) -> None:
    from desktop_app.services.distribution import DistributionService, RosterFilter
    from tests.helpers import open_round

    # The child also gets the elderly ration (a warning only): a roster that names them.
    RegistryService(ctx).enrol("RAPELAN", person_id=people["child"])
    rid = open_round(ctx, program_code="RAPELAN", name="Rapelan Uji", item="Ransum", unit="pak")
    svc = DistributionService(ctx)
    entry = next(r for r in svc.pending(rid) if r.person_id == people["child"])
    ctx.set_user(FIELD)
    svc = DistributionService(ctx)
    rows = svc.roster_rows(svc.roster_ids(rid))
    child_row = next(r for r in rows if r.id == entry.id)
    assert child_row.name == MASKED_NAME and child_row.nik is None
    assert "Dewi Wulandari" in {r.name for r in rows}
    # Name and NIK do not find the child for the field officer; the card (here none) would.
    assert svc.find(rid, "Putri") == [] and svc.find(rid, CHILD_NIK) == []
    assert svc.roster_ids(rid, RosterFilter(query="Putri")) == []
    receipt = svc.receive(rid, entry.id, in_person=True)
    assert receipt.recipient_name == MASKED_NAME
    assert svc.get_receipt(receipt.id).recipient_name == MASKED_NAME
    docs = svc.receipt_docs(rid)
    assert [d.recipient_name for d in docs] == [MASKED_NAME]
    assert docs[0].recipient_nik == "" and docs[0].address == ""
    listed = svc.reception_list(rid)
    assert "Putri Wulandari" not in {r.name for r in listed.rows}
    ctx.set_user(WORKER)
    docs = DistributionService(ctx).receipt_docs(rid)
    assert [d.recipient_name for d in docs] == ["Putri Wulandari"]
    ctx.set_user(ADMIN)
    printed = [e for e in AccessLogService(ctx).entries() if e.action == "print"]
    assert [(e.username, e.detail.split()[0]) for e in printed] == [
        ("sri", "tanda"),
        ("budi", "daftar"),
        ("budi", "tanda"),
    ]
    assert all(CHILD_NIK not in e.detail for e in printed)
