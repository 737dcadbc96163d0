"""Load installer/ modules by path: a PyPI package named "installer" could shadow them."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

INSTALLER_DIR = Path(__file__).resolve().parents[2] / "installer"


def load_installer_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"_berdaya_installer_{name}", INSTALLER_DIR / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def buildinfo() -> ModuleType:
    return load_installer_module("buildinfo")


@pytest.fixture(scope="session")
def launcher() -> ModuleType:
    return load_installer_module("launcher")
