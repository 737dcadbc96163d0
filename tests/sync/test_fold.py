"""The fold is a pure function of the set of entries: any order gives the same row."""

from __future__ import annotations

import itertools
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.services.sync.merge import RESOLVE_OP, Entry, fold

PID = "01900000-0000-7000-8000-000000000001"


def entry(n: int, wall: int, device: str, changes: dict, op: str = "update") -> Entry:
    return Entry(
        id=f"01900000-0000-7000-8000-{n:012d}",
        hlc=f"{wall:013d}-00000-{device}",
        device_id=device,
        actor=f"petugas-{device}",
        at="2026-11-20T03:00:00+00:00",
        entity="person",
        entity_id=PID,
        op=op,
        changes=json.dumps(changes),
    )


CREATE = entry(
    1,
    1000,
    "office",
    {
        "id": [None, PID],
        "name": [None, "Sri Contoh"],
        "sex": [None, "P"],
        "phone": [None, "1"],
        "status": [None, "aktif"],
        "nik": [None, "3572014101700001"],
    },
    op="create",
)


def test_last_writer_wins_and_concurrent_edit_is_listed_for_review() -> None:
    a = entry(2, 2000, "lapA", {"phone": ["1", "2"]})
    b = entry(3, 3000, "lapB", {"phone": ["1", "3"]})
    result = fold("person", PID, [b, CREATE, a])
    assert result.values["phone"] == "3"
    [conflict] = result.conflicts
    assert conflict.kind == "review" and conflict.open
    assert [c.value for c in conflict.candidates] == ["2", "3"]


def test_hlc_tie_is_broken_by_device_id() -> None:
    a = entry(2, 2000, "lapA", {"phone": ["1", "2"]})
    b = entry(3, 2000, "lapB", {"phone": ["1", "3"]})
    assert fold("person", PID, [CREATE, b, a]).values["phone"] == "3"
    assert fold("person", PID, [a, CREATE, b]).values["phone"] == "3"


def test_informed_edit_is_no_conflict() -> None:
    a = entry(2, 2000, "lapA", {"phone": ["1", "2"]})
    b = entry(3, 3000, "office", {"phone": ["2", "3"]})
    result = fold("person", PID, [CREATE, a, b])
    assert result.values["phone"] == "3" and result.conflicts == []


def test_critical_field_conflict_stays_open_until_resolved() -> None:
    a = entry(2, 2000, "lapA", {"nik": ["3572014101700001", "3572014101700002"]})
    b = entry(3, 3000, "office", {"nik": ["3572014101700001", "3572014101700003"]})
    [conflict] = fold("person", PID, [CREATE, a, b]).conflicts
    assert conflict.kind == "critical" and conflict.open
    resolve = entry(
        4, 4000, "office", {"nik": ["3572014101700003", "3572014101700002"]}, RESOLVE_OP
    )
    result = fold("person", PID, [CREATE, a, b, resolve])
    assert result.values["nik"] == "3572014101700002"
    [closed] = result.conflicts
    assert not closed.open and closed.closed_by == resolve.id


def test_death_is_sticky_against_an_uninformed_later_write() -> None:
    death = entry(
        2, 2000, "lapA", {"status": ["aktif", "meninggal"], "status_date": [None, "2026-11-01"]}
    )
    moved = entry(
        3, 3000, "office", {"status": ["aktif", "pindah"], "status_date": [None, "2026-11-10"]}
    )
    result = fold("person", PID, [moved, death, CREATE])
    assert result.values["status"] == "meninggal"
    assert result.values["status_date"] == "2026-11-01"
    [conflict] = result.conflicts
    assert conflict.kind == "critical" and conflict.open


def test_death_wins_even_when_stamped_later_than_a_concurrent_move() -> None:
    moved = entry(2, 2000, "office", {"status": ["aktif", "pindah"]})
    death = entry(
        3, 3000, "lapA", {"status": ["aktif", "meninggal"], "status_date": [None, "2026-11-01"]}
    )
    assert fold("person", PID, [CREATE, death, moved]).values["status"] == "meninggal"


def test_explicit_reversal_of_a_death_applies() -> None:
    death = entry(
        2, 2000, "lapA", {"status": ["aktif", "meninggal"], "status_date": [None, "2026-11-01"]}
    )
    undo = entry(
        3, 3000, "office", {"status": ["meninggal", "aktif"], "status_date": ["2026-11-01", None]}
    )
    result = fold("person", PID, [undo, CREATE, death])
    assert result.values["status"] == "aktif" and result.conflicts == []


def test_tombstone_merges_like_a_field() -> None:
    gone = entry(2, 2000, "lapA", {"deleted": [False, True]})
    edit = entry(3, 3000, "office", {"phone": ["1", "9"]})
    result = fold("person", PID, [edit, gone, CREATE])
    assert result.values["deleted"] is True and result.values["phone"] == "9"


def test_updates_seen_before_the_creation_wait_for_it() -> None:
    edit = entry(3, 3000, "office", {"phone": ["1", "9"]})
    assert not fold("person", PID, [edit]).exists
    assert fold("person", PID, [edit, CREATE]).values["phone"] == "9"


def _random_entries(draw: st.DrawFn) -> list[Entry]:
    devices = ["office", "lapA", "lapB"]
    out = [CREATE]
    for n in range(draw(st.integers(1, 7))):
        field = draw(st.sampled_from(["phone", "name", "status", "nik", "deleted"]))
        values = {
            "phone": ["1", "2", "3"],
            "name": ["Sri Contoh", "Sri Contoh Dua"],
            "status": ["aktif", "meninggal", "pindah"],
            "nik": ["3572014101700001", "3572014101700002"],
            "deleted": [False, True],
        }[field]
        before, after = draw(st.sampled_from(values)), draw(st.sampled_from(values))
        op = draw(st.sampled_from(["update", "update", RESOLVE_OP]))
        out.append(
            entry(
                n + 2,
                draw(st.integers(1000, 1010)),
                draw(st.sampled_from(devices)),
                {field: [before, after]},
                op,
            )
        )
    return out


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_order_folds_to_the_same_state(data: st.DataObject) -> None:
    entries = data.draw(st.composite(lambda draw: _random_entries(draw))())
    expected = fold("person", PID, entries)
    shuffled = data.draw(st.permutations(entries))
    again = fold("person", PID, shuffled)
    assert again.values == expected.values
    assert [(c.id, c.open, [x.change_id for x in c.candidates]) for c in again.conflicts] == [
        (c.id, c.open, [x.change_id for x in c.candidates]) for c in expected.conflicts
    ]


def test_all_orders_of_a_small_history_agree() -> None:
    a = entry(2, 2000, "lapA", {"phone": ["1", "2"]})
    b = entry(3, 2500, "lapB", {"status": ["aktif", "meninggal"]})
    c = entry(4, 3000, "office", {"status": ["aktif", "pindah"], "phone": ["1", "4"]})
    results = {
        json.dumps(fold("person", PID, list(p)).values, sort_keys=True)
        for p in itertools.permutations([CREATE, a, b, c])
    }
    assert len(results) == 1
