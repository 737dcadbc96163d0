"""Si Hore: visit plan, the quick visit form, overdue visits, monthly recap (data, PDF, xlsx)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl

from desktop_app.domain.clock import FixedClock
from desktop_app.services.casework import CaseworkService
from desktop_app.services.context import AppContext
from tests.services.casework.conftest import PersonMaker, refused


def client(svc: CaseworkService, person: PersonMaker, name: str, carer: str, every: int) -> str:
    return svc.open_case(
        person("SIHORE", name=name),
        "SIHORE",
        opened_on=date(2026, 9, 1),
        carer=carer,
        visit_every_days=every,
    )


def test_visit_moves_the_next_due_date(svc: CaseworkService, person: PersonMaker) -> None:
    case_id = client(svc, person, "Mbah Sarinah", "Bu Endang", 7)
    assert svc.get_case(case_id).follow_up_on == date(2026, 9, 8)
    svc.record_visit(
        case_id,
        services=["makanan", "kebersihan_diri"],
        condition="stabil",
        visited_on=date(2026, 11, 18),
    )
    detail = svc.get_case(case_id)
    assert detail.last_visit_on == date(2026, 11, 18)
    assert detail.follow_up_on == date(2026, 11, 25)
    visit = detail.activities[0]
    assert visit.kind == "kunjungan_rumah"
    assert visit.details["services"] == ["kebersihan_diri", "makanan"]  # form order
    assert visit.details["carer"] == "Bu Endang"
    # A late-typed older visit does not move the next visit back.
    svc.record_visit(case_id, services=["obat"], condition="baik", visited_on=date(2026, 11, 4))
    assert svc.get_case(case_id).follow_up_on == date(2026, 11, 25)


def test_visit_form_refusals(svc: CaseworkService, person: PersonMaker) -> None:
    case_id = client(svc, person, "Mbah Sarinah", "Bu Endang", 7)
    with refused("casework.services_required"):
        svc.record_visit(case_id, services=[], condition="baik")
    with refused("casework.service_unknown"):
        svc.record_visit(case_id, services=["pijat"], condition="baik")
    with refused("casework.condition_unknown"):
        svc.record_visit(case_id, services=["obat"], condition="sehat")
    with refused("casework.next_visit_before"):
        svc.record_visit(
            case_id, services=["obat"], condition="baik", next_visit_on=date(2026, 11, 1)
        )
    other = svc.open_case(person("DISABILITAS"), "DISABILITAS")
    with refused("casework.wrong_program"):
        svc.record_visit(other, services=["obat"], condition="baik")
    with refused("casework.visit_frequency_invalid"):
        svc.set_visit_plan(case_id, carer="Bu Endang", visit_every_days=0)


def test_overdue_list(svc: CaseworkService, person: PersonMaker) -> None:
    late = client(svc, person, "Mbah Karto", "Pak Slamet", 7)
    fine = client(svc, person, "Mbah Sumi", "Pak Slamet", 7)
    svc.record_visit(late, services=["obat"], condition="baik", visited_on=date(2026, 11, 2))
    svc.record_visit(fine, services=["obat"], condition="baik", visited_on=date(2026, 11, 19))
    overdue = svc.overdue_visits()
    assert [(o.case_id, o.due_on, o.days_late) for o in overdue] == [(late, date(2026, 11, 9), 11)]
    svc.set_visit_plan(late, carer="Bu Ani", visit_every_days=30)
    assert svc.overdue_visits() == []


def year_of_visits(svc: CaseworkService, case_id: str, start: date, every: int) -> int:
    day, n = start, 0
    while day <= date(2026, 11, 20):
        svc.record_visit(case_id, services=["obat", "makanan"], condition="stabil", visited_on=day)
        day += timedelta(days=every)
        n += 1
    return n


def test_monthly_recap_per_client_and_carer(
    ctx: AppContext, svc: CaseworkService, person: PersonMaker, tmp_path: Path
) -> None:
    a = client(svc, person, "Mbah Karto", "Pak Slamet", 7)
    b = client(svc, person, "=Mbah Sumi", "Bu Endang", 14)
    year_of_visits(svc, a, date(2026, 10, 1), 7)
    svc.record_visit(
        b, services=["cek_kesehatan"], condition="menurun", visited_on=date(2026, 10, 9)
    )
    recap = svc.monthly_recap(2026, 10)
    rows = {c.name: c for c in recap.clients}
    assert rows["Mbah Karto"].visits == 5 and rows["Mbah Karto"].expected == 4
    assert rows["Mbah Karto"].service_counts["obat"] == 5
    assert rows["=Mbah Sumi"].visits == 1 and rows["=Mbah Sumi"].expected == 2
    assert rows["=Mbah Sumi"].overdue and rows["=Mbah Sumi"].last_condition == "menurun"
    assert {(c.carer, c.clients, c.visits) for c in recap.carers} == {
        ("Pak Slamet", 1, 5),
        ("Bu Endang", 1, 1),
    }
    assert recap.total_visits == 6 and len(recap.visits) == 6
    with refused("casework.month_invalid"):
        svc.monthly_recap(2026, 13)

    xlsx = tmp_path / "rekap.xlsx"
    assert svc.recap_xlsx(2026, 10, xlsx) == 2
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Per klien", "Per pendamping", "Kunjungan"]
    cells = [c for row in book["Per klien"].iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)  # never a formula
    assert "=Mbah Sumi" in [c.value for c in cells]


def test_visit_card(svc: CaseworkService, person: PersonMaker, tmp_path: Path) -> None:
    case_id = client(svc, person, "Mbah Karto", "Pak Slamet", 7)
    svc.record_visit(case_id, services=["obat"], condition="baik", visited_on=date(2026, 11, 3))
    card = svc.visit_card(case_id, 2026, 11)
    assert [v.done_on for v in card.visits] == [date(2026, 11, 3)]
    assert card.blank_rows >= 3 and card.carer == "Pak Slamet"


def test_opening_a_year_of_visits_reads_them_all(
    ctx: AppContext, svc: CaseworkService, person: PersonMaker, clock: FixedClock
) -> None:
    case_id = svc.open_case(person("SIHORE"), "SIHORE", opened_on=date(2025, 11, 1))
    n = year_of_visits(svc, case_id, date(2025, 11, 20), 7)
    detail = svc.get_case(case_id)
    assert len(detail.activities) == n == 53
    assert detail.activities[0].done_on > detail.activities[-1].done_on
