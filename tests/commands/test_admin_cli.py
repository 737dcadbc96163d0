"""`berdaya check` as an administrator reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.cli import main


def test_check_on_a_file_that_is_not_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "catatan.sqlite"
    path.write_text("bukan basis data\n" * 100, encoding="utf-8")
    assert main(["check", "--db", str(path)]) == 2
    out = capsys.readouterr().out
    # No Python "None" for a missing schema, and exit 2 is said as unusable, not "problems".
    assert "Skema      : - (aplikasi:" in out
    assert out.rstrip().endswith("Tidak dapat dipakai.")
