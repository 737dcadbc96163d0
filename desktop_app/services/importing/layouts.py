"""Recognised layouts: the published templates of the lists a Dinas Sosial receives (Dukcapil
SIAK, OpenSID penduduk, BNBA program lists, ...), each described by a small JSON file in
``resources/import_layouts/`` so that a new government template is a new file, not new code.

A layout file says how to recognise the template (its signature headers, optionally a word in
the title rows or a column-number row under the header), which header means which import field
(``columns``), which columns are known but not a person field (``extra_columns``: SIAK Status,
Cacat, Agama ...), the code tables of coded cells (Dukcapil ``1``/``2`` for sex, SHDK/kk_level
``1`` kepala keluarga ... ``11`` lainnya), whether KK + SHDK build households even in person
mode, and optional ``rules`` (block rules such as BIP's address lines) that a registered rule
module interprets. The format is described in docs/import-export.md ("Recognised layouts").

Recognising never refuses anything: a file that matches no layout is imported exactly as before
(suggested columns), and a clerk's given or remembered mapping always wins over a layout's.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from desktop_app.domain.nik import Issue
from desktop_app.services.importing.headers import (
    FIELD_BY_KEY,
    HeaderLayout,
    header_key,
    suggest_mapping,
)
from desktop_app.services.importing.messages import warning_issue

__all__ = [
    "LAYOUT_FORMAT",
    "READ_EXTRAS",
    "ImportLayout",
    "LayoutError",
    "RowRule",
    "code_key",
    "layout_by_id",
    "layout_mapping",
    "load_layout",
    "load_layouts",
    "not_stored_columns",
    "not_stored_note",
    "recognise",
    "register_row_rule",
    "row_rules",
    "title_text",
]

LAYOUT_FORMAT = 1
# Modules that register row rules (block rules). Imported lazily, only if present, so a rule
# module can be added beside this one without editing it.
_RULE_MODULES = ("desktop_app.services.importing.blocks",)

# Extra columns something reads (parse.read_list_status, parse.household_roles, the list's
# programme, blocks.DusunIntoStreet). Every other extra column a layout knows (agama,
# pendidikan, pekerjaan, status kawin, golongan darah, nama ibu ...) is not passed to the rows
# and never stored: the registry keeps only what the office's programmes need (data
# minimisation, UU PDP 27/2022 art. 16), and the report names those columns instead of
# dropping them silently.
READ_EXTRAS: frozenset[str] = frozenset(
    {
        "status",
        "status_regsosek",
        "disability",
        "relation_dtks",
        "head_name",
        "program_name",
        "dusun",
    }
)


class LayoutError(ValueError):
    """A layout file that does not follow the format (a programming/packaging error: layout
    files ship with the application, they are not user input)."""


@dataclass(frozen=True)
class ImportLayout:
    id: str  # "siak", "opensid_penduduk", ...
    name: str  # shown to the clerk: "SIAK Dukcapil"
    name_en: str
    # Each group is a set of alternative header names; every group must be present.
    signature: tuple[frozenset[str], ...]
    # Words (header keys) of which one must appear in the rows above the header, if given.
    title_words: tuple[str, ...] = ()
    needs_numbering_row: bool = False
    # Recognition without the column-number row: at least ``score_min`` of ``score_groups``
    # present, one of them from ``score_distinctive`` (words only this kind of list uses).
    score_groups: tuple[frozenset[str], ...] = ()
    score_distinctive: tuple[frozenset[str], ...] = ()
    score_min: int = 0
    priority: int = 0  # breaks ties between layouts whose signatures both match
    # header key -> import field (FIELD_BY_KEY) or extra field (anything else)
    columns: dict[str, str] = field(default_factory=dict)
    extra_columns: dict[str, str] = field(default_factory=dict)
    # field -> code key (code_key()) -> value the parser understands ("L", "Kepala Keluarga")
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    households: bool = False  # KK + relation build households, also in person mode
    rules: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    @property
    def signature_size(self) -> int:
        return len(self.signature)

    def decode(self, field_name: str, value: Any) -> Any:
        """The value a coded cell stands for ("1" in a sex column -> "L"); other values as
        they are."""
        table = self.codes.get(field_name)
        if not table or value is None:
            return value
        return table.get(code_key(value), value)

    def extra_mapping(self, labels: Sequence[str]) -> dict[str, int]:
        """Extra field -> column index for the extra columns this file has."""
        out: dict[str, int] = {}
        for col, label in enumerate(labels):
            name = self.extra_columns.get(_label_key(label))
            if name is None and " / " in label:  # "Identitas di Kartu Peserta / No. Kartu"
                name = self.extra_columns.get(header_key(label.rpartition(" / ")[2]))
            if name is not None and name not in out:
                out[name] = col
        return out


def code_key(value: Any) -> str:
    """A comparison key for a coded cell: 1, 1.0, "01", " 1 " -> "1"; "Laki-laki" ->
    "LAKILAKI"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = header_key(value)
    if key.isdigit():
        return str(int(key))
    return key


def _label_key(label: str) -> str:
    return header_key(label)


def _keys(names: Iterable[str]) -> list[str]:
    return [header_key(n) for n in names if header_key(n)]


def _groups(
    groups: Iterable[Any], fail: Callable[[str], LayoutError]
) -> tuple[frozenset[str], ...]:
    """Groups of alternative header names (a name alone is a group of one)."""
    out = []
    for group in groups:
        keys = _keys([group] if isinstance(group, str) else list(group))
        if not keys:
            raise fail("an empty signature group")
        out.append(frozenset(keys))
    return tuple(out)


def load_layout(data: dict[str, Any], source: str = "") -> ImportLayout:
    """One layout from its parsed JSON; LayoutError when it does not follow the format."""

    def fail(why: str) -> LayoutError:
        return LayoutError(f"import layout {source or data.get('id')!r}: {why}")

    if data.get("format", LAYOUT_FORMAT) != LAYOUT_FORMAT:
        raise fail(f"format {data.get('format')!r} is not {LAYOUT_FORMAT}")
    for key in ("id", "name", "signature"):
        if key not in data:
            raise fail(f"{key!r} missing")
    signature = _groups(data["signature"], fail)
    columns: dict[str, str] = {}
    for field_name, names in (data.get("columns") or {}).items():
        if field_name not in FIELD_BY_KEY:
            raise fail(f"unknown field {field_name!r} in columns (use extra_columns)")
        for key in _keys([names] if isinstance(names, str) else names):
            columns.setdefault(key, field_name)
    extra: dict[str, str] = {}
    for field_name, names in (data.get("extra_columns") or {}).items():
        if field_name in FIELD_BY_KEY:
            raise fail(f"{field_name!r} is an import field: list it under columns")
        for key in _keys([names] if isinstance(names, str) else names):
            extra.setdefault(key, field_name)
    codes: dict[str, dict[str, str]] = {}
    for field_name, table in (data.get("codes") or {}).items():
        if not isinstance(table, dict):
            raise fail(f"codes of {field_name!r} is not an object")
        codes[field_name] = {code_key(k): str(v) for k, v in table.items()}
    score = data.get("score") or {}
    score_groups = _groups(score.get("groups") or (), fail)
    score_distinctive = _groups(score.get("distinctive") or (), fail)
    score_min = int(score.get("min", 0))
    if score and (score_min < 1 or score_min > len(score_groups)):
        raise fail(f"score min {score_min} is not between 1 and {len(score_groups)}")
    return ImportLayout(
        id=str(data["id"]),
        name=str(data["name"]),
        name_en=str(data.get("name_en") or data["name"]),
        signature=tuple(signature),
        title_words=tuple(_keys(data.get("title_words") or ())),
        needs_numbering_row=bool(data.get("needs_numbering_row", False)),
        score_groups=score_groups,
        score_distinctive=score_distinctive,
        score_min=score_min,
        priority=int(data.get("priority", 0)),
        columns=columns,
        extra_columns=extra,
        codes=codes,
        households=bool(data.get("households", False)),
        rules=dict(data.get("rules") or {}),
        source=source,
    )


def _layout_dir() -> Path:
    from desktop_app.i18n import resource_path

    return resource_path("import_layouts")


@cache
def _load_dir(directory: str) -> tuple[ImportLayout, ...]:
    layouts = []
    for path in sorted(Path(directory).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LayoutError(f"import layout {path.name}: {exc}") from exc
        layouts.append(load_layout(data, path.name))
    ids = [layout.id for layout in layouts]
    if len(ids) != len(set(ids)):
        raise LayoutError(f"duplicate import layout ids in {directory}: {sorted(ids)}")
    return tuple(layouts)


def load_layouts(directory: Path | str | None = None) -> tuple[ImportLayout, ...]:
    """Every layout file in ``resources/import_layouts`` (or ``directory``), read once."""
    return _load_dir(str(directory if directory is not None else _layout_dir()))


def layout_by_id(layout_id: str) -> ImportLayout | None:
    return next((lay for lay in load_layouts() if lay.id == layout_id), None)


def title_text(head: Sequence[Sequence[Any]], header: HeaderLayout) -> str:
    """The text of the rows above the header (title block), as one string."""
    parts: list[str] = []
    for row in head[: header.row]:
        parts.extend(str(c) for c in row if isinstance(c, str) and c.strip())
    return " ".join(parts)


def _present_keys(labels: Sequence[str]) -> set[str]:
    """Header keys of the labels; for a joined "GROUP / SUB" label also the sub-header and the
    two run together ("JENIS KELAMIN / L" -> also "L", "JENISKELAMINL")."""
    keys: set[str] = set()
    for label in labels:
        if not label:
            continue
        keys.add(header_key(label))
        if " / " in label:
            group, _, sub = label.rpartition(" / ")
            keys.add(header_key(sub))
            keys.add(header_key(group))
    keys.discard("")
    return keys


def recognise(
    header: HeaderLayout,
    head: Sequence[Sequence[Any]] = (),
    layouts: Sequence[ImportLayout] | None = None,
) -> ImportLayout | None:
    """The layout this sheet follows, or None.

    Every signature group must name a header of the sheet; a layout with ``title_words`` also
    needs one of them in the title rows, one with ``needs_numbering_row`` a column-number row
    under the header, or else (when it has a ``score``) enough of its typical headers, one of
    them distinctive (BNBA: NAMA KPM, JENIS BANTUAN, TANDA TANGAN ...). Of several that match,
    the one with the largest signature (then the highest priority) wins: the most specific
    description of the file.
    """
    present = _present_keys(header.labels)
    title = header_key(title_text(head, header)) if head else ""
    best: ImportLayout | None = None
    for layout in load_layouts() if layouts is None else layouts:
        if not all(group & present for group in layout.signature):
            continue
        if layout.title_words and not any(w in title for w in layout.title_words):
            continue
        if (
            layout.needs_numbering_row
            and not header.numbering_rows
            and not _scores(layout, present)
        ):
            continue
        if best is None or (layout.signature_size, layout.priority) > (
            best.signature_size,
            best.priority,
        ):
            best = layout
    return best


def _scores(layout: ImportLayout, present: set[str]) -> bool:
    if not layout.score_groups:
        return False
    hits = sum(1 for group in layout.score_groups if group & present)
    return hits >= layout.score_min and any(group & present for group in layout.score_distinctive)


def not_stored_columns(
    layout: ImportLayout | None, labels: Sequence[str], mapping: dict[str, int]
) -> list[str]:
    """The columns of a recognised layout that are read but deliberately not stored (READ_EXTRAS
    says which extras are used), by header name, for the report; a column the clerk mapped to a
    field is stored and not listed."""
    if layout is None:
        return []
    used = set(mapping.values())
    return [
        labels[col]
        for name, col in sorted(layout.extra_mapping(labels).items(), key=lambda item: item[1])
        if name not in READ_EXTRAS and col not in used
    ]


def not_stored_note(columns: Sequence[str]) -> Issue:
    """The report's line naming the columns read but not stored, and why."""
    return warning_issue(
        "import.columns_not_stored",
        "Kolom tidak disimpan (tidak diperlukan untuk program Dinas Sosial; UU PDP pasal 16): "
        "{columns}.",
        columns=", ".join(columns),
    )


def layout_mapping(
    layout: ImportLayout, labels: Sequence[str], fields: Sequence[str]
) -> dict[str, int]:
    """Field -> column for an import kind: the layout's own header names first, then the usual
    suggestions for the columns it does not name. Each column is used once."""
    mapping: dict[str, int] = {}
    for col, label in enumerate(labels):
        found = layout.columns.get(_label_key(label))
        if found is None and " / " in label:
            found = layout.columns.get(header_key(label.rpartition(" / ")[2]))
        if found is not None and found in fields and found not in mapping:
            mapping[found] = col
    taken = set(mapping.values())
    extra_cols = set(layout.extra_mapping(labels).values())
    rest = ["" if (i in taken or i in extra_cols) else label for i, label in enumerate(labels)]
    for key, col in suggest_mapping(rest, [f for f in fields if f not in mapping]).items():
        mapping[key] = col
    if "sex" in mapping:
        mapping.pop("sex_male_mark", None)
        mapping.pop("sex_female_mark", None)
    return mapping


# -- row rules (block rules) ---------------------------------------------------------------------


class RowRule(Protocol):
    """Sees every row from the first data row on, in order, before it is parsed.

    ``row`` returns the row to parse (the same list, or an amended copy: a family's address
    filled in from its address line), or None when the row is not a person (an address line,
    a repeated header): such rows are counted as ignored.
    """

    def row(self, index: int, row: list[Any]) -> list[Any] | None: ...


# name -> factory(layout, rule_options, prepared_import) -> RowRule
RowRuleFactory = Callable[[ImportLayout, Any, Any], RowRule]
_ROW_RULES: dict[str, RowRuleFactory] = {}


def register_row_rule(name: str) -> Callable[[RowRuleFactory], RowRuleFactory]:
    """Decorator: a factory for the rule a layout names under ``rules`` (``"rules": {name:
    options}``)."""

    def add(factory: RowRuleFactory) -> RowRuleFactory:
        _ROW_RULES[name] = factory
        return factory

    return add


@cache
def _import_rule_modules() -> None:
    for module in _RULE_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def row_rules(layout: ImportLayout | None, prepared: Any) -> list[RowRule]:
    """The row rules of a layout, made for one prepared import; rules nobody registered are
    skipped (a layout file newer than the code still imports its columns)."""
    if layout is None or not layout.rules:
        return []
    _import_rule_modules()
    return [
        _ROW_RULES[name](layout, options, prepared)
        for name, options in layout.rules.items()
        if name in _ROW_RULES
    ]
