import ast
import re

import pytest

import desktop_app


def test_project_version_is_read_from_the_package(buildinfo):
    assert buildinfo.project_version() == desktop_app.__version__


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.1.0", (0, 1, 0, 1000)),
        ("1.2", (1, 2, 0, 1000)),
        ("2.0.0.post3", (2, 0, 0, 1003)),
        ("1.0.0rc2", (1, 0, 0, 302)),
        ("1.0.0b1", (1, 0, 0, 201)),
        ("1.0.0a1", (1, 0, 0, 101)),
        ("1.0.0.dev4", (1, 0, 0, 4)),
    ],
)
def test_windows_version_fields(buildinfo, version, expected):
    assert buildinfo.windows_version(version) == expected


def test_windows_versions_sort_like_releases(buildinfo):
    # The installer's "older version" warning compares these numbers.
    ordered = ["0.9.9", "1.0.0.dev1", "1.0.0a1", "1.0.0b3", "1.0.0rc1", "1.0.0", "1.0.0.post1"]
    as_windows = [buildinfo.windows_version(version) for version in ordered]
    assert as_windows == sorted(as_windows)
    assert len(set(as_windows)) == len(as_windows)


@pytest.mark.parametrize(
    "version", ["", "1.0.0.0", "1.0+local", "v1.0", "70000.0.0", "1.0rc1.dev1"]
)
def test_unsupported_versions_are_refused(buildinfo, version):
    with pytest.raises(ValueError):
        buildinfo.windows_version(version)


def _parse_version_file(text: str) -> dict:
    """Evaluate PyInstaller's version-file format with stand-ins that record their arguments."""

    def record(kind: str):
        return lambda *args, **kwargs: {"kind": kind, "args": args, **kwargs}

    names = [
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "StringStruct",
        "VarFileInfo",
        "VarStruct",
    ]
    tree = ast.parse(text, mode="eval")
    return eval(compile(tree, "version_info.txt", "eval"), {n: record(n) for n in names})


def test_version_file_describes_berdaya_exe(buildinfo, tmp_path):
    path = buildinfo.write_version_file("1.2.3rc1", tmp_path / "sub" / "version_info.txt")
    info = _parse_version_file(path.read_text(encoding="utf-8"))
    assert info["kind"] == "VSVersionInfo"
    assert info["ffi"]["filevers"] == (1, 2, 3, 301)
    assert info["ffi"]["prodvers"] == (1, 2, 3, 301)
    string_file_info, var_file_info = info["kids"]
    (table,) = string_file_info["args"][0]
    language, structs = table["args"]
    assert language == "042104B0"
    strings = dict(struct["args"] for struct in structs)
    assert strings["ProductVersion"] == "1.2.3rc1"
    assert strings["FileVersion"] == "1.2.3.301"
    assert strings["OriginalFilename"] == "Berdaya.exe"
    assert var_file_info["args"][0][0]["args"] == ("Translation", [0x0421, 1200])


def test_nsis_defines_carry_version_and_paths(buildinfo, tmp_path):
    defines = buildinfo.nsis_defines("0.3.0", tmp_path / "Berdaya", tmp_path / "setup.exe")
    assert "-DAPP_VERSION=0.3.0" in defines
    assert "-DAPP_VERSION_WIN=0.3.0.1000" in defines
    assert any(re.fullmatch(r"-DDIST_DIR=.*Berdaya", item) for item in defines)


def test_nsis_script_uses_every_define_the_build_passes(buildinfo, tmp_path):
    script = (buildinfo.ROOT / "installer" / "berdaya.nsi").read_text(encoding="utf-8")
    for item in buildinfo.nsis_defines("0.3.0", tmp_path, tmp_path / "x.exe"):
        name = item[2:].split("=", 1)[0]
        assert "${" + name + "}" in script


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        # What --self-test and a real window need, on Windows and on Linux wheels' layouts.
        ("PySide6/plugins/platforms/qoffscreen.dll", True),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", True),
        ("PySide6/plugins/imageformats/qico.dll", True),
        ("PySide6/plugins/iconengines/qsvgicon.dll", True),
        ("PySide6/Qt6Core.dll", True),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("resources/i18n/en.json", True),
        ("reportlab/fonts/Vera.ttf", True),
        # Unused plugins, Qt's translations and software OpenGL.
        ("PySide6/plugins/platforms/qdirect2d.dll", False),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/plugins/imageformats/qtiff.dll", False),
        ("PySide6/plugins/generic/qtuiotouchplugin.dll", False),
        ("PySide6/translations/qtbase_de.qm", False),
        ("PySide6/Qt/translations/qtbase_en.qm", False),
        ("PySide6/opengl32sw.dll", False),
        # Faker: the Indonesian demo data and the locales Faker falls back to stay.
        ("faker/providers/address/id_ID/__init__.py", True),
        ("faker/providers/person/en_US/__init__.py", True),
        ("faker/providers/lorem/la/__init__.py", True),
        ("faker/providers/address/__init__.py", True),
        ("faker/providers/isbn/sbn.py", True),
        ("faker/providers/address/fr_FR/__init__.py", False),
        ("faker\\providers\\person\\fil_PH\\__init__.py", False),
        ("faker/providers/lorem/de/__init__.py", False),
    ],
)
def test_bundle_keeps_what_the_app_uses(buildinfo, dest, kept):
    assert buildinfo.keep_in_bundle(dest) is kept


@pytest.mark.parametrize(
    ("name", "path", "kept"),
    [
        ("faker.providers.address.id_ID", "/x/faker/providers/address/id_ID/__init__.py", True),
        ("faker.providers.bank.en_GB", "/x/faker/providers/bank/en_GB/__init__.py", True),
        ("faker.providers.isbn.sbn", "/x/faker/providers/isbn/sbn.py", True),
        ("faker.providers.address", "/x/faker/providers/address/__init__.py", True),
        ("desktop_app.services.demo", "/x/desktop_app/services/demo.py", True),
        ("faker.providers.address.fr_FR", "/x/faker/providers/address/fr_FR/__init__.py", False),
        (
            "faker.providers.person.zh_TW",
            "C:\\x\\faker\\providers\\person\\zh_TW\\__init__.py",
            False,
        ),
    ],
)
def test_archive_keeps_the_faker_locales_the_demo_uses(buildinfo, name, path, kept):
    assert buildinfo.keep_module(name, path) is kept
