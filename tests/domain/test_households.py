from __future__ import annotations

import pytest

from desktop_app.domain.households import (
    MembershipProblem,
    assumed_head,
    check_relation,
    file_heads,
    head_problem,
    join_problem,
    leave_problem,
    new_head_problem,
)
from desktop_app.domain.status import Relation


def test_one_household_at_a_time() -> None:
    assert join_problem(None, "h1") is None
    assert join_problem("h1", "h1") is None
    assert join_problem("h2", "h1") is MembershipProblem.OTHER_HOUSEHOLD
    assert join_problem("h2", None) is MembershipProblem.OTHER_HOUSEHOLD  # a new household


def test_one_head_who_is_a_member_and_stays() -> None:
    assert head_problem(None, "p1") is None
    assert head_problem("p1", "p1") is None
    assert head_problem("p2", "p1") is MembershipProblem.HEAD_TAKEN
    assert leave_problem("p1", "p1") is MembershipProblem.HEAD_CANNOT_LEAVE
    assert leave_problem("p2", "p1") is None
    assert new_head_problem("h1", "h1") is None
    assert new_head_problem(None, "h1") is MembershipProblem.HEAD_NOT_MEMBER


def test_heads_in_a_list() -> None:
    assert file_heads(["kepala", "istri", None, "kepala"]) == [0, 3]
    assert assumed_head([False])
    assert not assumed_head([True])
    assert not assumed_head([False, False])
    assert not assumed_head([])


def test_relation_codes() -> None:
    assert check_relation("anak") is Relation.ANAK
    assert check_relation(None) is None
    with pytest.raises(ValueError):
        check_relation("tetangga")
