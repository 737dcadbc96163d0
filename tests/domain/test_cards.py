"""Card codes carry the minting device, like receipt numbers, and never look like one."""

from __future__ import annotations

import pytest

from desktop_app.domain.cards import CardCode, card_code_prefix, format_card_code, parse_card_code
from desktop_app.domain.receipts import parse_receipt_number


def test_format_and_parse_round_trip():
    code = format_card_code("LAP02", 123)
    assert code == "LAP02-K000123"
    assert parse_card_code(code) == CardCode("LAP02", 123)
    assert str(CardCode("LAP02", 123)) == code
    assert parse_card_code(" lap02-k000123 ") == CardCode("LAP02", 123)
    assert format_card_code("KANTOR", 1_234_567) == "KANTOR-K1234567"


def test_two_devices_never_share_a_code():
    assert format_card_code("LAP01", 1) != format_card_code("LAP02", 1)
    assert card_code_prefix("LAP01") == "LAP01-K"


def test_a_card_code_is_not_a_receipt_number():
    assert parse_receipt_number(format_card_code("LAP02", 7)) is None


@pytest.mark.parametrize("text", ["K357201100100007", "RST-00000042", "RST4-LAP02-000123", ""])
def test_other_shapes_are_not_parsed(text):
    assert parse_card_code(text) is None


@pytest.mark.parametrize(("device", "seq"), [("lap02", 1), ("X", 1), ("LAP02", 0)])
def test_bad_parts_are_refused(device, seq):
    with pytest.raises(ValueError):
        format_card_code(device, seq)
