"""Every role × every action of the permission table, at the service level (issue 12).

The services enforce the table (desktop_app/domain/access.py), not only the GUI: an allowed role
gets its work done, every other role gets the coded refusal `auth.permission_denied`, and a
database with accounts refuses everything until somebody logs in.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop_app.domain.access import SYSTEM_ACTOR, Actor, Permission, Role, permissions_of
from desktop_app.domain.clock import FixedClock
from desktop_app.services.access import AccessLogService, requires
from desktop_app.services.context import AppContext, ServiceError, open_app
from desktop_app.services.demo import DemoOptions, generate_demo
from desktop_app.services.distribution import DistributionService
from desktop_app.services.registry import PersonFilter, PersonInput, RegistryService
from desktop_app.services.reporting import Period, ReportingService
from desktop_app.services.reporting.reports import build_report
from desktop_app.services.training import TrainingInput, TrainingService
from tests.conftest import FIXED_NOW

P = Permission
TODAY = FIXED_NOW.date()
_serial = itertools.count(1)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("perms") / "tiny.sqlite"
    generate_demo(path, DemoOptions(scale="tiny", seed=7, today=TODAY, accounts=False))
    return path


@pytest.fixture(scope="module")
def shared(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    """One copy of the demo for the whole module: the checks come before any work, and the
    allowed calls below are chosen so they can run once per role."""
    path = tmp_path_factory.mktemp("perms_copy") / "copy.sqlite"
    shutil.copy(demo_file, path)
    ctx = open_app(path, actor="tester", clock=FixedClock(FIXED_NOW))
    yield ctx
    ctx.close()


@pytest.fixture
def ctx(shared: AppContext) -> Iterator[AppContext]:
    yield shared
    shared.user = None
    shared.accounts_exist = False


def as_system(ctx: AppContext) -> Any:
    """Set up below the login (the fixture's database has no accounts)."""
    ctx.user = None
    ctx.accounts_exist = False


def _open_round(ctx: AppContext) -> str:
    svc = DistributionService(ctx)
    return next(r.id for r in svc.list_rounds() if r.status == "open")


def _pending_entry(ctx: AppContext) -> tuple[str, str]:
    """An open round's entry nobody collected yet, whose recipient is alive and active."""
    svc = DistributionService(ctx)
    for r in svc.list_rounds():
        if r.status != "open":
            continue
        for entry in svc.pending(r.id):
            if entry.active and not svc.recipient_deceased(entry.id):
                return r.id, entry.id
    raise AssertionError("the demo has an open round with pending entries")


def _fresh_person(ctx: AppContext) -> str:
    return RegistryService(ctx).create_person(
        PersonInput(name=f"Uji Coba {next(_serial)}", sex="P", birth_date=date(1950, 1, 1))
    )


def _training(ctx: AppContext) -> str:
    return TrainingService(ctx).list_trainings()[0].id


# Each action: the permissions that allow it (any of), an optional set-up run as the system
# actor (returns what the call needs), and the call itself.
@dataclass(frozen=True)
class Action:
    name: str
    allowed: frozenset[Permission]
    call: Callable[[AppContext, Any], object]
    setup: Callable[[AppContext], Any] = lambda ctx: None
    # Everything the call needs besides one of `allowed` (e.g. RESTRICTED_VIEW to enrol in a
    # restricted program).
    also: frozenset[Permission] = frozenset()


def _receive(ctx: AppContext, ids: tuple[str, str]) -> object:
    return DistributionService(ctx).receive(ids[0], ids[1], in_person=True)


def _receipt(ctx: AppContext) -> str:
    round_id, roster_id = _pending_entry(ctx)
    return DistributionService(ctx).receive(round_id, roster_id, in_person=True).id


ROUND_READ = frozenset({P.ROUNDS_MANAGE, P.COUNTER, P.REPORTS_VIEW})
TRAINING_READ = frozenset({P.TRAINING_MANAGE, P.ATTENDANCE, P.REPORTS_VIEW})

ACTIONS = [
    Action(
        "registry.search",
        frozenset({P.REGISTRY_READ}),
        lambda ctx, _: RegistryService(ctx).search_page(PersonFilter(query="a")),
    ),
    Action(
        "registry.detail",
        frozenset({P.REGISTRY_READ}),
        lambda ctx, pid: RegistryService(ctx).person_detail(pid),
        setup=_fresh_person,
    ),
    Action(
        "registry.create_person",
        frozenset({P.REGISTRY_EDIT}),
        lambda ctx, _: RegistryService(ctx).create_person(
            PersonInput(name=f"Warga Baru {next(_serial)}", sex="L")
        ),
    ),
    Action(
        "registry.enrol",
        frozenset({P.REGISTRY_EDIT}),
        lambda ctx, pid: RegistryService(ctx).enrol("RAPELAN", person_id=pid),
        setup=_fresh_person,
    ),
    Action(
        "registry.enrol_restricted",
        frozenset({P.REGISTRY_EDIT}),
        lambda ctx, pid: RegistryService(ctx).enrol("SIHORE", person_id=pid),
        setup=_fresh_person,
        also=frozenset({P.RESTRICTED_VIEW}),
    ),
    Action(
        "distribution.list_rounds",
        ROUND_READ,
        lambda ctx, _: DistributionService(ctx).list_rounds(),
    ),
    Action(
        "distribution.roster",
        ROUND_READ,
        lambda ctx, rid: DistributionService(ctx).pending(rid),
        setup=_open_round,
    ),
    Action(
        "distribution.create_round",
        frozenset({P.ROUNDS_MANAGE}),
        lambda ctx, _: DistributionService(ctx).create_round(
            program_code="RASTRADA",
            name=f"Uji {next(_serial)}",
            item="Beras",
            quantity=10,
            unit="kg",
            start_date=TODAY + timedelta(days=30),
            end_date=TODAY + timedelta(days=40),
        ),
    ),
    Action(
        "distribution.bast_register",
        ROUND_READ,
        lambda ctx, rid: DistributionService(ctx).bast_register(rid),
        setup=_open_round,
    ),
    Action("distribution.receive", frozenset({P.COUNTER}), _receive, setup=_pending_entry),
    Action(
        "distribution.void",
        frozenset({P.SUPERVISE}),
        lambda ctx, rid: DistributionService(ctx).void(rid, "salah catat"),
        setup=_receipt,
    ),
    Action(
        "distribution.print_recap",
        frozenset({P.PRINT}),
        lambda ctx, rid: DistributionService(ctx).recap(rid),
        setup=_open_round,
    ),
    Action(
        "training.list",
        TRAINING_READ,
        lambda ctx, _: TrainingService(ctx).list_trainings(),
    ),
    Action(
        "training.create",
        frozenset({P.TRAINING_MANAGE}),
        lambda ctx, _: TrainingService(ctx).create_training(
            TrainingInput(
                title=f"Pelatihan Uji {next(_serial)}",
                category="Tata boga",
                organiser="Dinas Sosial",
                trainers=["Ibu Guru"],
                venue="Aula",
                start_date=TODAY + timedelta(days=10),
                end_date=TODAY + timedelta(days=12),
            )
        ),
    ),
    Action(
        "training.attendance",
        frozenset({P.ATTENDANCE}),
        lambda ctx, sid: TrainingService(ctx).mark_all_present(sid),
        setup=lambda ctx: _past_session(ctx),
    ),
    Action(
        "training.print_certificates",
        frozenset({P.PRINT}),
        lambda ctx, tid: TrainingService(ctx).certificate_data(tid),
        setup=_training,
    ),
    Action(
        "training.certificate_override",
        frozenset({P.SUPERVISE}),
        lambda ctx, pid: _override(ctx, pid),
        setup=lambda ctx: _any_participant(ctx),
    ),
    Action(
        "reports.dashboard",
        frozenset({P.REPORTS_VIEW}),
        lambda ctx, _: ReportingService(ctx).dashboard(quality=False),
    ),
    Action(
        "reports.build",
        frozenset({P.REPORTS_VIEW}),
        lambda ctx, _: build_report(ctx, "kualitas", Period(TODAY, TODAY)),
    ),
    Action(
        "office.profile",
        frozenset({P.PROFILE_EDIT}),
        lambda ctx, _: ctx.save_office_profile(ctx.office),
    ),
    Action(
        "access_log.entries",
        frozenset({P.USERS_MANAGE}),
        lambda ctx, _: AccessLogService(ctx).entries(),
    ),
]


def _past_session(ctx: AppContext) -> str:
    svc = TrainingService(ctx)
    for t in svc.list_trainings():
        for s in svc.sessions(t.id):
            if s.session_date <= TODAY:
                return s.id
    raise AssertionError("the demo has a training session on or before today")


def _any_participant(ctx: AppContext) -> str:
    svc = TrainingService(ctx)
    for t in svc.list_trainings():
        people = svc.participants(t.id, include_withdrawn=False)
        if people:
            return people[0].id
    raise AssertionError("the demo has training participants")


def _override(ctx: AppContext, participant_id: str) -> object:
    """The decision itself may be refused on its merits (already certified, not needed):
    what matters here is that the permission check let the supervisor through."""
    try:
        return TrainingService(ctx).issue_certificate_override(
            participant_id, "Sakit, surat dokter terlampir."
        )
    except ServiceError as exc:
        if exc.code.startswith("auth."):
            raise
        return None


ROLES = list(Role)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
def test_role_may_or_may_not(ctx: AppContext, action: Action, role: Role) -> None:
    as_system(ctx)
    arg = action.setup(ctx)
    perms = permissions_of(role)
    allowed = bool(perms & action.allowed) and action.also <= perms
    ctx.set_user(Actor(f"u_{role.value}", f"Pengguna {role.value}", role))
    if allowed:
        action.call(ctx, arg)
    else:
        with pytest.raises(ServiceError) as exc:
            action.call(ctx, arg)
        assert exc.value.code == "auth.permission_denied"
        assert exc.value.message and exc.value.render("en")


@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
def test_nobody_logged_in_is_refused_once_accounts_exist(ctx: AppContext, action: Action) -> None:
    as_system(ctx)
    arg = action.setup(ctx)
    ctx.accounts_exist = True
    with pytest.raises(ServiceError) as exc:
        action.call(ctx, arg)
    assert exc.value.code == "auth.login_required"


def test_a_supervisor_flag_grants_the_decisions(ctx: AppContext) -> None:
    as_system(ctx)
    receipt_id = _receipt(ctx)
    ctx.set_user(Actor("koord", "Koordinator", Role.OPERATOR, supervisor=True))
    assert DistributionService(ctx).void(receipt_id, "salah catat").voided


def test_without_accounts_everything_runs_as_the_system_actor(ctx: AppContext) -> None:
    as_system(ctx)
    assert ctx.current_actor() is SYSTEM_ACTOR
    assert AccessLogService(ctx).entries() is not None


def test_guarded_methods_carry_their_permissions() -> None:
    """The decorator leaves the permissions on the method (docs and tests read them)."""
    assert DistributionService.void.__required__ == (P.SUPERVISE,)  # type: ignore[attr-defined]
    assert set(DistributionService.scan.__required__) == {P.COUNTER, P.ROUNDS_MANAGE}  # type: ignore[attr-defined]

    with pytest.raises(ValueError):
        requires()


def test_a_use_case_is_judged_by_its_entry_point_not_its_helpers(ctx: AppContext) -> None:
    """The counter's receive reads the roster (ROUND readers) and a field officer, who only
    has COUNTER among those, records a receipt; a HEAD, who may read rosters, may not."""
    as_system(ctx)
    round_id, roster_id = _pending_entry(ctx)
    ctx.set_user(Actor("budi", "Budi", Role.FIELD))
    assert DistributionService(ctx).receive(round_id, roster_id, in_person=True).number
    ctx.set_user(Actor("kepala", "Kepala", Role.HEAD))
    assert DistributionService(ctx).pending(round_id) is not None


# Public methods that need no permission: reference lists without personal data, the clock, and
# the device's receipt keys (used inside the guarded counter and verification paths).
UNGUARDED = {
    "RegistryService": {"kecamatan_options", "kelurahan_options", "program_options"},
    "DistributionService": {"receipt_code_key", "receipt_signing_key"},
    "TrainingService": set(),
    "ReportingService": {"kelurahan_name", "today"},
}


def test_every_public_service_method_is_guarded() -> None:
    """A new public method must say which permission it needs (or be listed above)."""
    import inspect

    from desktop_app.services.training import TrainingService

    for cls in (RegistryService, DistributionService, TrainingService, ReportingService):
        unguarded = set()
        for name, fn in inspect.getmembers(cls, callable):
            static = inspect.getattr_static(cls, name)
            if name.startswith("_") or isinstance(static, staticmethod | classmethod | property):
                continue
            if not hasattr(fn, "__required__"):
                unguarded.add(name)
        assert unguarded == UNGUARDED[cls.__name__], cls.__name__
