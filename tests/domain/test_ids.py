import time
import uuid

from desktop_app.domain.ids import id_timestamp_ms, new_id


def test_format_is_canonical_uuid7():
    value = new_id()
    assert len(value) == 36
    parsed = uuid.UUID(value)
    assert str(parsed) == value
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122


def test_timestamp_is_now():
    before = time.time_ns() // 1_000_000
    value = new_id()
    after = time.time_ns() // 1_000_000
    # The counter may borrow a millisecond or two during a burst.
    assert before <= id_timestamp_ms(value) <= after + 5


def test_ids_sort_in_creation_order_and_are_unique():
    ids = [new_id() for _ in range(20_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_id_timestamp_rejects_other_versions():
    import pytest

    with pytest.raises(ValueError):
        id_timestamp_ms(str(uuid.uuid4()))


# -- new_ids / id_stream: the batch form for bulk writes ------------------------------------


def test_new_ids_are_canonical_uuid7_with_random_tails():
    from desktop_app.domain.ids import new_ids

    values = new_ids(5_000)
    assert len(values) == 5_000
    for value in values:
        parsed = uuid.UUID(value)
        assert str(parsed) == value
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
    # The 62 random bits differ (a tail repeated would mean the random bytes were reused).
    assert len({v[19:] for v in values}) == len(values)
    # The two random bits beside the variant take every value.
    assert {v[19] for v in values} == set("89ab")


def test_new_ids_interleaved_with_new_id_stay_in_creation_order():
    from desktop_app.domain.ids import new_ids

    values = [new_id()]
    for n in (1, 3, 0, 5_000, 2):
        values += new_ids(n)
        values.append(new_id())
    assert len(values) == 1 + 5_006 + 5
    assert values == sorted(values)
    assert len(set(values)) == len(values)


def test_new_ids_carry_the_counter_into_the_next_millisecond():
    from desktop_app.domain.ids import new_ids

    # More ids than one millisecond's 12-bit counter holds: the timestamp moves on by the
    # carry, the counter starts again at 0, and the order holds.
    values = new_ids(10_000)
    assert values == sorted(values)
    stamps = [id_timestamp_ms(v) for v in values]
    assert stamps == sorted(stamps)
    slots = [(ms, uuid.UUID(v).int >> 64 & 0xFFF) for ms, v in zip(stamps, values, strict=True)]
    for (a, ca), (b, cb) in zip(slots, slots[1:], strict=False):
        assert (b == a and cb == ca + 1) or (b == a + 1 and cb == 0 and ca == 0xFFF)
    before = time.time_ns() // 1_000_000
    assert before - 1_000 <= stamps[0] <= before
    # 10,000 ids borrow at most three milliseconds ahead of the clock.
    assert stamps[-1] - stamps[0] <= 3


def test_new_ids_from_threads_are_unique():
    import threading

    from desktop_app.domain.ids import new_ids

    out: list[list[str]] = []

    def work() -> None:
        out.append(new_ids(2_000) + [new_id() for _ in range(200)])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    values = [v for chunk in out for v in chunk]
    assert len(set(values)) == len(values) == 4 * 2_200
    for chunk in out:
        assert chunk == sorted(chunk)


def test_id_stream_is_ascending_and_unique_across_chunks():
    from itertools import islice

    from desktop_app.domain.ids import id_stream

    values = list(islice(id_stream(chunk=7), 100))
    assert values == sorted(values) and len(set(values)) == 100
    assert all(uuid.UUID(v).version == 7 for v in values)
