import ast
import sys
from pathlib import Path

import desktop_app.domain

DOMAIN = Path(desktop_app.domain.__file__).resolve().parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_domain_imports_only_stdlib_and_itself():
    offenders = []
    for path in sorted(DOMAIN.glob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if module.startswith("desktop_app.domain") or top == "__future__":
                continue
            if top not in sys.stdlib_module_names:
                offenders.append(f"{path.name}: {module}")
    assert not offenders, offenders
