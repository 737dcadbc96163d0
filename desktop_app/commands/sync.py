"""`berdaya device ...` and `berdaya sync ...`: device identities and field-sync bundles.

Exit codes of `sync import`: 0 imported (or already imported), 1 imported with conflicts,
quarantined changes or double claims to review, 2 refused (bad signature, unknown or revoked
device, tampered file, newer format) or unusable input. `sync conflicts`: 0 nothing open, 1 open
conflicts, double claims or quarantined changes.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from pathlib import Path

from desktop_app.cli import add_db_option, print_json
from desktop_app.commands.runner import refused, run_on_database
from desktop_app.domain.clock import WIB
from desktop_app.domain.errors import Msg, Refusal, all_messages
from desktop_app.i18n import get_language, tr_refusal
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.sync.views import QuarantineView
from desktop_app.storage.db import StorageError

# What the person typed does not name one thing to act on: exit 2, nothing changed.
CLI_CHECKOUT_WHAT = Msg(
    "sync.cli_checkout_what",
    "Pilih --round (atau --kelurahan untuk irisan registri, atau --pekerja untuk kasus).",
    "Choose --round (or --kelurahan for a registry slice, or --pekerja for cases).",
)
CLI_QUARANTINE_NOT_FOUND = Msg(
    "sync.cli_quarantine_not_found",
    "Perubahan karantina tidak ditemukan (atau id terlalu pendek).",
    "The quarantined change was not found (or the id is too short).",
)
CLI_CLAIM_NOT_FOUND = Msg(
    "sync.cli_claim_not_found",
    "Klaim ganda tidak ditemukan atau tidak tunggal: sebut NIK penerima atau nomor salah satu "
    "tanda terimanya.",
    "The double claim was not found or is not unique: give the recipient's NIK or the number of "
    "one of its receipts.",
)
CLI_CLAIM_CHOICE = Msg(
    "sync.cli_claim_choice",
    "Pilih salah satu: --void NOMOR_TANDA_TERIMA atau --confirm.",
    "Choose one: --void RECEIPT_NUMBER or --confirm.",
)
CLI_CONFLICT_NOT_FOUND = Msg(
    "sync.cli_conflict_not_found",
    "Konflik tidak ditemukan (atau id terlalu pendek).",
    "The conflict was not found (or the id is too short).",
)


def _usage(msg: Msg) -> int:
    return refused(Refusal(msg), 2)


def register(sub: argparse._SubParsersAction) -> None:
    device = sub.add_parser("device", help="identitas perangkat untuk sinkronisasi")
    dsub = device.add_subparsers(dest="device_command", metavar="AKSI", required=True)

    show = _sub(dsub, "show", "tampilkan identitas perangkat ini", cmd_device_show)
    show.add_argument("--json", action="store_true")

    export = _sub(
        dsub, "export-identity", "tulis berkas identitas publik perangkat", cmd_device_export
    )
    export.add_argument("-o", "--output", type=Path, required=True)

    reg = _sub(
        dsub, "register", "daftarkan laptop dari berkas identitasnya (kantor)", cmd_device_register
    )
    reg.add_argument("file", type=Path)
    reg.add_argument("--name", help="nama perangkat untuk nomor kuitansi, mis. LAP02")

    revoke = _sub(dsub, "revoke", "cabut perangkat (mis. laptop hilang)", cmd_device_revoke)
    revoke.add_argument("device", help="id atau nama perangkat")
    revoke.add_argument("--reason", required=True)

    listing = _sub(dsub, "list", "perangkat yang terdaftar", cmd_device_list)
    listing.add_argument("--json", action="store_true")

    sync = sub.add_parser("sync", help="bundel sinkronisasi kantor <-> laptop lapangan")
    ssub = sync.add_subparsers(dest="sync_command", metavar="AKSI", required=True)

    checkout = _sub(ssub, "checkout", "buat bundel checkout untuk laptop (kantor)", cmd_checkout)
    checkout.add_argument("--round", help="id putaran penyaluran")
    checkout.add_argument("--point", action="append", default=[], help="id titik salur")
    checkout.add_argument(
        "--kelurahan", action="append", default=[], help="kode kelurahan (irisan registri)"
    )
    checkout.add_argument("--device", required=True, help="id atau nama laptop tujuan")
    checkout.add_argument(
        "--peran",
        choices=["field", "social_worker"],
        help="peran laptop: field (Petugas lapangan, bawaan) atau social_worker (Pekerja "
        "sosial; bawaan bila --pekerja disebut)",
    )
    checkout.add_argument(
        "--pekerja",
        metavar="NAMA_PENGGUNA",
        help="nama pengguna pekerja sosial yang kasus aktifnya dibawa",
    )
    checkout.add_argument("-o", "--output", type=Path, required=True)

    join = _sub(ssub, "join", "buka bundel checkout: jadikan laptop lapangan", cmd_join)
    join.add_argument("file", type=Path)
    confirm = join.add_mutually_exclusive_group()
    confirm.add_argument(
        "--confirm-fingerprint",
        metavar="SIDIK",
        help="sidik kunci kantor seperti tampil di layar/ringkasan checkout kantor",
    )
    confirm.add_argument(
        "--code", metavar="KODE", help="kode sekali pakai yang tampil di kantor saat checkout"
    )
    join.add_argument("--json", action="store_true")

    exp = _sub(ssub, "export", "tulis bundel (laptop: ke kantor; kantor: --device)", cmd_export)
    exp.add_argument("-o", "--output", type=Path, required=True)
    exp.add_argument("--device", help="laptop tujuan (hanya di kantor)")

    imp = _sub(ssub, "import", "impor bundel", cmd_import)
    imp.add_argument("file", type=Path)
    imp.add_argument("--ack", type=Path, help="berkas tanda terima (kantor; bawaan: di samping)")
    imp.add_argument("--json", action="store_true")

    conflicts = _sub(ssub, "conflicts", "konflik yang perlu ditinjau", cmd_conflicts)
    conflicts.add_argument("--all", action="store_true", help="termasuk yang sudah diputuskan")
    conflicts.add_argument("--json", action="store_true")

    claim = _sub(ssub, "claim", "putuskan klaim ganda: batalkan satu atau konfirmasi", cmd_claim)
    claim.add_argument("claim", help="NIK penerima, nomor salah satu tanda terimanya, atau id")
    claim.add_argument("--void", metavar="NOMOR", help="nomor tanda terima yang dibatalkan")
    claim.add_argument("--confirm", action="store_true", help="benar diambil dua kali")
    claim.add_argument("--note", required=True)

    held = _sub(
        ssub, "quarantine", "putuskan perubahan karantina: terima atau tolak", cmd_quarantine
    )
    held.add_argument("change", help="id perubahan (awalannya cukup)")
    choice = held.add_mutually_exclusive_group(required=True)
    choice.add_argument("--accept", action="store_true", help="terima: gabungkan perubahan")
    choice.add_argument("--reject", action="store_true", help="tolak: jangan diterapkan")

    resolve = _sub(ssub, "resolve", "putuskan konflik: pilih salah satu nilai", cmd_resolve)
    resolve.add_argument("conflict")
    resolve.add_argument("--choice", type=int, required=True, help="nomor nilai (mulai 1)")
    resolve.add_argument("--note")


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _sub(
    parent: argparse._SubParsersAction,
    name: str,
    help_text: str,
    func: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    """A subcommand on the database (`--db`) that runs `func`; the caller adds its own options."""
    parser: argparse.ArgumentParser = parent.add_parser(name, help=help_text)
    add_db_option(parser)
    parser.set_defaults(func=func)
    return parser


def _run(args: argparse.Namespace, body: Callable[[AppContext], int]) -> int:
    def exit_code(exc: Refusal) -> int:
        from desktop_app.services.sync import BundleRefused

        return 2 if isinstance(exc, BundleRefused | StorageError) else 1

    return run_on_database(args, body, exit_code)


def _command(
    body: Callable[[AppContext, argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """A command's body run on the opened database, with the shared refusal handling of `_run`."""

    @functools.wraps(body)
    def command(args: argparse.Namespace) -> int:
        return _run(args, lambda ctx: body(ctx, args))

    return command


@_command
def cmd_device_show(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop_app.services.sync.devices import DeviceService

    svc = DeviceService(ctx)
    ident = svc.identity()
    data = {
        "device_id": ident.device_id,
        "name": ident.name,
        "role": svc.role(),
        "fingerprint": ident.fingerprint,
        "office_id": svc.office_device_id(),
    }
    office = svc.office()
    if office is not None:
        data["office_name"] = office.name
        data["office_fingerprint"] = office.fingerprint
    if args.json:
        print_json(data)
    else:
        print(f"Perangkat : {data['name']} ({data['device_id']})")
        print(f"Peran     : {'laptop lapangan' if data['role'] == 'field' else 'kantor'}")
        print(f"Sidik kunci: {data['fingerprint']}")
        if office is not None:
            print(f"Kantor    : {office.name}, sidik kunci {office.fingerprint}")
    return 0


@_command
def cmd_device_export(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop_app.services.sync.devices import DeviceService

    ident = DeviceService(ctx).export_identity(args.output)
    print(f"Identitas {ident.name} ditulis ke {args.output} (sidik {ident.fingerprint}).")
    return 0


@_command
def cmd_device_register(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop_app.services.sync.devices import DeviceService

    svc = DeviceService(ctx)
    try:
        ident = svc.read_identity_file(args.file)
    except ServiceError as exc:
        return refused(exc, 2)
    rec = svc.register(ident, name=args.name)
    print(f"Perangkat {rec.name} terdaftar ({rec.id}, sidik {rec.fingerprint}).")
    return 0


@_command
def cmd_device_revoke(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop_app.services.sync.devices import DeviceService

    rec = DeviceService(ctx).revoke(args.device, args.reason)
    print(f"Perangkat {rec.name} dicabut; bundelnya akan ditolak.")
    return 0


@_command
def cmd_device_list(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop_app.services.sync.devices import DeviceService

    records = DeviceService(ctx).devices()
    if args.json:
        print_json([r.__dict__ for r in records])
    else:
        for r in records:
            state = "DICABUT" if r.revoked else "aktif"
            print(f"{r.name:<8} {r.role:<7} {state:<8} {r.fingerprint}  {r.id}")
    return 0


@_command
def cmd_checkout(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop_app.services.sync import SyncService

    svc = SyncService(ctx)
    households = svc.households_in(args.kelurahan) if args.kelurahan else []
    if not args.round and not households and not args.pekerja:
        return _usage(CLI_CHECKOUT_WHAT)
    result = svc.checkout(
        args.device,
        args.output,
        household_ids=households,
        round_id=args.round,
        point_ids=args.point,
        access_role=args.peran or ("social_worker" if args.pekerja else "field"),
        worker=args.pekerja,
    )
    print(
        f"Bundel checkout untuk {result.to_name}: {result.entries} perubahan, "
        f"{_count(result.size_bytes)} bita -> {result.path}"
    )
    summary = result.checkout
    if summary is not None:
        from desktop_app.services.sync import ENTITY_LABELS

        carries = ", ".join(
            f"{ENTITY_LABELS.get(kind, kind)}: {_count(n)}" for kind, n in summary.carries.items()
        )
        print(f"Isi: {carries}.")
        if summary.fields:
            print(f"Data pribadi: {summary.fields}.")
        if summary.withheld:
            print(
                f"Tidak dibawa: {_count(summary.withheld)} kepesertaan program khusus "
                "(data pribadi spesifik)."
            )
        # Shown here, never written beside the bundle: it must reach the laptop another way.
        print(f"Sidik kunci kantor {summary.office_name}: {summary.office_fingerprint}")
        print(f"Kode sekali pakai untuk bergabung: {summary.join_code}")
    return 0


@_command
def cmd_join(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop_app.services.sync import SyncService
    from desktop_app.services.sync.apply import JoinNeedsConfirmation

    try:
        result = SyncService(ctx).join(
            args.file, confirm_fingerprint=args.confirm_fingerprint, code=args.code
        )
    except JoinNeedsConfirmation as exc:
        print(tr_refusal(exc), file=sys.stderr)
        print(
            f"Ulangi dengan --confirm-fingerprint {exc.params['fingerprint']} bila sidik itu sama "
            "dengan yang tampil di kantor, atau dengan --code KODE dari kantor.",
            file=sys.stderr,
        )
        return 2
    if args.json:
        print_json(result.as_dict())
    else:
        print(
            f"Bergabung dengan kantor {result.from_name}: {result.applied} perubahan, "
            f"perangkat ini bernama {ctx.device.name}."
        )
    return 0


@_command
def cmd_export(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop_app.services.sync import SyncService

    result = SyncService(ctx).export(args.output, args.device)
    print(
        f"Bundel {result.kind} untuk {result.to_name}: {result.entries} perubahan, "
        f"{_count(result.size_bytes)} bita -> {result.path}"
    )
    return 0


@_command
def cmd_import(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop_app.services.sync import SyncService

    result = SyncService(ctx).import_bundle(args.file, ack_path=args.ack)
    if args.json:
        print_json(result.as_dict())
    elif result.already_imported:
        print(f"Bundel dari {result.from_name} sudah pernah diimpor; tidak ada yang berubah.")
    else:
        print(
            f"Bundel dari {result.from_name}: {result.applied} perubahan baru, "
            f"{result.new_conflicts} konflik baru, {result.double_claims} klaim ganda, "
            f"{result.quarantined} dikarantina."
        )
    if result.quarantined and not args.json:
        for q in SyncService(ctx).quarantine():
            if q.bundle_id == result.bundle_id:
                print(f"  [{q.change_id[:8]}] {q.entity_label} {q.subject}: {_reason(q)}")
    if result.ack is not None and not args.json:
        print(f"Tanda terima untuk {result.ack.to_name}: {result.ack.path}")
    return result.exit_code


def _reason(q: QuarantineView) -> str:
    """Why a change is held, in the chosen language."""
    msg = all_messages().get(q.reason_code)
    return msg.text(get_language(), **q.reason_params) if msg is not None else q.reason


@_command
def cmd_quarantine(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop_app.services.sync import SyncService

    svc = SyncService(ctx)
    matches = [
        q for q in svc.quarantine() if q.status == "held" and q.change_id.startswith(args.change)
    ]
    if len(matches) != 1:
        return _usage(CLI_QUARANTINE_NOT_FOUND)
    svc.decide_quarantine(matches[0].change_id, release=args.accept)
    print("Perubahan diterima." if args.accept else "Perubahan ditolak.")
    return 0


@_command
def cmd_conflicts(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop_app.services.sync import SyncService
    from desktop_app.services.sync.double_claims import DoubleClaimService

    svc = SyncService(ctx)
    items = svc.conflicts(open_only=not args.all)
    claims = DoubleClaimService(ctx).claims(include_confirmed=args.all)
    held = [q for q in svc.quarantine() if args.all or q.status == "held"]
    if args.json:
        print_json(
            {
                "conflicts": [c.as_dict() for c in items],
                "double_claims": [c.as_dict() for c in claims],
                "quarantine": [q.as_dict() for q in held],
            }
        )
    else:
        if not items and not claims and not held:
            print("Tidak ada konflik, klaim ganda, atau perubahan karantina yang terbuka.")
        for c in items:
            kind = "PERLU KEPUTUSAN" if c.kind == "critical" else "tinjau"
            state = "" if c.open else " (sudah diputuskan)"
            print(f"[{c.id[:8]}] {kind}: {c.subject} — {c.field_label}{state}")
            for i, cand in enumerate(c.candidates, 1):
                mark = "*" if cand.text == c.current_text else " "
                who = f"{cand.device_name}, {cand.actor}, {cand.at}"
                print(f"   {mark}{i}. {cand.text}  ({who})")
        for claim in claims:
            state = "KLAIM GANDA" if claim.status == "open" else "klaim ganda dikonfirmasi"
            print(
                f"[{claim.nik or claim.roster_id}] {state}: {claim.recipient_name} — "
                f"{claim.round_name}"
            )
            for r in claim.receipts:
                void = " (batal)" if r.voided else ""
                print(
                    f"    {r.number}{void}: {r.device_name}, {r.officer}, "
                    f"{r.received_at.astimezone(WIB):%d-%m-%Y %H:%M}, {r.collector}"
                )
        for q in held:
            print(
                f"[{q.change_id[:8]}] karantina: {q.entity_label} {q.subject} dari "
                f"{q.device_name} ({q.summary}), waktu {q.stamped_at:%Y-%m-%d %H:%M} UTC"
            )
            print(f"    {_reason(q)}")
    pending = (
        any(c.open for c in items)
        or any(c.status == "open" for c in claims)
        or any(q.status == "held" for q in held)
    )
    return 1 if pending else 0


@_command
def cmd_claim(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop_app.services.sync.double_claims import DoubleClaimService

    svc = DoubleClaimService(ctx)
    ref = args.claim.strip()
    matches = [
        c
        for c in svc.claims()
        if c.roster_id == ref
        or (len(ref) >= 8 and c.roster_id.startswith(ref))
        or ref == c.nik
        or ref.upper() in {r.number for r in c.receipts}
    ]
    if len(matches) != 1:
        return _usage(CLI_CLAIM_NOT_FOUND)
    if bool(args.void) == bool(args.confirm):
        return _usage(CLI_CLAIM_CHOICE)
    action = "void" if args.void else "confirm"
    svc.resolve(matches[0].roster_id, action, args.note, void_receipt=args.void)
    print("Keputusan klaim ganda dicatat; akan ikut terkirim ke semua perangkat.")
    return 0


@_command
def cmd_resolve(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop_app.services.sync import SyncService

    svc = SyncService(ctx)
    matches = [c for c in svc.conflicts() if c.id.startswith(args.conflict)]
    if len(matches) != 1:
        return _usage(CLI_CONFLICT_NOT_FOUND)
    svc.resolve_conflict(matches[0].id, args.choice - 1, note=args.note)
    print("Konflik diputuskan; keputusan akan ikut terkirim ke semua perangkat.")
    return 0
