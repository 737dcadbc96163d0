"""Feature areas share one `print` command."""

from __future__ import annotations

import argparse

import pytest

from desktop_app.commands.printing import get_print_subparsers


def test_two_areas_share_one_print_command() -> None:
    parser = argparse.ArgumentParser(prog="berdaya")
    sub = parser.add_subparsers(dest="command")
    first = get_print_subparsers(sub)
    first.add_parser("list").set_defaults(which="list")
    second = get_print_subparsers(sub)
    second.add_parser("certificates").set_defaults(which="certificates")
    assert first is second
    assert parser.parse_args(["print", "list"]).which == "list"
    assert parser.parse_args(["print", "certificates"]).which == "certificates"


def test_print_without_document_is_a_usage_error() -> None:
    parser = argparse.ArgumentParser(prog="berdaya")
    get_print_subparsers(parser.add_subparsers(dest="command"))
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(["print"])
    assert exc.value.code == 2
