from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.training import (
    TrainingStatus,
    can_move,
    can_still_complete,
    certificate_issue_date,
    daily_dates,
    format_certificate_number,
    format_date_range_id,
    numbered_topics,
    parse_certificate_number,
    parse_time,
    sessions_needed,
    split_trainers,
    widened_dates,
)


def test_status_moves_forward_only() -> None:
    assert can_move("direncanakan", "berjalan")
    assert can_move(TrainingStatus.RUNNING, TrainingStatus.FINISHED)
    assert can_move("direncanakan", "selesai")
    assert not can_move("selesai", "berjalan")
    assert not can_move("berjalan", "direncanakan")


def test_daily_dates_inclusive_and_weekdays() -> None:
    assert [d.day for d in daily_dates(date(2026, 12, 1), date(2026, 12, 5))] == [1, 2, 3, 4, 5]
    weekdays = list(daily_dates(date(2026, 12, 4), date(2026, 12, 8), weekdays=range(5)))
    assert [d.day for d in weekdays] == [4, 7, 8]
    assert list(daily_dates(date(2026, 12, 5), date(2026, 12, 1))) == []


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (date(2026, 12, 1), date(2026, 12, 5), "1 - 5 Desember 2026"),
        (date(2026, 11, 28), date(2026, 12, 2), "28 November - 2 Desember 2026"),
        (date(2026, 12, 30), date(2027, 1, 2), "30 Desember 2026 - 2 Januari 2027"),
        (date(2026, 12, 1), date(2026, 12, 1), "1 Desember 2026"),
    ],
)
def test_date_range_in_indonesian(start: date, end: date, text: str) -> None:
    assert format_date_range_id(start, end) == text


def test_parse_time() -> None:
    assert parse_time("08.00") == time(8, 0)
    assert parse_time(" 8:30 ") == time(8, 30)
    assert parse_time("24.00") is None
    assert parse_time("jam 8") is None


def test_certificate_number_format() -> None:
    number = format_certificate_number(7, "KANTOR", date(2026, 12, 3))
    assert number == "0007/SERT-PLT/KANTOR/XII/2026"
    with pytest.raises(ValueError):
        format_certificate_number(0, "KANTOR", date(2026, 12, 3))
    with pytest.raises(ValueError):
        format_certificate_number(1, "kantor 1", date(2026, 12, 3))
    assert parse_certificate_number("0007/SERT-PLT/KANTOR/XIII/2026") is None
    assert parse_certificate_number("bukan nomor") is None


@given(
    st.integers(min_value=1, max_value=10**6),
    st.from_regex(r"[A-Z0-9]{2,8}", fullmatch=True),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
)
def test_certificate_number_round_trip(sequence: int, device: str, issued: date) -> None:
    number = format_certificate_number(sequence, device, issued)
    parsed = parse_certificate_number(number.lower())
    assert parsed is not None
    assert (parsed.sequence, parsed.device, parsed.month, parsed.year) == (
        sequence,
        device,
        issued.month,
        issued.year,
    )
    assert str(parsed) == number


@pytest.mark.parametrize(
    ("present", "total", "threshold", "needed"),
    [
        (0, 4, 80, 4),
        (3, 4, 80, 1),
        (4, 5, 80, 0),
        (3, 5, 80, 1),
        (0, 3, 67, 3),
        (2, 3, 67, 1),
        (2, 3, 66, 0),
        (0, 0, 80, 0),
        (0, 5, 0, 0),
    ],
)
def test_sessions_needed(present: int, total: int, threshold: int, needed: int) -> None:
    assert sessions_needed(present, total, threshold) == needed


def test_can_still_complete() -> None:
    assert can_still_complete(2, 1, 4, 80) is False  # 80% of 4 sessions needs all 4
    assert can_still_complete(2, 2, 4, 80) is True
    assert can_still_complete(2, 2, 5, 80) is True
    assert can_still_complete(4, 0, 5, 80) is True
    assert can_still_complete(0, 0, 0, 0) is False


def test_topics_are_used_in_order_then_numbered_on() -> None:
    days = [date(2026, 12, d) for d in (1, 2, 3)]
    assert numbered_topics(days, ["Pembukaan"], already=2) == [
        (date(2026, 12, 1), "Pembukaan"),
        (date(2026, 12, 2), "Sesi 4"),
        (date(2026, 12, 3), "Sesi 5"),
    ]


def test_session_dates_widen_the_training() -> None:
    start, end = date(2026, 12, 2), date(2026, 12, 4)
    assert widened_dates(start, end, [date(2026, 12, 3)]) == (start, end)
    assert widened_dates(start, end, [date(2026, 12, 1), date(2026, 12, 8)]) == (
        date(2026, 12, 1),
        date(2026, 12, 8),
    )


def test_trainers_from_lines_or_semicolons() -> None:
    assert split_trainers("Sri  Wahyuni; Budi\n\n Rina ") == ["Sri Wahyuni", "Budi", "Rina"]
    assert split_trainers(["A; B", " ", "C"]) == ["A", "B", "C"]


def test_certificates_are_dated_on_the_closing_day_unless_earlier() -> None:
    end = date(2026, 11, 20)
    assert certificate_issue_date(end, date(2026, 12, 1)) == end
    assert certificate_issue_date(end, date(2026, 11, 18)) == date(2026, 11, 18)
