"""Build the frozen app and the Windows installer, the same way on a laptop, in CI and in .ci/run.

    python installer/build.py freeze       # PyInstaller -> dist/Berdaya/
    python installer/build.py installer    # makensis    -> dist/Berdaya-<version>-setup.exe
    python installer/build.py all          # both
    python installer/build.py version      # print the project version

Run from anywhere; paths are relative to the repository root. makensis is found on PATH or in
the default Chocolatey/NSIS folder on Windows.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import buildinfo  # noqa: E402

ROOT = buildinfo.ROOT
SPEC = ROOT / "installer" / "berdaya.spec"
NSI = ROOT / "installer" / "berdaya.nsi"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"


def frozen_dir(dist: Path = DIST) -> Path:
    return dist / buildinfo.EXE_NAME


def installer_path(version: str, dist: Path = DIST) -> Path:
    return dist / f"{buildinfo.APP_NAME}-{version}-setup.exe"


def find_makensis() -> str:
    found = shutil.which("makensis")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base and (Path(base) / "NSIS" / "makensis.exe").is_file():
            return str(Path(base) / "NSIS" / "makensis.exe")
    raise SystemExit("makensis not found: install NSIS (apt-get install nsis / choco install nsis)")


def freeze(dist: Path = DIST) -> Path:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(WORK),
            str(SPEC),
        ],
        cwd=ROOT,
        check=True,
    )
    folder = frozen_dir(dist)
    print(f"froze {folder} in {time.perf_counter() - started:.1f} s, {_size_mb(folder):.1f} MB")
    return folder


def build_installer(
    dist: Path = DIST,
    frozen: Path | None = None,
    compress: bool = True,
    target: str | None = None,
    out: Path | None = None,
) -> Path:
    """Compile installer/berdaya.nsi around the frozen folder (default dist/Berdaya)."""
    version = buildinfo.project_version()
    folder = frozen or frozen_dir(dist)
    if not folder.is_dir():
        raise SystemExit(f"{folder} does not exist: run 'build.py freeze' first")
    out = out or installer_path(version, dist)
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [
            find_makensis(),
            "-V2",
            "-INPUTCHARSET",
            "UTF8",
            *buildinfo.nsis_defines(version, folder.resolve(), out.resolve()),
            *([] if compress else ["-DNO_COMPRESSION"]),
            *([f"-DNSIS_TARGET={target}"] if target else []),
            str(NSI),
        ],
        cwd=ROOT / "installer",
        check=True,
    )
    elapsed = time.perf_counter() - started
    print(f"built {out} in {elapsed:.1f} s, {out.stat().st_size / 1e6:.1f} MB")
    return out


def _size_mb(folder: Path) -> float:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["freeze", "installer", "all", "version"])
    parser.add_argument("--dist", type=Path, default=DIST, help="output folder (default dist/)")
    parser.add_argument(
        "--frozen", type=Path, help="frozen folder to package (default <dist>/Berdaya)"
    )
    parser.add_argument(
        "--no-compress", action="store_true", help="store files uncompressed (quick checks)"
    )
    parser.add_argument(
        "--nsis-target",
        choices=["x86-unicode", "amd64-unicode"],
        help="installer stub (default x86-unicode, which official NSIS builds have)",
    )
    parser.add_argument(
        "--out", type=Path, help="installer file (default dist/Berdaya-*-setup.exe)"
    )
    args = parser.parse_args(argv)
    if args.step == "version":
        print(buildinfo.project_version())
        return 0
    if args.step in {"freeze", "all"}:
        freeze(args.dist)
    if args.step in {"installer", "all"}:
        build_installer(
            args.dist,
            args.frozen,
            compress=not args.no_compress,
            target=args.nsis_target,
            out=args.out,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
