"""Build metadata shared by the PyInstaller spec, the NSIS build and CI.

The project version lives in one place, desktop_app/__init__.py; everything here derives from it.
This module is loaded by path (the spec and build.py put installer/ on sys.path) because the name
"installer" is also a PyPI package and could shadow a namespace import.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "Berdaya"
EXE_NAME = "Berdaya"
COMPANY = "Dinas Sosial"
DESCRIPTION = "Berdaya - registri, penyaluran bantuan dan pelatihan Dinas Sosial"
COPYRIGHT = "Berdaya contributors"

_PEP440 = re.compile(
    r"^(?P<release>\d+(?:\.\d+)*)"
    r"(?:(?P<pre_kind>a|b|rc)(?P<pre_num>\d+))?"
    r"(?:\.post(?P<post>\d+))?"
    r"(?:\.dev(?P<dev>\d+))?$"
)
# The fourth Windows version field orders pre-releases below the final release, so the installer's
# "older version" check and Windows' file version both sort 1.0.0rc1 before 1.0.0.
_PRE_BASE = {"a": 100, "b": 200, "rc": 300}
_FINAL = 1000
_FIELD_MAX = 65535


# Qt modules a desktop widgets app never needs; each drags tens of MB of libraries and plugins.
QT_EXCLUDES = [
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebChannel",
    "PySide6.QtWebSockets",
    "PySide6.Qt3DCore",
    "PySide6.Qt3DRender",
    "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets",
    "PySide6.QtDesigner",
    "PySide6.QtUiTools",
    "PySide6.QtHelp",
    "PySide6.QtTest",
    "PySide6.QtSql",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
]
# mypy: SQLAlchemy's optional mypy plugin would pull it (and its compiled parser) into the bundle
# wherever the build venv also has the test tools, as the Windows workflow's does.
PY_EXCLUDES = [
    "tkinter",
    "_tkinter",
    "pytest",
    "hypothesis",
    "pytestqt",
    "IPython",
    "pip",
    "mypy",
]

# Qt plugin folders a widgets app uses; every other folder under plugins/ is dropped.
# None keeps the whole folder. platforms: offscreen is what --self-test and CI use, windows and
# xcb draw real windows; styles holds qmodernwindowsstyle, the native Windows look.
KEEP_PLUGINS: dict[str, set[str] | None] = {
    "platforms": {"qwindows", "qoffscreen", "qminimal", "qxcb"},
    "imageformats": {"qico", "qjpeg", "qgif", "qsvg"},
    "iconengines": None,
    "styles": None,
    "printsupport": None,
    "xcbglintegrations": None,
}
# Large files that only Qt Quick / OpenGL fallbacks load.
DROP_FILES = {"opengl32sw.dll"}


# Faker ships ~80 locales, each provider's as its own package that Faker lists from the bundle's
# files at start-up. The demo data (and so the frozen --self-test) only asks for id_ID; the other
# names are the fallbacks Faker picks for a provider without id_ID (its DEFAULT_LOCALE en_US and
# the providers' own default_locale values en_GB and la).
FAKER_LOCALES = {"id_ID", "en_US", "en_GB", "la", "en"}
_LOCALE_NAME = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")  # de, en_US, fil_PH


def _unused_faker_locale(parts: list[str], is_package: bool) -> bool:
    """faker/providers/<provider>/<locale>/ for a locale the app never asks for (packages only:
    providers/isbn/sbn.py is a module whose name merely looks like a language code)."""
    return (
        is_package
        and len(parts) >= 4
        and parts[:2] == ["faker", "providers"]
        and _LOCALE_NAME.match(parts[3]) is not None
        and parts[3] not in FAKER_LOCALES
    )


def keep_module(name: str, path: str | None = "") -> bool:
    """Whether a Python module PyInstaller found (dotted name, source path) goes into the
    archive."""
    is_package = (path or "").replace("\\", "/").endswith("/__init__.py")
    return not _unused_faker_locale(name.split("."), is_package)


def keep_in_bundle(dest: str) -> bool:
    """Whether a file PyInstaller collected (its path inside the bundle) stays in the build."""
    parts = dest.replace("\\", "/").split("/")
    if parts[-1].lower() in DROP_FILES:
        return False
    if _unused_faker_locale(parts, is_package=len(parts) > 4):
        return False
    if "PySide6" not in parts:
        return True
    inside = parts[parts.index("PySide6") + 1 :]
    # Qt has no Indonesian translations and English is the source language.
    if "translations" in inside[:2]:
        return False
    if "plugins" not in inside[:2] or len(inside) < inside.index("plugins") + 3:
        return True
    folder = inside[inside.index("plugins") + 1]
    if folder not in KEEP_PLUGINS:
        return False
    allowed = KEEP_PLUGINS[folder]
    stem = parts[-1].split(".")[0]
    return allowed is None or stem.removeprefix("lib") in allowed


def project_version(root: Path = ROOT) -> str:
    """Read __version__ from desktop_app/__init__.py without importing the package."""
    source = (root / "desktop_app" / "__init__.py").read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__version__" for target in node.targets
        ):
            value = ast.literal_eval(node.value)
            if isinstance(value, str):
                return value
    raise ValueError("desktop_app/__init__.py has no __version__ string")


def windows_version(version: str) -> tuple[int, int, int, int]:
    """Map a PEP 440 version to the four 16-bit numbers Windows and NSIS expect.

    major.minor.micro come from the release; the fourth field ranks the release kind:
    dev = 0..99, aN = 100+N, bN = 200+N, rcN = 300+N, final = 1000, postN = 1000+N.
    """
    match = _PEP440.match(version.strip())
    if match is None:
        raise ValueError(f"not a supported version: {version!r}")
    release = [int(part) for part in match["release"].split(".")]
    if len(release) > 3:
        raise ValueError(f"at most three release numbers are supported: {version!r}")
    major, minor, micro = (release + [0, 0, 0])[:3]
    if match["dev"] is not None:
        if match["pre_kind"] or match["post"]:
            raise ValueError(f"dev versions of pre/post releases are not supported: {version!r}")
        build = min(int(match["dev"]), 99)
    elif match["pre_kind"] is not None:
        build = _PRE_BASE[match["pre_kind"]] + min(int(match["pre_num"]), 99)
    elif match["post"] is not None:
        build = _FINAL + int(match["post"])
    else:
        build = _FINAL
    fields = (major, minor, micro, build)
    if any(field > _FIELD_MAX for field in fields):
        raise ValueError(f"version field above {_FIELD_MAX}: {version!r}")
    return fields


def windows_version_string(version: str) -> str:
    return ".".join(str(field) for field in windows_version(version))


def version_file_text(version: str) -> str:
    """The Windows version resource of Berdaya.exe, in PyInstaller's version-file format.

    Written as text (PyInstaller parses it on Windows) because PyInstaller's versioninfo module
    only imports on Windows, and the text can be checked on Linux.
    """
    fields = windows_version(version)
    dotted = windows_version_string(version)
    strings = {
        "CompanyName": COMPANY,
        "FileDescription": DESCRIPTION,
        "FileVersion": dotted,
        "InternalName": EXE_NAME,
        "LegalCopyright": COPYRIGHT,
        "OriginalFilename": f"{EXE_NAME}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version,
    }
    string_structs = ",\n".join(
        f"          StringStruct({key!r}, {value!r})" for key, value in strings.items()
    )
    # 0x0421 = Indonesian, 1200 (0x04B0) = UTF-16.
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={fields!r},
    prodvers={fields!r},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '042104B0',
        [
{string_structs}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x0421, 1200])])
  ]
)
"""


def write_version_file(version: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(version_file_text(version), encoding="utf-8")
    return path


def nsis_defines(version: str, dist_dir: Path, out_file: Path) -> list[str]:
    """The /D options makensis needs to package dist_dir as out_file."""
    return [
        f"-DAPP_VERSION={version}",
        f"-DAPP_VERSION_WIN={windows_version_string(version)}",
        f"-DDIST_DIR={dist_dir}",
        f"-DOUT_FILE={out_file}",
    ]
