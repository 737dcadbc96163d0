"""`berdaya device ...` and `berdaya sync ...` with their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_app.cli import main
from desktop_app.domain.clock import FixedClock
from desktop_app.services.context import open_app
from tests.conftest import FIXED_NOW
from tests.sync.helpers import add_household, open_site


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_full_round_trip_through_the_command_line(tmp_path: Path, capsys) -> None:
    office_db, lap_db = tmp_path / "office.sqlite", tmp_path / "lap.sqlite"
    site = open_site(tmp_path, "office", FixedClock(FIXED_NOW))
    add_household(site, 1)
    add_household(site, 2)
    site.ctx.close()

    # A new laptop database: commands create one only when asked to.
    code, out, _ = run(capsys, "device", "show", "--db", lap_db, "--create", "--json")
    assert code == 0 and json.loads(out)["role"] == "office"
    assert (
        run(capsys, "device", "export-identity", "--db", lap_db, "-o", tmp_path / "lap.json")[0]
        == 0
    )
    code, out, _ = run(
        capsys, "device", "register", tmp_path / "lap.json", "--db", office_db, "--name", "LAP02"
    )
    assert code == 0 and "LAP02" in out
    checkout = (
        "sync",
        "checkout",
        "--db",
        office_db,
        "--device",
        "LAP02",
        "-o",
        tmp_path / "co.bdl",
    )
    code, _, err = run(capsys, *checkout)
    assert code == 2 and "--round" in err
    code, out, _ = run(capsys, *checkout, "--kelurahan", "35.72.02.1001")
    assert code == 0 and "LAP02" in out
    fingerprint = out.split("Sidik kunci kantor KANTOR: ")[1].split()[0]
    one_time = out.split("Kode sekali pakai untuk bergabung: ")[1].split()[0]
    assert "Orang: 4" in out and "KPM: 2" in out
    # A first join without the office's confirmation writes nothing and says what to compare.
    code, out, err = run(capsys, "sync", "join", tmp_path / "co.bdl", "--db", lap_db)
    assert code == 2 and fingerprint in err and "--confirm-fingerprint" in err
    code, out, _ = run(capsys, "device", "show", "--db", lap_db, "--json")
    assert json.loads(out)["role"] == "office"
    code, _, err = run(capsys, "sync", "join", tmp_path / "co.bdl", "--db", lap_db, "--code", "1")
    assert code == 2 and "Kode sekali pakai tidak cocok" in err
    code, out, _ = run(
        capsys, "sync", "join", tmp_path / "co.bdl", "--db", lap_db, "--code", one_time
    )
    assert code == 0 and "LAP02" in out

    lap = open_app(lap_db, clock=FixedClock(FIXED_NOW))
    from desktop_app.services.registry import RegistryService

    reg = RegistryService(lap)
    [row] = [r for r in reg.person_rows(reg.person_ids(_flt())) if r.name == "Kepala Contoh 1"]
    inp = reg.get_person(row.id).input
    inp.nik = inp.nik[:-4] + "0099"
    reg.update_person(row.id, inp)
    lap.close()
    office = open_app(office_db, clock=FixedClock(FIXED_NOW))
    oreg = RegistryService(office)
    inp = oreg.get_person(row.id).input
    inp.nik = inp.nik[:-4] + "0077"
    oreg.update_person(row.id, inp)
    office.close()

    assert run(capsys, "sync", "export", "--db", lap_db, "-o", tmp_path / "r.bdl")[0] == 0
    code, out, _ = run(capsys, "sync", "import", tmp_path / "r.bdl", "--db", office_db, "--json")
    report = json.loads(out)
    # A NIK from a laptop waits as a proposal (exit 1) until the office accepts it.
    assert code == 1 and report["quarantined"] == 1 and report["ack"]
    code, out, _ = run(capsys, "sync", "import", tmp_path / "r.bdl", "--db", office_db)
    assert code == 0 and "sudah pernah diimpor" in out
    code, out, _ = run(capsys, "sync", "conflicts", "--db", office_db, "--json")
    [held] = json.loads(out)["quarantine"]
    assert code == 1 and held["reason_code"] == "sync.rule.proposal"
    code, out, _ = run(capsys, "sync", "conflicts", "--db", office_db)
    assert "Usulan dari LAP02" in out
    accept = ("sync", "quarantine", held["change_id"][:12], "--db", office_db, "--accept")
    assert run(capsys, *accept)[0] == 0
    assert run(capsys, *accept)[0] == 2  # decided already
    code, out, _ = run(capsys, "sync", "conflicts", "--db", office_db, "--json")
    [conflict] = json.loads(out)["conflicts"]
    assert code == 1 and conflict["kind"] == "critical"
    code, out, _ = run(capsys, "sync", "conflicts", "--db", office_db)
    assert "PERLU KEPUTUSAN" in out and "LAP02" in out
    assert (
        run(capsys, "sync", "resolve", conflict["id"][:8], "--db", office_db, "--choice", "2")[0]
        == 0
    )
    assert run(capsys, "sync", "conflicts", "--db", office_db)[0] == 0
    # The ack was made before the decision: the laptop sees the conflict too, then the decision.
    assert run(capsys, "sync", "import", report["ack"], "--db", lap_db)[0] == 1
    assert run(capsys, "sync", "conflicts", "--db", lap_db)[0] == 1
    update = tmp_path / "u.bdl"
    assert (
        run(capsys, "sync", "export", "--db", office_db, "--device", "LAP02", "-o", update)[0] == 0
    )
    assert run(capsys, "sync", "import", update, "--db", lap_db)[0] == 0
    assert run(capsys, "sync", "conflicts", "--db", lap_db)[0] == 0

    # Tampered: refused with exit 2, and a revoked device's bundles too.
    data = bytearray((tmp_path / "r.bdl").read_bytes())
    data[-10] ^= 1
    (tmp_path / "bad.bdl").write_bytes(bytes(data))
    code, _, err = run(capsys, "sync", "import", tmp_path / "bad.bdl", "--db", office_db)
    assert code == 2 and "diubah" in err
    assert run(capsys, "device", "revoke", "LAP02", "--db", office_db, "--reason", "hilang")[0] == 0
    assert run(capsys, "sync", "export", "--db", lap_db, "-o", tmp_path / "r2.bdl")[0] == 0
    code, _, err = run(capsys, "sync", "import", tmp_path / "r2.bdl", "--db", office_db)
    assert code == 2 and "dicabut" in err


def _flt():
    from desktop_app.services.registry import PersonFilter

    return PersonFilter()
