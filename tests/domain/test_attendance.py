import pytest

from desktop_app.domain.attendance import (
    ATTENDANCE_LABELS,
    AttendanceCode,
    attendance_pct,
    floor_pct,
    is_complete,
    parse_attendance,
)

H, IZ, S, A = AttendanceCode.HADIR, AttendanceCode.IZIN, AttendanceCode.SAKIT, AttendanceCode.ALPA


def test_codes_and_labels():
    assert [c.value for c in AttendanceCode] == ["H", "I", "S", "A"]
    assert ATTENDANCE_LABELS[S] == "Sakit"
    assert set(ATTENDANCE_LABELS) == set(AttendanceCode)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("H", H),
        ("hadir", H),
        (" h ", H),
        ("\u2713", H),
        ("I", IZ),
        ("Ijin", IZ),
        ("s", S),
        ("SAKIT", S),
        ("A", A),
        ("Alfa", A),
        ("tidak hadir", A),
        ("", None),
        ("Q", None),
    ],
)
def test_parse_attendance(raw, code):
    assert parse_attendance(raw) == code


def test_attendance_pct_counts_only_present():
    assert attendance_pct([H, H, IZ, S, A], 5) == 40.0
    assert attendance_pct(["H", "H"], 4) == 50.0
    assert attendance_pct([], 0) == 0.0
    assert attendance_pct([H, None, H], 3) == pytest.approx(66.6667, abs=1e-3)


@pytest.mark.parametrize(
    ("codes", "sessions", "threshold", "passed"),
    [
        ([H] * 8 + [A, A], 10, 80, True),
        ([H] * 7 + [IZ, S, A], 10, 80, False),
        ([H, H, H, H], 5, 80, True),
        ([H, H, H], 5, 60, True),
        ([H, H], 3, 67, False),  # 66.7 % is below 67
        ([H] * 3, 3, 100, True),
        ([], 0, 80, False),
    ],
)
def test_is_complete(codes, sessions, threshold, passed):
    assert is_complete(codes, sessions, threshold) is passed


def test_share_is_floored() -> None:
    assert floor_pct(2, 3) == 66
    assert floor_pct(4, 5) == 80
    assert floor_pct(1, 0) == 0
