"""Household (KPM) membership rules, shared by the registry's edits and the import planner.

A person belongs to at most one household at a time; a household has at most one head
(kepala keluarga), who must be one of its members and cannot simply leave it. Each function
answers one question with plain values so a caller with rows from SQL and a caller with ORM
objects ask it the same way; the caller turns a `MembershipProblem` into its own refusal or
import issue.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from desktop_app.domain.status import Relation

__all__ = [
    "MembershipProblem",
    "assumed_head",
    "check_relation",
    "file_heads",
    "head_problem",
    "join_problem",
    "leave_problem",
    "new_head_problem",
]


class MembershipProblem(StrEnum):
    OTHER_HOUSEHOLD = "other_household"  # the person already belongs to another household
    HEAD_TAKEN = "head_taken"  # the household already has another head
    HEAD_CANNOT_LEAVE = "head_cannot_leave"  # the head leaves before a new head is chosen
    HEAD_NOT_MEMBER = "head_not_member"  # only a member can become the head
    TWO_HEADS = "two_heads"  # one list names several heads for one household


def check_relation(relation: str | None) -> Relation | None:
    """The relation (SHDK) code as a `Relation`; ValueError when it is not one."""
    return None if relation is None else Relation(relation)


def join_problem(
    person_household_id: str | None, household_id: str | None
) -> MembershipProblem | None:
    """May a person whose household is `person_household_id` join `household_id`?

    A new household (id None) never holds anyone yet. Moving between households is a decision a
    clerk makes on purpose (remove, then add), never a side effect of joining.
    """
    if person_household_id is not None and person_household_id != household_id:
        return MembershipProblem.OTHER_HOUSEHOLD
    return None


def head_problem(current_head_id: str | None, person_id: str | None) -> MembershipProblem | None:
    """May `person_id` join as head of a household whose head is `current_head_id`?"""
    if current_head_id is not None and current_head_id != person_id:
        return MembershipProblem.HEAD_TAKEN
    return None


def leave_problem(household_head_id: str | None, person_id: str) -> MembershipProblem | None:
    """May `person_id` leave a household whose head is `household_head_id`?"""
    if household_head_id == person_id:
        return MembershipProblem.HEAD_CANNOT_LEAVE
    return None


def new_head_problem(
    person_household_id: str | None, household_id: str
) -> MembershipProblem | None:
    """May a person whose household is `person_household_id` become head of `household_id`?"""
    if person_household_id != household_id:
        return MembershipProblem.HEAD_NOT_MEMBER
    return None


def file_heads(relations: Sequence[str | None]) -> list[int]:
    """Positions of the members a list names as head (more than one: `TWO_HEADS`)."""
    return [i for i, relation in enumerate(relations) if relation == Relation.KEPALA.value]


def assumed_head(relations_given: Sequence[bool]) -> bool:
    """A household's only member in a list (`relations_given` has one flag per member), with no
    relation given, is taken to be its head."""
    return len(relations_given) == 1 and not relations_given[0]
