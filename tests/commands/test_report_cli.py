"""`berdaya report`: writes each report as PDF or xlsx; refuses what it cannot use."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop_app import cli
from desktop_app.services.demo import DemoOptions, generate_demo


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report-cli") / "tiny.sqlite"
    generate_demo(path, DemoOptions(scale="tiny", seed=7, today=date(2026, 11, 20)))
    return path


@pytest.mark.parametrize(
    ("args", "suffix"),
    [
        (["bulanan", "--program", "RAPELAN", "--from", "2026-11-01", "--to", "2026-11-30"], "pdf"),
        (["monthly", "--program", "rastrada", "--from", "2026-11-01"], "xlsx"),
        (["realisasi", "--round", "RST4"], "pdf"),
        (["pelatihan", "--from", "2026-01-01", "--to", "2026-12-31"], "xlsx"),
        (["quality"], "pdf"),
    ],
)
def test_report_written(db: Path, tmp_path: Path, capsys, args: list[str], suffix: str) -> None:  # noqa: ANN001
    out = tmp_path / f"laporan.{suffix}"
    assert cli.main(["report", *args, "--db", str(db), "-o", str(out)]) == 0
    assert out.stat().st_size > 1000
    assert str(out) in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["rahasia"], 2, "tidak dikenal"),
        (["bulanan", "--from", "30-11-2026"], 2, "TTTT-BB-HH"),
        (["bulanan", "--program", "FIKTIF"], 1, "FIKTIF"),
        (["realisasi", "--round", "XYZ9"], 1, "XYZ9"),
        (["bulanan", "--from", "2026-12-01", "--to", "2026-11-01"], 1, "tidak sah"),
    ],
)
def test_report_refused(
    db: Path, tmp_path: Path, capsys, args: list[str], code: int, says: str
) -> None:  # noqa: ANN001, E501
    out = tmp_path / "x.pdf"
    assert cli.main(["report", *args, "--db", str(db), "-o", str(out)]) == code
    assert says in capsys.readouterr().err
    assert not out.exists()


def test_output_must_be_pdf_or_xlsx(db: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert cli.main(["report", "kualitas", "--db", str(db), "-o", str(tmp_path / "a.doc")]) == 2
    assert ".pdf" in capsys.readouterr().err
