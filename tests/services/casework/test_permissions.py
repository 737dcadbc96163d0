"""Who may do casework: every call needs CASEWORK (and RESTRICTED_VIEW for names); counts need
only REPORTS_VIEW; a database without accounts runs as SYSTEM_ACTOR."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from desktop_app.domain.access import Role
from desktop_app.services.casework import CaseworkService
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.storage.models import AccessLog, UserAccount
from tests.services.casework.conftest import PersonMaker, as_role, refused

CHILD = "Dimas Prasetyo"


@pytest.fixture
def cases(svc: CaseworkService, person: PersonMaker) -> dict[str, str]:
    """One case per program, made as SYSTEM_ACTOR (a database without accounts)."""
    out = {
        "ABH": svc.open_case(person("ABH", name=CHILD, sex="L"), "ABH", opened_on=date(2026, 9, 1)),
        "SIHORE": svc.open_case(person("SIHORE"), "SIHORE", opened_on=date(2026, 9, 1)),
        "DISABILITAS": svc.open_case(person("DISABILITAS"), "DISABILITAS"),
    }
    out["device"] = svc.request_device(out["DISABILITAS"], "kursi_roda")
    return out


def calls(cases: dict[str, str], tmp: Path) -> dict[str, Callable[[CaseworkService], object]]:
    abh, sihore, dis, device = cases["ABH"], cases["SIHORE"], cases["DISABILITAS"], cases["device"]
    return {
        "list": lambda s: s.list_cases(),
        "mine": lambda s: s.my_cases(),
        "due": lambda s: s.due_this_week(),
        "get": lambda s: s.get_case(abh),
        "open": lambda s: s.open_case("x", "ABH"),
        "assess": lambda s: s.record_assessment(abh, {}),
        "activity": lambda s: s.add_activity(abh, "sesi"),
        "close": lambda s: s.close_case(abh, "lainnya"),
        "stage": lambda s: s.set_stage(abh, "penyidikan"),
        "summary": lambda s: s.hearing_summary_pdf(abh, tmp / "s.pdf"),
        "visit": lambda s: s.record_visit(sihore, services=["obat"], condition="baik"),
        "overdue": lambda s: s.overdue_visits(),
        "recap": lambda s: s.recap_pdf(2026, 10, tmp / "r.pdf"),
        "xlsx": lambda s: s.recap_xlsx(2026, 10, tmp / "r.xlsx"),
        "device": lambda s: s.hand_over_device(device),
        "dislist": lambda s: s.disability_list(),
        "plan": lambda s: s.make_plan(dis, ["Tujuan"]),
        # Bad input is refused for the permission first: no hint of what the form checks.
        "bad_visit": lambda s: s.record_visit(sihore, services=[], condition="?"),
        "bad_stage": lambda s: s.set_stage(abh, "banding"),
        "bad_kind": lambda s: s.add_activity(abh, "piknik"),
    }


@pytest.mark.parametrize("role", [Role.FIELD, Role.OPERATOR, Role.HEAD])
def test_roles_without_casework_are_refused_everything(
    ctx: AppContext, svc: CaseworkService, cases: dict[str, str], tmp_path: Path, role: Role
) -> None:
    as_role(ctx, role)
    for name, call in calls(cases, tmp_path).items():
        with pytest.raises(ServiceError) as exc:
            call(svc)
        assert exc.value.code == "auth.permission_denied", name
        assert CHILD not in exc.value.message and CHILD not in exc.value.render("en")
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.xlsx"))


def test_field_officer_sees_no_child_name_but_reports_roles_see_counts(
    ctx: AppContext, svc: CaseworkService, cases: dict[str, str]
) -> None:
    as_role(ctx, Role.FIELD)
    with refused("auth.permission_denied"):
        svc.case_counts()
    for role in (Role.HEAD, Role.OPERATOR):
        as_role(ctx, role)
        counts = svc.case_counts()
        assert counts.by_program["ABH"] == 1 and CHILD not in repr(counts)


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.ADMIN])
def test_casework_roles_work_and_openings_are_logged(
    ctx: AppContext, svc: CaseworkService, cases: dict[str, str], tmp_path: Path, role: Role
) -> None:
    as_role(ctx, role)
    assert svc.get_case(cases["ABH"]).person.name == CHILD
    svc.add_activity(cases["ABH"], "sesi", notes="Sesi pertama")
    svc.hearing_summary_pdf(cases["ABH"], tmp_path / "s.pdf")
    assert svc.my_cases() == []  # the cases belong to the system actor's officer
    with ctx.db.session() as s:
        log = s.exec(select(AccessLog).where(AccessLog.entity_id == cases["ABH"])).all()
    assert [(a.action, a.username) for a in log] == [("open", role.value)] * 2 + [
        ("print", role.value)
    ]
    activity = svc.get_case(cases["ABH"]).activities[0]
    assert activity.worker == role.value


def test_no_user_logged_in_is_refused(ctx: AppContext, svc: CaseworkService) -> None:
    ctx.accounts_exist = True
    with refused("auth.login_required"):
        svc.list_cases()


def test_system_actor_works(ctx: AppContext, svc: CaseworkService, cases: dict[str, str]) -> None:
    assert ctx.user is None and not ctx.accounts_exist
    assert len(svc.list_cases()) == 3
    assert svc.get_case(cases["ABH"]).worker == "tester"  # the officer on an account-less db


def test_documents_name_the_workers_account(
    ctx: AppContext, svc: CaseworkService, cases: dict[str, str]
) -> None:
    with ctx.db.transaction() as s:
        s.add(
            UserAccount(
                id="a1",
                username="tester",
                full_name="Rina Kartika, S.Sos.",
                nip="198501012010012001",
                role="social_worker",
                password_hash="x",
                created_at=ctx.clock.now(),
                updated_at=ctx.clock.now(),
            )
        )
    doc = svc.hearing_summary(cases["ABH"])
    assert doc.worker == "Rina Kartika, S.Sos. (NIP 198501012010012001)"
