"""Architecture rules, checked by reading the imports of every module (ast, nothing executed).

- Only desktop_app/gui/ imports PySide6 (or shiboken6).
- desktop_app/domain/ imports nothing of the app's except itself (and only the stdlib).
- desktop_app/gui/ never imports desktop_app.storage, sqlmodel, sqlalchemy or sqlite3: it calls
  services.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import desktop_app

PACKAGE = Path(desktop_app.__file__).resolve().parent


def imports(path: Path, root: Path = PACKAGE.parent) -> list[tuple[int, str]]:
    """Absolute names of every import in a module, including ones inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package_parts = path.relative_to(root).with_suffix("").parts[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against the module's package
                base = list(package_parts[: len(package_parts) - node.level + 1])
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # "from desktop_app import storage" imports the subpackage
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return found


def modules(sub: str = "") -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


def top(name: str) -> str:
    return name.split(".")[0]


def where(path: Path, line: int, name: str) -> str:
    return f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"


def within(name: str, packages: tuple[str, ...]) -> bool:
    """Whether the imported module is one of `packages` or below one of them."""
    return any(name == p or name.startswith(p + ".") for p in packages)


def imports_of(sub: str, forbidden: tuple[str, ...]) -> list[str]:
    """Where the modules under `sub` import any of `forbidden`."""
    return [
        where(path, line, name)
        for path in modules(sub)
        for line, name in imports(path)
        if within(name, forbidden)
    ]


def test_only_gui_imports_qt():
    gui = PACKAGE / "gui"
    offenders = [
        where(path, line, name)
        for path in modules()
        if gui not in path.parents
        for line, name in imports(path)
        if top(name) in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}
    ]
    assert not offenders, offenders


def test_domain_imports_only_stdlib_and_itself():
    offenders = []
    for path in modules("domain"):
        for line, name in imports(path):
            if name.startswith("desktop_app"):
                if not name.startswith("desktop_app.domain"):
                    offenders.append(where(path, line, name))
            elif top(name) not in sys.stdlib_module_names and top(name) != "__future__":
                offenders.append(where(path, line, name))
    assert not offenders, offenders


def test_gui_never_touches_storage_or_sql():
    forbidden = ("desktop_app.storage", "sqlmodel", "sqlalchemy", "sqlite3")
    offenders = imports_of("gui", forbidden)
    assert not offenders, offenders


def test_the_scanner_sees_every_import_form(tmp_path):
    # Guard the guard: relative imports, imports inside functions and "from x import sub".
    probe = tmp_path / "desktop_app" / "gui" / "probe.py"
    probe.parent.mkdir(parents=True)
    source = (
        "import sqlite3\n"
        "from .. import storage\n"
        "def f():\n"
        "    from desktop_app.storage.db import Database\n"
        "from PySide6.QtCore import QObject\n"
    )
    probe.write_text(source, encoding="utf-8")
    names = [name for _, name in imports(probe, root=tmp_path)]
    assert "sqlite3" in names
    assert "desktop_app.storage" in names
    assert "desktop_app.storage.db" in names
    assert "PySide6.QtCore" in names


def _app_imports(sub: str) -> list[tuple[Path, int, str]]:
    return [
        (path, line, name)
        for path in modules(sub)
        for line, name in imports(path)
        if name.startswith("desktop_app")
    ]


def test_storage_imports_nothing_above_it():
    # storage/ may use domain/ (value types, coded refusals) and itself, nothing that uses it.
    allowed = ("desktop_app.storage", "desktop_app.domain")
    offenders = [
        where(path, line, name)
        for path, line, name in _app_imports("storage")
        if not within(name, allowed)
    ]
    assert not offenders, offenders


def test_documents_take_plain_data_not_storage():
    # Documents are built from plain data the services hand over: no sessions, no SQL.
    forbidden = ("desktop_app.storage", "desktop_app.services", "desktop_app.gui")
    forbidden += ("sqlmodel", "sqlalchemy", "sqlite3", "PySide6")
    offenders = imports_of("documents", forbidden)
    assert not offenders, offenders


def test_services_never_reach_into_another_modules_private_names():
    # "from desktop_app.services.x import _helper" couples two use cases through internals;
    # modules of one feature package may share private helpers among themselves.
    def private_from_elsewhere(path: Path, name: str) -> bool:
        last = name.rsplit(".", 1)[-1]
        if not last.startswith("_") or last.startswith("__"):
            return False
        owner_package = PACKAGE.joinpath(*name.split(".")[1:-2])
        layer_root = len(owner_package.relative_to(PACKAGE).parts) <= 1  # e.g. services/ itself
        return layer_root or path.parent != owner_package

    offenders = [
        where(path, line, name)
        for path, line, name in _app_imports("")
        if private_from_elsewhere(path, name)
    ]
    assert not offenders, offenders
