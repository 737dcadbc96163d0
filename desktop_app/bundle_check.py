"""What an installed Berdaya must carry, and a check that it does.

The frozen app finds its files through `desktop_app.i18n.resource_path`; an antivirus or a broken
copy can remove one. Start-up (gui) and `--self-test` both use this list so a missing file is
named, not discovered later as an unrelated error.
"""

from __future__ import annotations

from pathlib import Path

from desktop_app.i18n import resource_path

__all__ = ["REQUIRED_RESOURCES", "missing_resources", "resource_paths"]

# One entry per file the app cannot work without, as resource_path() parts.
REQUIRED_RESOURCES: tuple[tuple[str, ...], ...] = (
    ("i18n", "en.json"),
    ("wilayah", "kota_blitar_wilayah.csv"),
    ("icons", "berdaya.png"),
    ("icons", "berdaya.ico"),
)


def resource_paths() -> dict[str, Path]:
    """Each required resource (as "folder/name") with the file it resolved to."""
    return {"/".join(parts): resource_path(*parts) for parts in REQUIRED_RESOURCES}


def missing_resources() -> list[str]:
    """The required resources that cannot be found, as "folder/name"."""
    missing = []
    for parts in REQUIRED_RESOURCES:
        try:
            resource_path(*parts)
        except FileNotFoundError:
            missing.append("/".join(parts))
    return missing
