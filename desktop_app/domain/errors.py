"""Coded refusals: a stable code, an Indonesian and an English template, and parameters.

Every refusal a person can read is a `Refusal` built from a `Msg`. Programs (the GUI, the CLI,
tests) branch on `code`, never on the text; people read `render(lang)`. Keeping both templates
beside the code that raises them means a new refusal cannot be added without its English text,
and `tests/test_refusals.py` checks that both templates use the same parameters.

This module is stdlib-only like the rest of domain/, so storage/ and services/ can raise the
same type.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Msg", "Refusal", "all_messages", "render_template", "uncoded"]

_REGISTRY: dict[str, Msg] = {}


@dataclass(frozen=True)
class Msg:
    """One kind of refusal: `code` is stable (tests and the GUI rely on it), `id`/`en` are the
    Indonesian and English templates with `{name}` placeholders."""

    code: str
    id: str
    en: str

    def __post_init__(self) -> None:
        known = _REGISTRY.get(self.code)
        if known is not None and (known.id, known.en) != (self.id, self.en):
            # Two meanings for one code would make the GUI's branches lie.
            raise ValueError(f"refusal code {self.code!r} defined twice with different texts")
        _REGISTRY[self.code] = self

    def template(self, lang: str = "id") -> str:
        return self.en if lang == "en" else self.id

    def text(self, lang: str = "id", /, **params: Any) -> str:
        return render_template(self.template(lang), params, fallback=self.id)

    def placeholders(self, lang: str = "id") -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.template(lang)) if name}


def render_template(template: str, params: Mapping[str, Any], fallback: str = "") -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        # A broken translation must never hide the refusal itself.
        try:
            return (fallback or template).format(**params)
        except (KeyError, IndexError, ValueError):
            return fallback or template


UNCODED = "uncoded"


def uncoded(text: str) -> Msg:
    """A refusal that has no code yet: shown as it is in both languages.

    Only for the transition from plain-text refusals; tests/test_refusals.py lists what is left.
    """
    msg = object.__new__(Msg)
    object.__setattr__(msg, "code", UNCODED)
    object.__setattr__(msg, "id", text)
    object.__setattr__(msg, "en", text)
    return msg


def all_messages() -> dict[str, Msg]:
    """Every Msg defined so far (modules register theirs when imported)."""
    return dict(_REGISTRY)


class Refusal(Exception):
    """A rule refused what was asked. `message` is Indonesian (logs, CLI default); the GUI and
    CLI show `render(lang)` in the chosen language."""

    def __init__(self, msg: Msg | str, /, **params: Any) -> None:
        if isinstance(msg, str):
            msg = uncoded(msg)
        self.msg = msg
        self.code = msg.code
        self.params: dict[str, Any] = dict(params)
        super().__init__(self.message)

    @property
    def template(self) -> str:
        return self.msg.id

    @property
    def message(self) -> str:
        return self.msg.text("id", **self.params)

    def render(self, lang: str = "id") -> str:
        return self.msg.text(lang, **self.params)

    def __reduce__(self) -> tuple[Any, ...]:
        # Refusals cross process boundaries (the crash tests, worker pools): keep them picklable.
        return (_rebuild, (type(self), self.msg, self.params))


def _rebuild(cls: type[Refusal], msg: Msg, params: dict[str, Any]) -> Refusal:
    obj = cls.__new__(cls)
    Refusal.__init__(obj, msg, **params)
    return obj
