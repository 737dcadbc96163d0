"""User-interface language and resource lookup.

The source text of every UI string is Indonesian; ``tr`` returns the English entry from
``resources/i18n/en.json`` when the language is English, and the Indonesian text otherwise.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Protocol

__all__ = [
    "LANGUAGES",
    "get_language",
    "reload_translations",
    "resource_path",
    "set_language",
    "tr",
    "tr_issue",
    "tr_refusal",
]

LANGUAGES: dict[str, str] = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"

_language = DEFAULT_LANGUAGE
_catalogues: dict[str, dict[str, str]] = {}
_lock = threading.Lock()


def _resource_roots() -> list[Path]:
    roots: list[Path] = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:  # PyInstaller one-folder/one-file bundle
        roots.append(Path(frozen_root) / "resources")
    package_dir = Path(__file__).resolve().parent
    roots.append(package_dir / "_resources")  # installed wheel (force-include in pyproject)
    roots.append(package_dir.parent / "resources")  # source checkout
    return roots


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource, e.g. ``resource_path("i18n", "en.json")``.

    Looks in the PyInstaller bundle, then the installed package, then the source checkout.
    """
    roots = _resource_roots()
    for root in roots:
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    searched = ", ".join(str(root) for root in roots)
    raise FileNotFoundError(f"resource {'/'.join(parts)!r} not found (searched: {searched})")


def set_language(lang: str) -> None:
    global _language
    lang = (lang or DEFAULT_LANGUAGE).strip().lower()
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _language = lang


def get_language() -> str:
    return _language


def _catalogue(lang: str) -> dict[str, str]:
    with _lock:
        if lang not in _catalogues:
            try:
                path = resource_path("i18n", f"{lang}.json")
                data = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                data = {}
            _catalogues[lang] = {str(k): str(v) for k, v in data.items() if v}
        return _catalogues[lang]


def reload_translations() -> None:
    """Forget cached catalogues (after editing a translation file)."""
    with _lock:
        _catalogues.clear()


def tr(text: str, **params: object) -> str:
    """Translate Indonesian source text into the current language, then fill in ``params``."""
    result = text
    if _language != DEFAULT_LANGUAGE:
        result = _catalogue(_language).get(text, text)
    if params:
        try:
            result = result.format(**params)
        except (KeyError, IndexError, ValueError):
            # A broken translation must never crash the UI: fall back to the source text.
            result = text.format(**params)
    return result


class _Translatable(Protocol):
    template: str
    params: dict[str, str | int]


def tr_issue(issue: _Translatable) -> str:
    """The message of a domain Issue in the current language.

    Domain code is stdlib-only and cannot call tr(), so it keeps the Indonesian template and its
    parameters apart; here the template is translated first, then string parameters that are
    themselves UI words (a field label, "perempuan") are translated, then filled in.
    """
    params = {
        key: tr(value) if isinstance(value, str) else value for key, value in issue.params.items()
    }
    return tr(issue.template, **params)


class _Renderable(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def message(self) -> str: ...

    def render(self, lang: str = "id") -> str: ...


def tr_refusal(exc: _Renderable) -> str:
    """A coded refusal (domain.errors.Refusal) in the current language.

    Uncoded refusals fall back to the catalogue lookup of their Indonesian text.
    """
    if exc.code == "uncoded":
        return tr(exc.message)
    return exc.render(_language)
