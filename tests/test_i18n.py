import ast
import json
import string
from pathlib import Path

import pytest

import desktop_app
from desktop_app import i18n

PACKAGE = Path(desktop_app.__file__).resolve().parent
EN_JSON = PACKAGE.parent / "resources" / "i18n" / "en.json"


@pytest.fixture(autouse=True)
def restore_language():
    yield
    i18n.set_language("id")
    i18n.reload_translations()


def tr_literals() -> list[tuple[str, int, str]]:
    """Every tr("literal") call in desktop_app/: (file, line, text)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            first = node.args[0]
            if name == "tr" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((str(path.relative_to(PACKAGE.parent)), node.lineno, first.value))
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_en_json_is_a_flat_string_mapping():
    data = json.loads(EN_JSON.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    for key, value in data.items():
        assert isinstance(key, str) and isinstance(value, str), key


def test_every_tr_literal_has_an_english_entry():
    data = json.loads(EN_JSON.read_text(encoding="utf-8"))
    missing = [
        f"{file}:{line}: {text!r}" for file, line, text in tr_literals() if not data.get(text)
    ]
    assert not missing, "add these to resources/i18n/en.json:\n" + "\n".join(missing)


def test_translations_keep_the_placeholders():
    data = json.loads(EN_JSON.read_text(encoding="utf-8"))
    wrong = [key for key, value in data.items() if fields(key) != fields(value)]
    assert not wrong, f"placeholders differ between source and English: {wrong}"


def test_scanner_finds_calls(tmp_path, monkeypatch):
    # Guard the guard: the AST scan must see both call styles.
    tree = ast.parse('tr("Simpan")\ni18n.tr("Batal", n=1)\ntr(variable)\n')
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    names = [getattr(c.func, "id", None) or getattr(c.func, "attr", None) for c in calls]
    assert names.count("tr") == 3


def test_default_language_is_indonesian():
    assert i18n.get_language() == "id"
    assert i18n.tr("Simpan") == "Simpan"
    assert i18n.tr("{n} data tersimpan", n=3) == "3 data tersimpan"


def test_english_lookup_and_fallback(monkeypatch, tmp_path):
    catalogue = tmp_path / "i18n"
    catalogue.mkdir()
    (catalogue / "en.json").write_text(
        json.dumps({"Simpan": "Save", "{n} data tersimpan": "{n} records saved", "Rusak": "{x}"}),
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "_resource_roots", lambda: [tmp_path])
    i18n.reload_translations()
    i18n.set_language("en")
    assert i18n.get_language() == "en"
    assert i18n.tr("Simpan") == "Save"
    assert i18n.tr("{n} data tersimpan", n=2) == "2 records saved"
    assert i18n.tr("Belum diterjemahkan") == "Belum diterjemahkan"
    # A translation with a wrong placeholder falls back to the source instead of crashing.
    assert i18n.tr("Rusak", y=1) == "Rusak"


def test_unknown_language_rejected():
    with pytest.raises(ValueError, match="fr"):
        i18n.set_language("fr")
    assert i18n.get_language() == "id"


def test_resource_path_finds_repo_resources():
    path = i18n.resource_path("wilayah", "kota_blitar_wilayah.csv")
    assert path.is_file()
    assert i18n.resource_path("i18n", "en.json") == EN_JSON


def test_resource_path_prefers_pyinstaller_bundle(monkeypatch, tmp_path):
    bundled = tmp_path / "resources" / "i18n"
    bundled.mkdir(parents=True)
    (bundled / "en.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert i18n.resource_path("i18n", "en.json") == bundled / "en.json"


def test_resource_path_names_the_missing_resource():
    with pytest.raises(FileNotFoundError, match="fonts/tidak-ada.ttf"):
        i18n.resource_path("fonts", "tidak-ada.ttf")
