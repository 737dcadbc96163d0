import ast
import json
import string

import pytest

from desktop_app import i18n
from tests.i18n_scan import EN_JSON, PACKAGE, template_arguments


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


# --- domain issue messages -------------------------------------------------------------------

# Calls that build an Issue, and the position of the template among their arguments.
_ISSUE_BUILDERS = {"_error": 1, "_warning": 1, "error": 1, "warning": 1, "Issue": 2}


def issue_templates() -> list[tuple[str, int, str]]:
    domain = sorted((PACKAGE / "domain").glob("*.py"))
    return template_arguments(dict.fromkeys(domain, _ISSUE_BUILDERS))


def test_every_domain_issue_template_has_an_english_entry():
    templates = issue_templates()
    assert len(templates) > 25  # the scan sees the templates at all
    data = json.loads(EN_JSON.read_text(encoding="utf-8"))
    missing = [f"{file}:{line}: {text!r}" for file, line, text in templates if text not in data]
    assert not missing, "add these to resources/i18n/en.json:\n" + "\n".join(missing)


def test_tr_issue_translates_template_and_word_params():
    from datetime import date

    from desktop_app.domain.nik import validate_nik
    from desktop_app.domain.office import OfficeProfile

    issues = validate_nik("3572014501900001", sex="L", birth_date=date(1990, 1, 5))
    assert i18n.tr_issue(issues[0]) == issues[0].message  # Indonesian by default
    i18n.set_language("en")
    assert i18n.tr_issue(issues[0]) == (
        "The recorded sex (male) differs from the NIK (according to the NIK: female). "
        "In a woman's NIK the birth day has 40 added."
    )
    (length,) = validate_nik("123")
    assert i18n.tr_issue(length) == "NIK must have 16 digits (it has 3)."
    required = OfficeProfile(office_name="", address="Jl. Contoh").validate()
    assert i18n.tr_issue(required[0]) == "Office name is required."


def test_domain_labels_have_english_entries():
    from desktop_app.domain.attendance import ATTENDANCE_LABELS
    from desktop_app.domain.programs import ABH_ROLES, DISABILITY_DEGREE, DISABILITY_RAGAM
    from desktop_app.domain.status import RELATION_LABELS, SEX_LABELS, STATUS_LABELS

    data = json.loads(EN_JSON.read_text(encoding="utf-8"))
    labels = [
        *STATUS_LABELS.values(),
        *RELATION_LABELS.values(),
        *SEX_LABELS.values(),
        *ATTENDANCE_LABELS.values(),
        *DISABILITY_RAGAM.values(),
        *DISABILITY_DEGREE.values(),
        *ABH_ROLES.values(),
    ]
    assert [label for label in labels if label not in data] == []
