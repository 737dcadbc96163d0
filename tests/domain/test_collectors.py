"""Who may collect for whom (DESIGN.md): the pure rule, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.domain import collectors as c
from desktop_app.domain.collectors import (
    CollectorFacts,
    collector_refusal,
    parse_collector_relation,
)

WIFE, SON, OUTSIDER = "3572015203700002", "3572010101000003", "3572019999990009"
HEAD = "3572010403600001"


def facts(**kw: object) -> CollectorFacts:
    base: dict[str, object] = {
        "name": "Sutrisno",
        "nik": HEAD,
        "kk_number": "3572011003150001",
        "living_member_niks": frozenset({WIFE, SON}),
    }
    base.update(kw)
    return CollectorFacts(**base)  # type: ignore[arg-type]


def test_the_recipient_in_person_needs_nothing():
    assert collector_refusal(facts()) is None


def test_a_member_of_the_same_kk_may_collect():
    assert collector_refusal(facts(), WIFE, c.SAME_KK) is None


def test_an_outsider_needs_a_surat_kuasa():
    refusal = collector_refusal(facts(), OUTSIDER, c.SAME_KK)
    assert refusal is not None and refusal.msg is c.NOT_SAME_KK
    assert refusal.params == {"nik": OUTSIDER, "kk": "3572011003150001"}
    assert collector_refusal(facts(), OUTSIDER, c.SURAT_KUASA) is None


def test_the_recipients_own_nik_is_bad_input():
    refusal = collector_refusal(facts(), HEAD, c.SURAT_KUASA)
    assert refusal is not None and refusal.msg is c.COLLECTOR_IS_RECIPIENT and refusal.bad_input


def test_an_heir_only_for_a_deceased_recipient():
    refusal = collector_refusal(facts(), WIFE, c.HEIR)
    assert refusal is not None and refusal.msg is c.HEIR_NOT_DECEASED


def test_a_collector_registered_as_dead_is_refused():
    refusal = collector_refusal(facts(), OUTSIDER, c.SURAT_KUASA, collector_deceased=True)
    assert refusal is not None and refusal.msg is c.COLLECTOR_DECEASED


@pytest.mark.parametrize(
    ("nik", "relation", "expected"),
    [
        (None, None, c.DECEASED_NEEDS_HEIR_ON),
        (OUTSIDER, c.SURAT_KUASA, c.DECEASED_NO_PROXY_ON),
        (WIFE, c.SAME_KK, c.DECEASED_NO_PROXY_ON),
        (OUTSIDER, c.HEIR, c.HEIR_NOT_ON_KK),
        (WIFE, c.HEIR, None),
    ],
)
def test_after_death_only_an_heir_on_the_same_kk(nik, relation, expected):
    dead = facts(deceased=True, died_on=date(2026, 11, 1))
    refusal = collector_refusal(dead, nik, relation)
    assert (refusal.msg if refusal else None) is expected
    if refusal is not None and expected is not c.HEIR_NOT_ON_KK:
        assert refusal.params["date"] == "1 November 2026"


def test_a_single_person_kk_whose_member_died_gets_nothing():
    alone = facts(deceased=True, living_member_niks=frozenset())
    for nik, relation in [(None, None), (WIFE, c.HEIR), (OUTSIDER, c.SURAT_KUASA)]:
        refusal = collector_refusal(alone, nik, relation)
        assert refusal is not None and refusal.msg is c.DECEASED_ALONE


def test_without_a_date_of_death_the_undated_text_is_used():
    refusal = collector_refusal(facts(deceased=True))
    assert refusal is not None and refusal.msg is c.DECEASED_NEEDS_HEIR
    assert "date" not in refusal.params


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("same_kk", c.SAME_KK),
        ("Satu KK", c.SAME_KK),
        ("kuasa", c.SURAT_KUASA),
        ("Surat Kuasa", c.SURAT_KUASA),
        ("Ahli waris", c.HEIR),
        ("heir", c.HEIR),
        ("tetangga", None),
        (None, None),
    ],
)
def test_relation_spellings(raw, code):
    assert parse_collector_relation(raw) == code


def test_every_relation_has_a_label():
    assert set(c.COLLECTOR_RELATIONS) == {c.SAME_KK, c.SURAT_KUASA, c.HEIR}


def test_a_member_showing_their_own_ktp_collects_as_proxy_or_heir():
    assert c.member_collector_relation(recipient_deceased=False) == c.SAME_KK
    assert c.member_collector_relation(recipient_deceased=True) == c.HEIR


def test_a_collector_is_corrected_the_same_day_only():
    day = date(2026, 3, 2)
    assert c.correction_refusal("RST4-KANTOR-000001", day, day) is None
    late = c.correction_refusal("RST4-KANTOR-000001", day, date(2026, 3, 3))
    assert late is not None and late.msg.code == "distribution.collector_correction_after_day"
    assert late.params["number"] == "RST4-KANTOR-000001" and "2026" in late.params["date"]
