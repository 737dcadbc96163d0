"""Benchmarks for the distribution documents, each beside a raw baseline timed in the same run.

(a) daftar penerimaan for N rows vs plain ReportLab building the same table in page-sized
    chunks (no kop, no page numbers, no cell fitting)         target (issue 17) <= 1.1x CPU
(b) N receipts (A6) in one PDF, each QR carrying a signed code (BERDAYA|number|86-character
    signature)                                          target (issue 17) <= 15 s CPU at 7,716;
    beside it plain ReportLab canvas drawing the same content with the stock QrCodeWidget
    rendered through a Drawing, timed on a sample (--baseline-receipts) and compared per receipt
(c) LibreOffice Calc converting an xlsx of the same list to PDF (if soffice is installed);
    the daftar penerimaan should be faster.

Run from the repository root:  python -m bench.bench_documents [--rows 7716] [--receipts 7716]
Results also go to bench/.cache/results/documents.json (--json PATH), read by bench.report.
Synthetic data only (Faker id_ID, made-up NIKs, random signatures).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from faker import Faker  # noqa: E402
from reportlab.graphics import renderPDF  # noqa: E402
from reportlab.graphics.barcode.qr import QrCodeWidget  # noqa: E402
from reportlab.graphics.shapes import Drawing  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.lib.utils import simpleSplit  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402
from reportlab.platypus import PageBreak, SimpleDocTemplate, Table, TableStyle  # noqa: E402

from bench.common import CACHE_DIR  # noqa: E402
from desktop_app.documents import distribution as dd  # noqa: E402
from desktop_app.documents.common import Letterhead, draw_letterhead  # noqa: E402
from desktop_app.domain.nik import make_kk, make_nik, mask_nik  # noqa: E402
from desktop_app.domain.office import OfficeProfile  # noqa: E402
from desktop_app.domain.receipts import encode_signature, signed_qr_payload  # noqa: E402

OFFICE = OfficeProfile(
    address="Jl. Contoh Raya No. 1, Kota Blitar 66111",
    phone="(0342) 000000",
    email="dinsos@example.go.id",
    head_name="Contoh Kepala, S.Sos.",
    head_nip="197001011990031001",
)
ROUND = dd.RoundInfo(
    "r1",
    "RST4",
    "Rastrada Tahap IV 2025",
    "Beras Kesejahteraan Daerah (Rastrada)",
    "Beras",
    30,
    "kg",
    date(2026, 12, 1),
    date(2026, 12, 12),
)
POINT = dd.PointInfo("p1", "Kantor Kelurahan Sukorejo", "kelurahan")
LIST_TARGET = 1.1  # issue 17: CPU ratio to the plain chunked ReportLab list
RECEIPTS_TARGET_S = 15.0  # issue 17: CPU seconds for 7,716 receipts in one PDF
RECEIPTS_TARGET_COUNT = 7716  # (other counts are held to the same time per receipt)
STATUSES = ["diterima", "diterima", "diterima", "diwakilkan", "tidak_hadir", "", "ditolak"]


def synthetic_people(n: int) -> list[tuple[str, str, str, str, str]]:
    fake = Faker("id_ID")
    fake.seed_instance(2025)
    people = []
    for i in range(1, n + 1):
        serial = 1 + i % 9999
        nik = make_nik(
            "35.72.0" + str(1 + i % 3),
            date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
            "LP"[i % 2],
            serial,
        )
        kk = make_kk("35.72.01", date(2010 + i % 12, 1 + i % 12, 1 + i % 28), serial)
        rt, rw = f"{1 + i % 12:03d}", f"{1 + i % 6:03d}"
        address = f"{fake.street_name()} No. {1 + i % 120}, RT {rt}/RW {rw}"
        people.append((fake.name(), nik, kk, address, f"{rt}|{rw}"))
    return people


def list_rows(people: list[tuple[str, str, str, str, str]]) -> list[dd.ListRow]:
    rows = []
    for i, (name, nik, kk, address, rtrw) in enumerate(people, 1):
        rt, rw = rtrw.split("|")
        status = STATUSES[i % len(STATUSES)]
        rows.append(dd.ListRow(i, name, nik, kk, address, rt, rw, "Sukorejo", status, None, None))
    return rows


def receipts(people: list[tuple[str, str, str, str, str]]) -> list[dd.ReceiptDoc]:
    """Receipts as the counter prints them: the QR carries the number and an Ed25519 signature
    (64 random bytes here, 86 base64url characters, as `signed_qr_payload` writes them)."""
    rng = random.Random(2025)
    docs = []
    for i, (name, nik, kk, address, _rtrw) in enumerate(people, 1):
        number = f"RST4-LAP02-{i:06d}"
        proxy = i % 9 == 0
        docs.append(
            dd.ReceiptDoc(
                number,
                f"K{i % 99991:05d}",
                ROUND,
                POINT,
                name,
                nik,
                kk,
                address,
                "Sukorejo",
                f"Wakil {name}" if proxy else None,
                people[i - 2][1] if proxy else None,
                "surat_kuasa" if proxy else None,
                "Petugas Contoh",
                datetime(2026, 11, 20, 3, 5, tzinfo=UTC),
                "LAP02",
                signed_qr_payload(number, encode_signature(rng.randbytes(64))),
            )
        )
    return docs


# --- baselines: plain ReportLab, no Berdaya code in the drawing path --------------------------


# The baselines' reception list: the columns the app's list prints, for the PDF and the xlsx.
LIST_HEADER = ["No", "Nama", "NIK", "Alamat", "RT/RW", "Tanda Tangan", "", "Ket."]


def _list_cells(r: dd.ListRow) -> list[str]:
    """A list row's cells between the number and the remark; the signature box alternates
    columns so that neighbours do not sign over each other."""
    return [
        r.name,
        mask_nik(r.nik),
        r.address,
        f"{r.rt}/{r.rw}",
        f"{r.no}." if r.no % 2 else "",
        "" if r.no % 2 else f"{r.no}.",
    ]


def plain_list(path: Path, rows: list[dd.ListRow], per_page: int) -> None:
    """The same columns, row heights and strings, one Table per page, a plain grid."""
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
    )
    style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
    )
    story: list = []
    for start in range(0, len(rows), per_page):
        chunk = rows[start : start + per_page]
        data = [LIST_HEADER] + [[str(r.no), *_list_cells(r), r.status] for r in chunk]
        story.append(
            Table(
                data,
                colWidths=dd.LIST_COLUMN_WIDTHS,
                rowHeights=[dd.LIST_HEADER_HEIGHT] + [dd.LIST_ROW_HEIGHT] * len(chunk),
                style=style,
            )
        )
        story.append(PageBreak())
    doc.build(story[:-1])


def plain_receipts(path: Path, docs: list[dd.ReceiptDoc]) -> None:
    """The A6 receipt's content drawn straight onto a canvas, QR via the stock widget."""
    width, height = 105 * mm, 148 * mm
    canvas = Canvas(str(path), pagesize=(width, height))
    lh = Letterhead.from_office(OFFICE)
    for r in docs:
        rule = draw_letterhead(canvas, lh, 6 * mm, width - 6 * mm, height - 6 * mm, scale=0.5)
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawCentredString(width / 2, rule - 15, "TANDA TERIMA BANTUAN SOSIAL")
        canvas.setFont("Helvetica", 8)
        canvas.drawCentredString(width / 2, rule - 27, f"Nomor: {r.receipt_number}")
        y = rule - 42
        for label, value in dd.receipt_fields(r):
            canvas.setFont("Helvetica", 7.6)
            canvas.drawString(6 * mm, y, label)
            canvas.drawString(24 * mm, y, ":")
            for line in simpleSplit(value, "Helvetica", 7.6, 48 * mm):
                canvas.drawString(26 * mm, y, line)
                y -= 9.4
        size = 23 * mm
        widget = QrCodeWidget(r.qr_payload, barLevel="M", barWidth=size, barHeight=size)
        drawing = Drawing(size, size)
        drawing.add(widget)
        renderPDF.draw(drawing, canvas, width - 6 * mm - size, rule - 42 - size)
        canvas.drawCentredString(width - 6 * mm - size / 2, rule - 52 - size, r.verification_code)
        canvas.drawCentredString(30 * mm, 30 * mm, "Petugas,")
        canvas.drawCentredString(75 * mm, 30 * mm, "Yang menerima,")
        canvas.drawCentredString(30 * mm, 12 * mm, f"( {r.officer} )")
        canvas.drawCentredString(75 * mm, 12 * mm, f"( {r.recipient_name} )")
        canvas.showPage()
    canvas.save()


# --- LibreOffice --------------------------------------------------------------------------------


def write_xlsx(path: Path, rows: list[dd.ListRow]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Daftar")
    cell = book.add_format({"border": 1, "font_size": 8, "valign": "vcenter", "text_wrap": True})
    head = book.add_format(
        {"border": 1, "bold": True, "font_size": 8, "align": "center", "bg_color": "#E6E6E6"}
    )
    for col, width in enumerate((4, 22, 16, 22, 7, 11, 11, 10)):
        sheet.set_column(col, col, width)
    sheet.write_row(0, 0, LIST_HEADER, head)
    for i, r in enumerate(rows, 1):
        sheet.set_row(i, 25.5)
        status = dd.STATUS_LABELS.get(r.status, r.status)
        sheet.write_row(i, 0, [r.no, *_list_cells(r), status], cell)
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(0)
    sheet.fit_to_pages(1, 0)
    sheet.set_footer("&RHalaman &P dari &N")
    book.close()


def soffice_convert(soffice: str, xlsx: Path, out_dir: Path, profile: Path) -> tuple[float, float]:
    """(wall, cpu) of one conversion; cpu is the children's user+system time (Unix only)."""
    try:
        import resource

        def children_cpu() -> float:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime
    except ImportError:  # Windows: no rusage; report wall time only

        def children_cpu() -> float:
            return float("nan")

    start, cpu = time.perf_counter(), children_cpu()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(xlsx),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=900,
    )
    return time.perf_counter() - start, children_cpu() - cpu


# --- timing -------------------------------------------------------------------------------------


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall, cpu) seconds. The machine is shared, so CPU time of this single-threaded
    process is the steadier figure; wall time is reported beside it."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def pair(mine: Callable[[], object], base: Callable[[], object], repeat: int) -> dict:
    """Alternate the two so drift on a shared machine hits both alike; report the medians."""
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    for i in range(repeat):
        if i % 2:
            theirs.append(timed(base))
            ours.append(timed(mine))
        else:
            ours.append(timed(mine))
            theirs.append(timed(base))

    def med(runs: list[tuple[float, float]], k: int) -> float:
        return statistics.median(r[k] for r in runs)

    return {
        "berdaya_cpu_s": round(med(ours, 1), 3),
        "baseline_cpu_s": round(med(theirs, 1), 3),
        "ratio_cpu": round(med(ours, 1) / med(theirs, 1), 3),
        "berdaya_wall_s": round(med(ours, 0), 3),
        "baseline_wall_s": round(med(theirs, 0), 3),
        "ratio_wall": round(med(ours, 0) / med(theirs, 0), 3),
        "runs": repeat,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=7716)
    parser.add_argument("--receipts", type=int, default=7716)
    parser.add_argument("--repeat", type=int, default=5, help="runs of (a); (b) runs once")
    parser.add_argument(
        "--baseline-receipts",
        type=int,
        default=500,
        help="receipts in the plain-canvas baseline's sample (its stock QR widget is slow)",
    )
    parser.add_argument("--skip-receipts", action="store_true")
    parser.add_argument("--skip-layouts", action="store_true", help="A6 only")
    parser.add_argument("--skip-libreoffice", action="store_true")
    parser.add_argument(
        "--json", type=Path, default=CACHE_DIR / "results" / "documents.json", help="results file"
    )
    args = parser.parse_args(argv)

    load_before = os.getloadavg()[0]
    people = synthetic_people(max(args.rows, args.receipts))
    results: dict = {"rows": args.rows, "receipt_count": args.receipts}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        rows = list_rows(people[: args.rows])
        n = len(rows)
        doc = dd.ReceptionList(
            ROUND,
            POINT,
            "Sukorejo",
            rows,
            dd.Totals(n, n * 4 // 7, n // 7, n // 7, n // 7),
            date(2026, 12, 13),
            "Petugas Contoh",
        )
        pages: dict[str, int] = {}

        def ours_list() -> None:
            pages["list"] = dd.reception_list_pdf(tmp / "list.pdf", OFFICE, doc)

        # The baseline gets the same rows per page as our later pages.
        per_page = 28
        results["list"] = pair(
            ours_list, lambda: plain_list(tmp / "plain_list.pdf", rows, per_page), args.repeat
        )
        results["list"]["pages"] = pages["list"]
        results["list"]["target"] = LIST_TARGET
        results["list"]["met"] = results["list"]["ratio_cpu"] <= LIST_TARGET

        if not args.skip_receipts:
            docs = receipts(people[: args.receipts])
            wall, cpu = timed(
                lambda: dd.receipts_pdf(tmp / "receipts.pdf", OFFICE, docs, layout="a6")
            )
            sample = docs[: args.baseline_receipts]
            base_wall, base_cpu = timed(lambda: plain_receipts(tmp / "plain.pdf", sample))
            # The baseline per receipt, scaled to the same count (it is linear in receipts).
            scale = len(docs) / max(1, len(sample))
            results["receipts"] = {
                "berdaya_cpu_s": round(cpu, 3),
                "berdaya_wall_s": round(wall, 3),
                "baseline_cpu_s": round(base_cpu * scale, 3),
                "baseline_wall_s": round(base_wall * scale, 3),
                "ratio_cpu": round(cpu / (base_cpu * scale), 3),
                "ratio_wall": round(wall / (base_wall * scale), 3),
                "baseline_sample": len(sample),
                "cpu_ms_per_receipt": round(cpu / len(docs) * 1000, 3),
                "qr_payload_chars": len(docs[0].qr_payload),
                "runs": 1,
                "target_s": RECEIPTS_TARGET_S,
                "target_receipts": RECEIPTS_TARGET_COUNT,
                "met": cpu / len(docs) * RECEIPTS_TARGET_COUNT <= RECEIPTS_TARGET_S,
            }
            if not args.skip_layouts:
                for layout in ("half_a4", "thermal58"):
                    wall, cpu = timed(
                        lambda lay=layout: dd.receipts_pdf(tmp / "r.pdf", OFFICE, docs, layout=lay)
                    )
                    results[f"receipts_{layout}"] = {
                        "wall_s": round(wall, 3),
                        "cpu_s": round(cpu, 3),
                    }

        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice and not args.skip_libreoffice:
            xlsx = tmp / "daftar.xlsx"
            write_xlsx(xlsx, rows)
            profile = tmp / "lo-profile"
            small = tmp / "warmup.xlsx"
            write_xlsx(small, rows[:10])
            cold, _ = soffice_convert(soffice, small, tmp, profile)  # creates the user profile
            runs = [soffice_convert(soffice, xlsx, tmp, profile) for _ in range(2)]
            wall = min(r[0] for r in runs)
            cpu = min(r[1] for r in runs)
            lst = results["list"]
            results["libreoffice"] = {
                "wall_s": round(wall, 3),
                "cpu_s": round(cpu, 3),
                "first_start_s": round(cold, 3),
                "ratio_wall": round(wall / lst["berdaya_wall_s"], 1),
                "ratio_cpu": round(cpu / lst["berdaya_cpu_s"], 1),
            }
        else:
            results["libreoffice"] = None

    from desktop_app.documents import common

    results["qr_encoder"] = getattr(common, "QR_ENCODER", "reportlab")
    results["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    results["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    results["at"] = datetime.now().isoformat(timespec="seconds")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))

    def line(r: dict) -> str:
        return (
            f"CPU {r['berdaya_cpu_s']:.2f} s vs plain {r['baseline_cpu_s']:.2f} s -> "
            f"{r['ratio_cpu']:.2f}x; wall {r['berdaya_wall_s']:.2f} s vs "
            f"{r['baseline_wall_s']:.2f} s -> {r['ratio_wall']:.2f}x"
        )

    verdict = {True: "met", False: "MISSED"}
    lst = results["list"]
    print(f"load average {results['load_average'][0]} -> {results['load_average'][1]}")
    print(
        f"(a) daftar penerimaan, {args.rows} rows, {lst['pages']} pages "
        f"(target <= {LIST_TARGET:g}x CPU: {verdict[lst['met']]})"
    )
    print(f"    {line(lst)}")
    if "receipts" in results:
        rec = results["receipts"]
        print(
            f"(b) {args.receipts} receipts, A6, one PDF, {rec['qr_payload_chars']}-character "
            f"signed QR codes ({results['qr_encoder']} encoder): CPU {rec['berdaya_cpu_s']:.1f} s "
            f"({rec['cpu_ms_per_receipt']:.2f} ms each), wall {rec['berdaya_wall_s']:.1f} s "
            f"(target <= {RECEIPTS_TARGET_S:g} s CPU for {RECEIPTS_TARGET_COUNT:,}: "
            f"{verdict[rec['met']]})"
        )
        print(f"    plain canvas + stock QR widget, {rec['baseline_sample']} scaled: {line(rec)}")
        if "receipts_half_a4" in results:
            half, thermal = results["receipts_half_a4"], results["receipts_thermal58"]
            print(
                f"    other layouts: half-A4 CPU {half['cpu_s']:.1f} s (wall {half['wall_s']:.1f}"
                f" s), thermal 58 mm CPU {thermal['cpu_s']:.1f} s (wall {thermal['wall_s']:.1f} s)"
            )
    lo = results["libreoffice"]
    if lo:
        print(
            f"(c) LibreOffice Calc xlsx -> pdf, same list: CPU {lo['cpu_s']:.2f} s "
            f"({lo['ratio_cpu']}x the daftar penerimaan), wall {lo['wall_s']:.2f} s "
            f"({lo['ratio_wall']}x); first start with a new profile {lo['first_start_s']:.1f} s"
        )
    else:
        print("(c) LibreOffice not installed or skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
