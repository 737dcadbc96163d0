"""Finds the Indonesian message templates in the source, for the tests that check en.json."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import desktop_app

PACKAGE = Path(desktop_app.__file__).resolve().parent
EN_JSON = PACKAGE.parent / "resources" / "i18n" / "en.json"


def template_arguments(files: Mapping[Path, Mapping[str, int]]) -> list[tuple[str, int, str]]:
    """(file name, line, text) of each string literal passed to a builder call.

    `files` maps each source file to its builders: call name -> position of the template among
    the positional arguments.
    """
    found = []
    for path, builders in files.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            position = builders.get(name)
            if position is None or len(node.args) <= position:
                continue
            arg = node.args[position]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append((path.name, node.lineno, arg.value))
    return found
