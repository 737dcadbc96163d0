import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.receipts import (
    ReceiptNumber,
    format_receipt_number,
    parse_receipt_number,
    verification_code,
    verify_code,
)

KEY = b"kunci-uji-bukan-rahasia"


def test_format_and_parse():
    number = format_receipt_number("RST4", "LAP02", 123)
    assert number == "RST4-LAP02-000123"
    assert parse_receipt_number(number) == ReceiptNumber("RST4", "LAP02", 123)
    assert parse_receipt_number(" rst4-lap02-000123 ") == ReceiptNumber("RST4", "LAP02", 123)
    assert str(ReceiptNumber("RST4", "KANTOR", 1_234_567)) == "RST4-KANTOR-1234567"


@pytest.mark.parametrize(
    "args",
    [
        ("", "LAP02", 1),
        ("RST-4", "LAP02", 1),
        ("RST4", "L", 1),
        ("RST4", "lap02", 1),
        ("R", "AB", 0),
    ],
)
def test_format_rejects_bad_parts(args):
    with pytest.raises(ValueError):
        format_receipt_number(*args)


@pytest.mark.parametrize("text", ["", "RST4-LAP02", "RST4-LAP02-12", "3572010101900001", None])
def test_parse_rejects_other_text(text):
    assert parse_receipt_number(text) is None


@given(
    st.from_regex(r"[A-Z0-9]{1,8}", fullmatch=True),
    st.from_regex(r"[A-Z0-9]{2,8}", fullmatch=True),
    st.integers(1, 10**9),
)
def test_round_trip(round_code, device, sequence):
    number = format_receipt_number(round_code, device, sequence)
    assert parse_receipt_number(number) == ReceiptNumber(round_code, device, sequence)


def test_devices_never_share_numbers():
    a = {format_receipt_number("RST4", "LAP01", n) for n in range(1, 500)}
    b = {format_receipt_number("RST4", "LAP02", n) for n in range(1, 500)}
    assert not a & b


def test_verification_code():
    code = verification_code("RST4-LAP02-000123", KEY)
    assert len(code) == 6
    assert code == verification_code("RST4-LAP02-000123", KEY)
    assert verify_code("RST4-LAP02-000123", code.lower(), KEY)
    assert not verify_code("RST4-LAP02-000124", code, KEY)
    assert not verify_code("RST4-LAP02-000123", code, b"kunci-lain")
