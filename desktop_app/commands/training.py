"""Training commands: list trainings, print attendance sheets, recaps and certificates.

`berdaya training list --db PATH [--json]`
`berdaya print attendance-sheet --db PATH --training ID [--session ID] -o FILE.pdf`
`berdaya print attendance-recap --db PATH --training ID -o FILE.pdf`
`berdaya print certificates --db PATH --training ID -o FILE.pdf`

A training may be named by its id or by an unambiguous prefix of it (as `training list` shows).
Exit codes: 0 done, 1 refused (e.g. nothing to print, training not finished), 2 unusable input.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.cli import add_db_option, print_json
from desktop_app.commands.printing import get_print_subparsers
from desktop_app.commands.runner import UsageError, refused, run_on_database
from desktop_app.domain.errors import Msg, Refusal

if TYPE_CHECKING:
    from desktop_app.services.context import AppContext
    from desktop_app.services.training import TrainingService


UNKNOWN_TRAINING = Msg(
    "training.cli_unknown_training",
    "Pelatihan '{ref}' tidak ditemukan. Lihat: berdaya training list",
    "Training '{ref}' not found. See: berdaya training list",
)
AMBIGUOUS_PREFIX = Msg(
    "training.cli_ambiguous_prefix",
    "Awalan '{ref}' cocok dengan {count} pelatihan; tulis lebih panjang.",
    "Prefix '{ref}' matches {count} trainings; write more of it.",
)
NO_FOLDER = Msg(
    "training.cli_no_folder", "Folder {path} tidak ada.", "Folder {path} does not exist."
)
NOT_PDF = Msg(
    "training.cli_not_pdf",
    "Nama berkas keluaran harus berakhiran .pdf",
    "The output file name must end in .pdf",
)
NO_ACTIVE_PARTICIPANTS = Msg(
    "training.cli_no_active_participants",
    "Pelatihan ini belum memiliki peserta aktif.",
    "This training has no active participants yet.",
)
NO_PARTICIPANTS = Msg(
    "training.cli_no_participants",
    "Pelatihan ini belum memiliki peserta.",
    "This training has no participants yet.",
)
NO_CERTIFICATES = Msg(
    "training.cli_no_certificates",
    "Belum ada peserta yang memenuhi syarat kehadiran; tidak ada sertifikat.",
    "No participant meets the attendance rule yet; there are no certificates.",
)


def register(sub: argparse._SubParsersAction) -> None:
    training = sub.add_parser("training", help="pelatihan keterampilan")
    tsub = training.add_subparsers(dest="training_command", metavar="PERINTAH", required=True)
    listing = tsub.add_parser("list", help="daftar pelatihan")
    add_db_option(listing)
    listing.add_argument("--json", action="store_true", help="keluaran JSON")
    listing.set_defaults(func=cmd_list)

    prints = get_print_subparsers(sub)
    # The documents of one training share their options; the sheet may also name one session.
    documents = (
        ("attendance-sheet", "daftar hadir pelatihan per sesi", cmd_print_sheet),
        ("attendance-recap", "rekap kehadiran seluruh pelatihan", cmd_print_recap),
        (
            "certificates",
            "sertifikat pelatihan (menerbitkan nomor bagi peserta yang memenuhi syarat)",
            cmd_print_certificates,
        ),
    )
    for name, help_text, func in documents:
        document = prints.add_parser(name, help=help_text)
        add_db_option(document)
        document.add_argument("--training", required=True, help="id pelatihan (atau awalannya)")
        document.add_argument("-o", "--output", type=Path, required=True, help="berkas PDF tujuan")
        if name == "attendance-sheet":
            document.add_argument("--session", help="id sesi (bawaan: semua sesi)")
        document.set_defaults(func=func)



def _run(
    args: argparse.Namespace, action: Callable[[AppContext], int], read_only: bool = False
) -> int:
    # Every refusal: the service's (ServiceError, StorageError) and the commands' own.
    return run_on_database(args, action, _exit_code, catch=(Refusal,), read_only=read_only)


def _exit_code(exc: Refusal) -> int:
    """The exit code of a refusal: 2 for unusable input, 1 for a refusal."""
    return 2 if isinstance(exc, UsageError) else 1


def _refused(exc: Refusal) -> int:
    """Says why the command stopped; returns its exit code (2 for unusable input)."""
    return refused(exc, _exit_code(exc))


def _resolve_training(service: TrainingService, ref: str) -> str:
    ref = ref.strip()
    matches = [t.id for t in service.list_trainings() if t.id == ref or t.id.startswith(ref)]
    if ref in matches:
        return ref
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UsageError(UNKNOWN_TRAINING, ref=ref)
    raise UsageError(AMBIGUOUS_PREFIX, ref=ref, count=len(matches))


def _check_output(path: Path) -> None:
    if not path.parent.exists():
        raise UsageError(NO_FOLDER, path=path.parent)
    if path.suffix.lower() != ".pdf":
        raise UsageError(NOT_PDF)


def cmd_list(args: argparse.Namespace) -> int:
    from desktop_app.services.training import TrainingService

    def action(ctx: AppContext) -> int:
        rows = TrainingService(ctx).list_trainings()
        if args.json:
            print_json(
                [
                    {
                        "id": t.id,
                        "title": t.title,
                        "category": t.category,
                        "status": t.status,
                        "start_date": t.start_date.isoformat(),
                        "end_date": t.end_date.isoformat(),
                        "venue": t.venue,
                        "organiser": t.organiser,
                        "trainers": list(t.trainers),
                        "quota": t.quota,
                        "participants": t.participants,
                        "sessions": t.sessions,
                        "threshold_pct": t.threshold_pct,
                    }
                    for t in rows
                ]
            )
            return 0
        if not rows:
            print("Belum ada pelatihan.")
            return 0
        print(f"{'ID':<36}  {'Status':<12} {'Tanggal':<23} {'Peserta':>7} {'Sesi':>4}  Judul")
        for t in rows:
            quota = f"/{t.quota}" if t.quota else ""
            dates = f"{t.start_date:%d-%m-%Y} s.d. {t.end_date:%d-%m-%Y}"
            print(
                f"{t.id:<36}  {t.status_label:<12} {dates:<23} "
                f"{str(t.participants) + quota:>7} {t.sessions:>4}  {t.title}"
            )
        return 0

    return _run(args, action, read_only=True)


def _run_print(
    args: argparse.Namespace,
    body: Callable[[AppContext, TrainingService, str], int],
    read_only: bool = False,
) -> int:
    """Check the output file, resolve --training, then `body(ctx, service, training_id)`."""
    from desktop_app.services.training import TrainingService

    def action(ctx: AppContext) -> int:
        _check_output(args.output)
        service = TrainingService(ctx)
        return body(ctx, service, _resolve_training(service, args.training))

    return _run(args, action, read_only=read_only)


def cmd_print_sheet(args: argparse.Namespace) -> int:
    from desktop_app.documents.training import attendance_sheet_pdf

    def body(ctx: AppContext, service: TrainingService, training_id: str) -> int:
        data = service.attendance_sheet_data(training_id, args.session)
        if not data.participants:
            raise Refusal(NO_ACTIVE_PARTICIPANTS)
        pages = attendance_sheet_pdf(args.output, ctx.office, data)
        print(
            f"Daftar hadir {len(data.sessions)} sesi, {len(data.participants)} peserta, "
            f"{pages} halaman: {args.output}"
        )
        return 0

    return _run_print(args, body, read_only=True)


def cmd_print_recap(args: argparse.Namespace) -> int:
    from desktop_app.documents.training import attendance_recap_pdf

    def body(ctx: AppContext, service: TrainingService, training_id: str) -> int:
        data = service.recap_data(training_id)
        if not data.rows:
            raise Refusal(NO_PARTICIPANTS)
        pages = attendance_recap_pdf(args.output, ctx.office, data)
        print(f"Rekap kehadiran {len(data.rows)} peserta, {pages} halaman: {args.output}")
        return 0

    return _run_print(args, body, read_only=True)


def cmd_print_certificates(args: argparse.Namespace) -> int:
    from desktop_app.documents.training import certificates_pdf

    def body(ctx: AppContext, service: TrainingService, training_id: str) -> int:
        issued = service.issue_certificates(training_id)
        data = service.certificate_data(training_id)
        if not data:
            raise Refusal(NO_CERTIFICATES)
        certificates_pdf(args.output, ctx.office, data)
        print(f"{len(data)} sertifikat ({len(issued)} nomor baru diterbitkan): {args.output}")
        return 0

    return _run_print(args, body)
