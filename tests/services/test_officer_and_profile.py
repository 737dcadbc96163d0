"""The officer typed on this computer names receipts and documents, in the GUI and the CLI; the
office profile's device name is this computer's identity name."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop_app.cli import main
from desktop_app.domain.clock import FixedClock
from desktop_app.services.context import ServiceError, open_app
from desktop_app.services.sync.devices import DeviceService
from tests.conftest import FIXED_NOW
from tests.services.distribution_fixtures import build_world


def test_the_saved_officer_replaces_the_login_name(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite"
    ctx = open_app(path, clock=FixedClock(FIXED_NOW))
    assert ctx.save_officer("  Petugas   Contoh ") == "Petugas Contoh"
    assert ctx.actor == "Petugas Contoh"
    with pytest.raises(ServiceError) as refused:
        ctx.save_officer("   ")
    assert refused.value.code == "office.officer_name_invalid"
    ctx.close()
    again = open_app(path)  # as the CLI opens it: no actor given
    assert again.actor == "Petugas Contoh"
    again.close()
    # An explicit actor (the GUI's name for this computer account) still wins.
    gui = open_app(path, actor="Nama Lain")
    assert gui.actor == "Nama Lain"
    gui.close()


def test_cli_documents_name_the_saved_officer(tmp_path: Path, capsys) -> None:
    path = tmp_path / "office.sqlite"
    ctx = open_app(path, actor="admin", clock=FixedClock(FIXED_NOW))
    world = build_world(ctx)
    ctx.save_officer("Petugas Contoh Loket")
    ctx.close()
    p = str(path)
    main(["round", "create", "--db", p, "--program", "RASTRADA", "--name", "Tahap 4",
          "--item", "Beras", "--qty", "30", "--unit", "kg"])  # fmt: skip
    main(["round", "open", "--db", p, "--round", "RST4"])
    main(["receive", "--db", p, "--round", "RST4", "--kk", world.families[0].kk])
    for document in ("receipts", "list"):
        target = tmp_path / f"{document}.pdf"
        assert main(["print", document, "--db", p, "--round", "RST4", "-o", str(target)]) == 0
        text = " ".join(page.extract_text() for page in PdfReader(target).pages)
        assert "Petugas Contoh Loket" in text, document
    capsys.readouterr()


def test_device_name_follows_the_profile(tmp_path: Path) -> None:
    ctx = open_app(tmp_path / "a.sqlite", clock=FixedClock(FIXED_NOW))
    ctx.save_office_profile(dataclasses.replace(ctx.office, device_name="dinsos"))
    assert ctx.office.device_name == ctx.device.name == "DINSOS"
    assert DeviceService(ctx).identity().name == "DINSOS"
    ctx.close()
    again = open_app(tmp_path / "a.sqlite")
    assert again.device.name == again.office.device_name == "DINSOS"
    again.close()
