"""The printed reports' data, built from the same figures the Beranda shows.

`build_report(ctx, name, period, program=..., round_ref=...)` returns a `ReportDoc` for
documents.reports (PDF) and services.reporting.xlsx (the same tables). Names: `bulanan`
(monthly per program), `realisasi` (a distribution round, the recap's numbers), `pelatihan`
(training), `kualitas` (data quality); English aliases are accepted on the command line.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from desktop_app.documents.common import format_number_id
from desktop_app.documents.reports import (
    ReportChart,
    ReportDoc,
    ReportSection,
    ReportTable,
    report_pdf,
)
from desktop_app.domain.access import Permission
from desktop_app.domain.office import format_date_id
from desktop_app.domain.programs import DISABILITY_RAGAM, Unit
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.distribution import DistributionService
from desktop_app.services.reporting.figures import ReportingService, program_of
from desktop_app.services.reporting.messages import NO_ROUND, REPORT_UNKNOWN, ROUND_DRAFT
from desktop_app.services.reporting.types import (
    AGE_GROUP_LABELS,
    AGE_GROUPS,
    Period,
)

__all__ = ["REPORT_NAMES", "build_report", "report_name", "write_report"]

REPORT_NAMES: dict[str, str] = {
    "bulanan": "Laporan bulanan program",
    "realisasi": "Laporan realisasi penyaluran",
    "pelatihan": "Laporan pelatihan",
    "kualitas": "Laporan kualitas data",
}
_ALIASES = {
    "monthly": "bulanan",
    "realisation": "realisasi",
    "realization": "realisasi",
    "training": "pelatihan",
    "quality": "kualitas",
}


def report_name(name: str) -> str:
    key = (name or "").strip().lower()
    key = _ALIASES.get(key, key)
    if key not in REPORT_NAMES:
        raise ServiceError(REPORT_UNKNOWN, name=name, known=", ".join(REPORT_NAMES))
    return key


def period_text(period: Period) -> str:
    if period.start == period.end:
        return format_date_id(period.start)
    return f"{format_date_id(period.start)} s.d. {format_date_id(period.end)}"


def build_report(
    ctx: AppContext,
    name: str,
    period: Period,
    *,
    program: str | None = None,
    round_ref: str | None = None,
) -> ReportDoc:
    ctx.require(Permission.REPORTS_VIEW)
    key = report_name(name)
    svc = ReportingService(ctx)
    if key == "bulanan":
        return _monthly(svc, program or "RASTRADA", period)
    if key == "realisasi":
        return _realisation(ctx, svc, round_ref or "")
    if key == "pelatihan":
        return _training(svc, period)
    return _quality(svc)


def write_report(path: Path, ctx: AppContext, doc: ReportDoc) -> int:
    """PDF (pages) or xlsx (sheets) by the file's suffix."""
    if path.suffix.lower() == ".xlsx":
        from desktop_app.services.reporting.xlsx import report_xlsx

        return report_xlsx(path, doc)
    return report_pdf(path, ctx.office, doc)


def _monthly(svc: ReportingService, code: str, period: Period) -> ReportDoc:
    program = program_of(code)
    unit = "KPM" if program.unit == Unit.HOUSEHOLD else "orang"
    on = period.end
    figures = svc.program_figures(period, [program.code])[0]
    groups = svc.by_kelurahan(program.code, on)
    breakdown = svc.breakdown(program.code, on)
    left = svc.left_by_reason(program.code, period)
    active = sum(g.total for g in groups)
    sections = [
        ReportSection(
            "A. Ringkasan",
            f"Penerima {program.name} yang aktif per {format_date_id(on)}: "
            f"{format_number_id(active)} {unit}.",
            tables=[
                ReportTable(
                    "",
                    ["Uraian", "Jumlah"],
                    [
                        [f"Penerima aktif per {format_date_id(on)} ({unit})", active],
                        ["Penerima baru dalam periode", figures.new],
                        ["Keluar dari program dalam periode", figures.left],
                        *[[f"   keluar karena: {reason}", n] for reason, n in left.items()],
                    ],
                )
            ],
        ),
        ReportSection(
            "B. Penerima per kelurahan",
            tables=[
                ReportTable(
                    "",
                    ["No", "Kelurahan", "Laki-laki", "Perempuan", "Jumlah"],
                    [[i, g.label, g.men, g.women, g.total] for i, g in enumerate(groups, 1)],
                    [
                        "",
                        "JUMLAH",
                        sum(g.men for g in groups),
                        sum(g.women for g in groups),
                        active,
                    ],
                )
            ],
            chart=ReportChart(
                f"Penerima {program.short} per kelurahan",
                [g.label for g in groups],
                [("Laki-laki", [g.men for g in groups]), ("Perempuan", [g.women for g in groups])],
            ),
        ),
        ReportSection(
            "C. Jenis kelamin dan kelompok umur",
            "Umur per tanggal akhir periode"
            + (
                "; untuk KPM dihitung dari kepala keluarga."
                if program.unit == Unit.HOUSEHOLD
                else "."
            ),
            tables=[
                ReportTable(
                    "",
                    ["Kelompok umur", "Laki-laki", "Perempuan", "Jumlah"],
                    [
                        [
                            AGE_GROUP_LABELS[g],
                            breakdown.count("L", g),
                            breakdown.count("P", g),
                            breakdown.count(group=g),
                        ]
                        for g in AGE_GROUPS
                    ],
                    ["JUMLAH", breakdown.count("L"), breakdown.count("P"), breakdown.total],
                )
            ],
        ),
    ]
    if program.code == "DISABILITAS":
        ragam = svc.disability_by_ragam(on)
        sections.append(
            ReportSection(
                "D. Ragam disabilitas",
                "Satu orang dapat memiliki lebih dari satu ragam (ganda/multi).",
                tables=[
                    ReportTable(
                        "",
                        ["Ragam", "Jumlah"],
                        [[DISABILITY_RAGAM.get(k, k), n] for k, n in ragam.items()],
                    )
                ],
            )
        )
    return ReportDoc(
        name="bulanan",
        title=f"Laporan Bulanan {program.name}",
        subtitle=f"Periode {period_text(period)}",
        sections=sections,
        printed_on=svc.today(),
        notes=(
            "Penerima aktif: kepesertaan yang dimulai paling lambat dan belum berakhir pada "
            "tanggal akhir periode, atas orang/KPM yang tercatat di registri.",
        ),
    )


def _realisation(ctx: AppContext, svc: ReportingService, round_ref: str) -> ReportDoc:
    progress = svc.round_progress(round_ref) if round_ref else None
    if progress is None:
        raise ServiceError(NO_ROUND, ref=round_ref)
    if progress.status == "draft":
        raise ServiceError(ROUND_DRAFT, name=progress.name)
    # The recap document's own figures, so this report and the BAST/recap never disagree.
    recap = DistributionService(ctx).recap(progress.round_id)
    rows = []
    per_kel: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for i, r in enumerate(recap.rows, 1):
        t = r.totals
        pct = round(100 * t.received / t.entitled, 1) if t.entitled else 0.0
        rows.append(
            [
                i,
                r.kelurahan,
                r.point,
                t.entitled,
                t.received,
                t.by_proxy,
                t.absent,
                t.refused,
                t.pending,
                pct,
            ]
        )
        acc = per_kel[r.kelurahan]
        for j, v in enumerate(
            (t.received - t.by_proxy, t.by_proxy, t.absent, t.refused, t.pending)
        ):
            acc[j] += v
    g = recap.grand_total
    kels = sorted(per_kel)
    names = ["Diterima langsung", "Diwakilkan", "Tidak hadir", "Ditolak", "Belum"]
    return ReportDoc(
        name="realisasi",
        title=f"Laporan Realisasi Penyaluran {recap.round.program_name}",
        subtitle=f"{recap.round.name} ({recap.round.code})",
        sections=[
            ReportSection(
                "A. Ringkasan",
                (
                    f"Dari {g.entitled:,} penerima terdaftar, {g.received:,} telah menerima "
                    f"({g.by_proxy:,} diwakilkan), {g.absent:,} tidak hadir, {g.refused:,} "
                    f"ditolak dan {g.pending:,} belum menerima."
                ).replace(",", "."),
            ),
            ReportSection(
                "B. Realisasi per kelurahan dan titik salur",
                tables=[
                    ReportTable(
                        "",
                        [
                            "No",
                            "Kelurahan",
                            "Titik salur",
                            "Terdaftar",
                            "Diterima",
                            "Diwakilkan",
                            "Tidak hadir",
                            "Ditolak",
                            "Belum",
                            "Realisasi (%)",
                        ],
                        rows,
                        [
                            "",
                            "JUMLAH",
                            "",
                            g.entitled,
                            g.received,
                            g.by_proxy,
                            g.absent,
                            g.refused,
                            g.pending,
                            round(100 * g.received / g.entitled, 1) if g.entitled else 0.0,
                        ],
                    )
                ],
                chart=ReportChart(
                    "Realisasi per kelurahan",
                    kels,
                    [(n, [per_kel[k][j] for k in kels]) for j, n in enumerate(names)],
                ),
            ),
        ],
        printed_on=svc.today(),
        notes=("Diterima termasuk yang diwakilkan; angka sama dengan BAST dan rekapitulasi.",),
    )


def _training(svc: ReportingService, period: Period) -> ReportDoc:
    summary = svc.training_summary(period)
    ts = summary.trainings
    rows = [
        [
            t.title,
            f"{t.start_date:%d-%m-%Y} s.d. {t.end_date:%d-%m-%Y}",
            t.sessions,
            t.participants,
            t.women,
            t.withdrawn,
            t.completed,
            t.certificates,
        ]
        for t in ts
    ]
    return ReportDoc(
        name="pelatihan",
        title="Laporan Pelatihan Keterampilan",
        subtitle=f"Periode {period_text(period)}",
        sections=[
            ReportSection(
                "A. Pelatihan dalam periode",
                tables=[
                    ReportTable(
                        "",
                        [
                            "Pelatihan",
                            "Tanggal",
                            "Sesi",
                            "Peserta",
                            "Perempuan",
                            "Mundur",
                            "Memenuhi syarat",
                            "Sertifikat",
                        ],
                        rows,
                        [
                            "JUMLAH",
                            "",
                            sum(t.sessions for t in ts),
                            summary.participants,
                            sum(t.women for t in ts),
                            sum(t.withdrawn for t in ts),
                            summary.completed,
                            summary.certificates,
                        ],
                    )
                ],
                chart=ReportChart(
                    "Peserta dan kelulusan",
                    [t.title for t in ts],
                    [
                        ("Memenuhi syarat kehadiran", [t.completed for t in ts]),
                        ("Belum memenuhi", [t.participants - t.completed for t in ts]),
                    ],
                ),
            )
        ],
        printed_on=svc.today(),
        notes=(
            "Peserta: peserta aktif (tidak mundur). Memenuhi syarat: kehadiran sesuai "
            "ambang pelatihan itu.",
        ),
    )


def _quality(svc: ReportingService) -> ReportDoc:
    items = svc.data_quality()
    return ReportDoc(
        name="kualitas",
        title="Laporan Kualitas Data Registri",
        subtitle=f"Keadaan {format_date_id(svc.today())}",
        sections=[
            ReportSection(
                "A. Temuan",
                tables=[
                    ReportTable("", ["Pemeriksaan", "Jumlah"], [[q.label, q.count] for q in items])
                ],
            )
        ],
        printed_on=svc.today(),
    )
