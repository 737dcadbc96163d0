"""Every coded refusal has an English template with the same parameters, and a well-formed code."""

from __future__ import annotations

import importlib
import pickle
import pkgutil
import re

import pytest

import desktop_app
from desktop_app.domain.errors import Msg, Refusal, all_messages

_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def _import_everything() -> None:
    for info in pkgutil.walk_packages(desktop_app.__path__, "desktop_app."):
        if ".gui" in info.name or info.name.endswith("__main__"):
            continue  # gui/ needs Qt; its refusals come from services anyway
        importlib.import_module(info.name)


def test_every_message_has_english_with_the_same_parameters():
    _import_everything()
    messages = {c: m for c, m in all_messages().items() if not c.startswith("test.")}
    assert messages, "no coded refusals registered"
    problems = []
    for code, msg in messages.items():
        if not _CODE.match(code):
            problems.append(f"{code}: code must look like 'area.what_happened'")
        if not msg.id.strip() or not msg.en.strip():
            problems.append(f"{code}: empty template")
        # A parameter may come in two languages: `{role}` in Indonesian, `{role_en}` in English.
        english = {p.removesuffix("_en") for p in msg.placeholders("en")}
        if msg.placeholders("id") != english:
            problems.append(f"{code}: id {msg.placeholders('id')} != en {msg.placeholders('en')}")
    assert not problems, "\n".join(problems)


def test_a_code_cannot_mean_two_things():
    Msg("test.same_code", "Satu {x}.", "One {x}.")
    Msg("test.same_code", "Satu {x}.", "One {x}.")  # the same definition twice is harmless
    with pytest.raises(ValueError):
        Msg("test.same_code", "Dua {x}.", "Two {x}.")


def test_refusal_renders_in_both_languages_and_survives_pickling():
    msg = Msg("test.render", "Babak {name} sudah ditutup.", "Round {name} is already closed.")
    exc = Refusal(msg, name="Tahap III")
    assert exc.code == "test.render"
    assert exc.message == "Babak Tahap III sudah ditutup."
    assert exc.render("en") == "Round Tahap III is already closed."
    again = pickle.loads(pickle.dumps(exc))
    assert (again.code, again.params) == (exc.code, exc.params)
    assert again.render("en") == exc.render("en")


def test_a_broken_translation_falls_back_to_indonesian():
    msg = Msg("test.broken_en", "Ada {n} baris.", "There are {count} rows.")
    assert Refusal(msg, n=3).render("en") == "Ada 3 baris."


def _refusal_class_names() -> set[str]:
    """Names of every Refusal subclass in the app (services, storage, commands, gui)."""
    _import_everything()
    names = {"Refusal"}
    pending = [Refusal]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            names.add(sub.__name__)
            pending.append(sub)
    return names


def test_no_refusal_is_raised_as_plain_text():
    # A plain-text refusal has no code (the GUI cannot branch on it) and no English template.
    import ast
    from pathlib import Path

    root = Path(desktop_app.__file__).resolve().parent
    refusals = _refusal_class_names() | {"ServiceError"}
    offenders = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            first = node.args[0]
            textual = isinstance(first, ast.JoinedStr) or (
                isinstance(first, ast.Constant) and isinstance(first.value, str)
            )
            if (name in refusals and textual) or (name == "uncoded" and path.name != "errors.py"):
                offenders.append(f"{path.relative_to(root.parent)}:{node.lineno}: {name}(...)")
    assert not offenders, "\n".join(offenders)
