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
