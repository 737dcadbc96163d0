"""The permission table itself (domain/access.py) and AppContext's enforcement of it."""

from __future__ import annotations

import pytest

from desktop_app.domain.access import (
    PERMISSION_LABELS,
    RESTRICTED_PROGRAMS,
    ROLE_LABELS,
    Actor,
    Permission,
    Role,
    is_restricted_program,
    permissions_of,
)
from desktop_app.services.context import ServiceError, open_app


def test_every_role_and_permission_has_labels_in_both_languages():
    assert set(ROLE_LABELS) == set(Role)
    assert set(PERMISSION_LABELS) == set(Permission)
    assert all(a and b for a, b in [*ROLE_LABELS.values(), *PERMISSION_LABELS.values()])


def test_restricted_programs_are_the_sensitive_ones_and_unknown_codes_are_restricted():
    assert {"ABH", "ANAK_TERLANTAR", "DISABILITAS"} <= RESTRICTED_PROGRAMS
    assert "RASTRADA" not in RESTRICTED_PROGRAMS
    assert is_restricted_program("NOT_A_PROGRAM")


def test_only_admin_and_supervisors_decide_and_only_some_see_restricted_data():
    assert permissions_of(Role.ADMIN) == frozenset(Permission)
    deciders = {r for r in Role if Permission.SUPERVISE in permissions_of(r)}
    assert deciders == {Role.ADMIN, Role.HEAD}
    assert Permission.SUPERVISE in permissions_of(Role.OPERATOR, supervisor=True)
    seeing = {r for r in Role if Permission.RESTRICTED_VIEW in permissions_of(r)}
    assert seeing == {Role.ADMIN, Role.SOCIAL_WORKER, Role.HEAD}
    assert Permission.EXPORT_RESTRICTED not in permissions_of(Role.FIELD)


def test_context_refuses_without_login_once_accounts_exist(tmp_path):
    ctx = open_app(tmp_path / "b.sqlite")
    try:
        # No account yet: the database works as before accounts existed.
        assert ctx.require(Permission.USERS_MANAGE).role is Role.ADMIN
        ctx.accounts_exist = True
        with pytest.raises(ServiceError) as exc:
            ctx.require(Permission.REGISTRY_READ)
        assert exc.value.code == "auth.login_required"
        field = Actor("budi", "Budi Santoso", Role.FIELD, nip="198501012010011001")
        ctx.set_user(field)
        assert ctx.actor == "Budi Santoso (NIP 198501012010011001)"
        assert ctx.require(Permission.COUNTER) is field
        with pytest.raises(ServiceError) as exc:
            ctx.require(Permission.EXPORT_RESTRICTED)
        assert exc.value.code == "auth.permission_denied"
        assert "budi" in exc.value.render("en") and "export restricted data" in exc.value.render(
            "en"
        )
    finally:
        ctx.close()


def test_lockout_grows_after_three_wrong_passwords_and_is_capped():
    from desktop_app.domain.access import lockout_seconds

    assert [lockout_seconds(n) for n in range(1, 8)] == [0, 0, 0, 30, 60, 120, 240]
    assert lockout_seconds(40) == 15 * 60


def test_children_programs_restrict_the_whole_person():
    from desktop_app.domain.access import RESTRICTED_PERSON_PROGRAMS

    assert RESTRICTED_PERSON_PROGRAMS <= RESTRICTED_PROGRAMS
    assert "DISABILITAS" not in RESTRICTED_PERSON_PROGRAMS
