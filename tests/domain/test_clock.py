from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.clock import (
    WIB,
    Clock,
    ClockDriftError,
    FixedClock,
    HybridClock,
    SystemClock,
    Timestamp,
    office_timezone,
)


class FakeWall:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_encode_decode():
    ts = Timestamp(1_700_000_000_123, 7, "LAPTOP-1")
    assert ts.encode() == "1700000000123-00007-LAPTOP-1"
    assert Timestamp.decode(ts.encode()) == ts
    assert str(ts) == ts.encode()


@pytest.mark.parametrize("bad", ["", "123-1-X", "1700000000123-00007", "abcdefghijklm-00001-X"])
def test_decode_rejects_garbage(bad):
    with pytest.raises(ValueError):
        Timestamp.decode(bad)


def test_invalid_fields_rejected():
    with pytest.raises(ValueError):
        Timestamp(-1, 0, "A")
    with pytest.raises(ValueError):
        Timestamp(0, 100_000, "A")
    with pytest.raises(ValueError):
        Timestamp(0, 0, "")
    with pytest.raises(ValueError):
        HybridClock("")


timestamps = st.builds(
    Timestamp,
    st.integers(0, 10**13 - 1),
    st.integers(0, 99_999),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=10),
)


@given(timestamps, timestamps)
def test_encoding_sorts_like_timestamps(a, b):
    assert (a < b) == (a.encode() < b.encode())
    assert Timestamp.decode(a.encode()) == a


def test_now_is_monotonic_when_wall_clock_goes_back():
    wall = FakeWall(1_000)
    clock = HybridClock("A", now_ms=wall)
    first = clock.now()
    assert first == Timestamp(1_000, 0, "A")
    second = clock.now()  # same millisecond
    assert second == Timestamp(1_000, 1, "A")
    wall.ms = 500  # the clock was set back
    third = clock.now()
    assert third == Timestamp(1_000, 2, "A")
    wall.ms = 2_000
    assert clock.now() == Timestamp(2_000, 0, "A")
    assert first < second < third


def test_resume_from_last():
    clock = HybridClock("A", now_ms=FakeWall(10), last=Timestamp(5_000, 3, "A"))
    assert clock.now() == Timestamp(5_000, 4, "A")
    assert clock.last == Timestamp(5_000, 4, "A")


def test_observe_remote_ahead():
    clock = HybridClock("A", now_ms=FakeWall(1_000))
    clock.now()
    remote = Timestamp(5_000, 2, "B")
    received = clock.observe(remote)
    assert received == Timestamp(5_000, 3, "A")
    assert received > remote
    assert clock.now() > received


def test_observe_remote_behind():
    clock = HybridClock("A", now_ms=FakeWall(9_000))
    assert clock.observe(Timestamp(1_000, 50, "B")) == Timestamp(9_000, 0, "A")


def test_observe_same_wall():
    clock = HybridClock("A", now_ms=FakeWall(100), last=Timestamp(3_000, 4, "A"))
    assert clock.observe(Timestamp(3_000, 9, "B")) == Timestamp(3_000, 10, "A")
    clock2 = HybridClock("A", now_ms=FakeWall(100), last=Timestamp(3_000, 12, "A"))
    assert clock2.observe(Timestamp(3_000, 9, "B")) == Timestamp(3_000, 13, "A")


def test_counter_overflow_borrows_a_millisecond():
    clock = HybridClock("A", now_ms=FakeWall(0), last=Timestamp(7_000, 99_999, "A"))
    assert clock.now() == Timestamp(7_001, 0, "A")


def test_drift_guard():
    clock = HybridClock("A", now_ms=FakeWall(1_000), max_drift_ms=60_000)
    clock.observe(Timestamp(50_000, 0, "B"))
    with pytest.raises(ClockDriftError):
        clock.observe(Timestamp(1_000 + 60_001, 0, "B"))


@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("now"), st.integers(0, 10_000)),
            st.tuples(st.just("observe"), st.integers(0, 10_000), st.integers(0, 1_000)),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_hlc_never_goes_backwards(events):
    wall = FakeWall(0)
    clock = HybridClock("A", now_ms=wall)
    previous = None
    for event in events:
        wall.ms = event[1]
        if event[0] == "now":
            ts = clock.now()
        else:
            remote = Timestamp(event[1] + 5, event[2], "B")
            ts = clock.observe(remote)
            assert ts > remote
        if previous is not None:
            assert ts > previous
        assert ts.wall_ms >= wall.ms
        previous = ts


def test_system_clock():
    clock = SystemClock()
    assert isinstance(clock, Clock)
    now = clock.now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)
    before = datetime.now(WIB).date()
    today = clock.today()
    assert today in {before, datetime.now(WIB).date()}  # tolerate crossing midnight


def test_fixed_clock_uses_wib_for_the_date():
    # 20:00 UTC is already the next day in Blitar.
    clock = FixedClock(datetime(2026, 11, 27, 20, 0, tzinfo=UTC))
    assert isinstance(clock, Clock)
    assert clock.today() == date(2026, 11, 28)
    assert clock.now() == datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    clock.advance(days=1)
    assert clock.today() == date(2026, 11, 29)
    assert clock.now_ms() == int(datetime(2026, 11, 28, 20, 0, tzinfo=UTC).timestamp() * 1000)
    assert FixedClock(date(2026, 1, 2)).today() == date(2026, 1, 2)
    assert FixedClock(datetime(2026, 1, 2, 23, 0)).today() == date(2026, 1, 2)  # naive = WIB
    assert FixedClock().now().tzinfo is not None


def test_office_timezones():
    assert office_timezone("wib").utcoffset(None) == timedelta(hours=7)
    assert office_timezone("WITA").utcoffset(None) == timedelta(hours=8)
    assert office_timezone("WIT").utcoffset(None) == timedelta(hours=9)
    with pytest.raises(KeyError):
        office_timezone("CET")


def test_fixed_clock_drives_hybrid_clock():
    calendar = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    hlc = HybridClock("KANTOR", now_ms=calendar.now_ms)
    first = hlc.now()
    calendar.advance(seconds=1)
    second = hlc.now()
    assert second.wall_ms - first.wall_ms == 1000


@pytest.mark.parametrize("n", [1, 5, 100_001])
def test_now_many_equals_repeated_now_within_one_millisecond(n: int) -> None:
    bulk = HybridClock("dev", now_ms=lambda: 5_000, last=Timestamp(5_000, 99_990, "dev"))
    single = HybridClock("dev", now_ms=lambda: 5_000, last=Timestamp(5_000, 99_990, "dev"))
    stamps = bulk.now_many(n)
    assert stamps == [single.now().encode() for _ in range(n)]
    assert bulk.last == single.last
    assert bulk.now() == single.now()  # and the clock goes on from the same place
