"""`berdaya pengguna`: accounts from the command line (the administrator's work, and one's own
password).

    pengguna pertama NAMA --nama-lengkap TEKS [--nip NIP]     the first administrator
    pengguna daftar [--json]                                 every account
    pengguna tambah NAMA --nama-lengkap TEKS --peran PERAN [--nip NIP] [--penyelia]
    pengguna ubah NAMA [--nama-lengkap ..] [--nip ..] [--peran ..] [--penyelia|--bukan-penyelia]
                       [--aktifkan]
    pengguna nonaktifkan NAMA
    pengguna reset-sandi NAMA                                a temporary password
    pengguna ganti-sandi                                     one's own password
    pengguna pulihkan NAMA                                   recovery key -> new password
    pengguna kunci-pemulihan                                 a new recovery key (old one void)

Passwords are never arguments (they would stay in the shell history and the process list): a
prompt asks for them (a new one twice), or with `--password-stdin` they are lines of stdin in
this order: the logged-in person's password (commands that need a login), then the recovery key
(`pulihkan`), then the new password. Everything but `pertama` and `pulihkan` needs the login of
`--user` (managing accounts: an administrator).

Exit codes: 0 done; 1 refused (name taken, last administrator, no permission, unknown account);
2 unusable input (bad name, NIP or role, weak or mismatched password, failed login, unusable
database).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from desktop_app.cli import (
    add_db_option,
    command_password,
    print_json,
    read_secret,
    usable_db,
    uses_accounts,
)
from desktop_app.commands.runner import refused, run_on_database
from desktop_app.domain.access import ROLE_LABELS, Permission, Role
from desktop_app.domain.errors import Refusal
from desktop_app.i18n import get_language

if TYPE_CHECKING:
    from desktop_app.services.accounts import AccountView
    from desktop_app.services.context import AppContext

# `pengguna pertama` encrypts the database under the new administrator's password (SQLCipher +
# key file, storage.keyring), as the GUI's first start does.
FIRST_ADMIN_ENCRYPTS = True

# Refusals that mean the input cannot be used (exit 2) rather than a rule refusing it (exit 1).
INPUT_CODES = frozenset(
    {
        "account.username_invalid",
        "account.full_name_required",
        "account.nip_invalid",
        "account.role_unknown",
        "account.password_weak",
        "cli.password_mismatch",
        "cli.no_accounts",
    }
)

ROLE_CHOICES = [str(r) for r in Role]


def register(sub: argparse._SubParsersAction) -> None:
    users = sub.add_parser("pengguna", help="akun pengguna: tambah, ubah, kata sandi")
    users_sub = users.add_subparsers(dest="users_command", metavar="PERINTAH", required=True)

    first = users_sub.add_parser("pertama", help="buat administrator pertama (sekali saja)")
    _new_account(first, with_role=False)
    first.set_defaults(func=cmd_first)

    listing = users_sub.add_parser("daftar", help="daftar akun")
    _common(listing)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_list)

    add = users_sub.add_parser("tambah", help="tambah akun (kata sandi awal wajib diganti)")
    _new_account(add, with_role=True)
    add.add_argument("--penyelia", action="store_true", help="boleh keputusan penyelia")
    add.set_defaults(func=cmd_add)

    change = users_sub.add_parser("ubah", help="ubah nama, NIP, peran atau status akun")
    _common(change)
    change.add_argument("username", metavar="NAMA")
    _full_name(change, required=False)
    change.add_argument("--nip", metavar="NIP", help='NIP baru ("" untuk mengosongkan)')
    change.add_argument("--peran", choices=ROLE_CHOICES)
    supervisor = change.add_mutually_exclusive_group()
    supervisor.add_argument("--penyelia", dest="supervisor", action="store_true", default=None)
    supervisor.add_argument("--bukan-penyelia", dest="supervisor", action="store_false")
    change.add_argument("--aktifkan", action="store_true", help="aktifkan kembali akun")
    change.set_defaults(func=cmd_change)

    disable = users_sub.add_parser("nonaktifkan", help="nonaktifkan akun (tidak bisa masuk)")
    _common(disable)
    disable.add_argument("username", metavar="NAMA")
    disable.set_defaults(func=cmd_disable)

    reset = users_sub.add_parser("reset-sandi", help="atur kata sandi sementara sebuah akun")
    _common(reset)
    reset.add_argument("username", metavar="NAMA")
    reset.set_defaults(func=cmd_reset)

    own = users_sub.add_parser("ganti-sandi", help="ganti kata sandi sendiri")
    _common(own)
    own.set_defaults(func=cmd_change_own, password_change=True)

    recover = users_sub.add_parser(
        "pulihkan", help="kata sandi administrator baru dengan kunci pemulihan"
    )
    _common(recover)
    recover.add_argument("username", metavar="NAMA", help="akun administrator")
    recover.set_defaults(func=cmd_recover)

    rotate = users_sub.add_parser(
        "kunci-pemulihan", help="buat kunci pemulihan baru (yang lama tidak berlaku lagi)"
    )
    _common(rotate)
    rotate.set_defaults(func=cmd_rotate_recovery)


def _common(parser: argparse.ArgumentParser) -> None:
    add_db_option(parser)


def _new_account(parser: argparse.ArgumentParser, *, with_role: bool) -> None:
    """The options of a new account: its name, the full name, the role (the first account is
    always an administrator) and the optional NIP."""
    _common(parser)
    parser.add_argument("username", metavar="NAMA", help="nama pengguna (mis. sari.w)")
    _full_name(parser, required=True)
    if with_role:
        parser.add_argument("--peran", required=True, choices=ROLE_CHOICES, help="peran akun")
    parser.add_argument("--nip", metavar="NIP", help="NIP 18 angka (boleh kosong)")


def _full_name(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--nama-lengkap",
        "--nama",
        dest="full_name",
        required=required,
        metavar="TEKS",
        help="nama lengkap (tercetak pada tanda terima dan dokumen)",
    )


def _say(text_id: str, text_en: str) -> str:
    return text_en if get_language() == "en" else text_id


def _exit_code(exc: Refusal) -> int:
    if exc.code in INPUT_CODES:
        return 2
    return int(getattr(exc, "exit_code", 1) or 1)


def new_password(args: argparse.Namespace, username: str) -> str:
    """The new password: one stdin line with --password-stdin, else asked twice."""
    from desktop_app.commands.messages import PASSWORD_MISMATCH
    from desktop_app.services.context import ServiceError

    first = read_secret(
        args, f"Kata sandi baru untuk {username}: ", f"New password for {username}: "
    )
    if getattr(args, "password_stdin", False):
        return first
    again = read_secret(args, "Ulangi kata sandi baru: ", "Repeat the new password: ")
    if again != first:
        raise ServiceError(PASSWORD_MISMATCH)
    return first


def _require_accounts(ctx: AppContext) -> None:
    from desktop_app.commands.messages import NO_ACCOUNTS
    from desktop_app.services.context import ServiceError

    if ctx.user is None:  # opened without a login: the database has no accounts yet
        raise ServiceError(NO_ACCOUNTS)


def _password_for_account(ctx: AppContext, args: argparse.Namespace) -> str:
    """The password an administrator sets for `args.username` (a new account, a reset): the
    permission is checked before the password is asked for nothing."""
    _require_accounts(ctx)
    ctx.require(Permission.USERS_MANAGE)
    return new_password(args, args.username)


def _role_label(role: Role) -> str:
    label_id, label_en = ROLE_LABELS[role]
    return _say(label_id, label_en)


# -- commands ---------------------------------------------------------------------------------
def cmd_first(args: argparse.Namespace) -> int:
    from desktop_app.services.accounts import AccountInput, create_administrator
    from desktop_app.services.accounts.messages import ALREADY_SET_UP
    from desktop_app.services.context import ServiceError

    try:
        path = usable_db(args)
        if uses_accounts(path):
            raise ServiceError(ALREADY_SET_UP)
        password = new_password(args, args.username)
        started = create_administrator(
            path,
            AccountInput(args.username, args.full_name, Role.ADMIN, args.nip),
            password,
            encrypt=FIRST_ADMIN_ENCRYPTS,
        )
    except Refusal as exc:
        return refused(exc, _exit_code(exc))
    try:
        actor = started.ctx.current_actor()
    finally:
        started.ctx.close()
    print(_say(f"Administrator {actor.username} dibuat.", f"Administrator {actor.username} made."))
    if started.recovery_key:
        print(
            _say(
                "KUNCI PEMULIHAN (hanya ditampilkan sekali; tulis dan simpan di tempat aman, "
                "terpisah dari laptop ini):",
                "RECOVERY KEY (shown only once; write it down and keep it somewhere safe, away "
                "from this laptop):",
            )
        )
        print(f"    {started.recovery_key}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from desktop_app.commands.messages import NO_ACCOUNTS
    from desktop_app.services.accounts import AccountService

    def body(ctx: AppContext) -> int:
        if ctx.user is None:
            if args.json:
                print_json([])
            else:
                print(NO_ACCOUNTS.text(get_language()))
            return 0
        accounts = AccountService(ctx).list_accounts()
        if args.json:
            print_json([_as_json(a) for a in accounts])
        else:
            _print_table(accounts)
        return 0

    return run_on_database(args, body, _exit_code, read_only=True)


def _as_json(account: AccountView) -> dict[str, object]:
    return {
        "username": account.username,
        "full_name": account.full_name,
        "nip": account.nip,
        "role": str(account.role),
        "supervisor": account.supervisor,
        "active": account.active,
        "must_change_password": account.must_change_password,
        "last_login_at": account.last_login_at.isoformat() if account.last_login_at else None,
    }


def _print_table(accounts: list[AccountView]) -> None:
    yes, no = _say("ya", "yes"), "-"
    header = [
        _say("Nama", "User"),
        _say("Nama lengkap", "Full name"),
        _say("Peran", "Role"),
        "NIP",
        _say("Penyelia", "Supervisor"),
        _say("Aktif", "Active"),
        _say("Ganti sandi", "Must change"),
        _say("Terakhir masuk", "Last login"),
    ]
    rows = [
        [
            a.username,
            a.full_name,
            _role_label(a.role),
            a.nip or no,
            yes if a.supervisor else no,
            yes if a.active else _say("tidak", "no"),
            yes if a.must_change_password else no,
            a.last_login_at.strftime("%Y-%m-%d %H:%M") if a.last_login_at else no,
        ]
        for a in accounts
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def cmd_add(args: argparse.Namespace) -> int:
    from desktop_app.services.accounts import AccountInput, AccountService

    def body(ctx: AppContext) -> int:
        data = AccountInput(args.username, args.full_name, args.peran, args.nip, args.penyelia)
        password = _password_for_account(ctx, args)
        view = AccountService(ctx).add_account(data, password, must_change_password=True)
        print(
            _say(
                f"Akun {view.username} ({_role_label(view.role)}) dibuat; kata sandi awal wajib "
                "diganti saat pertama masuk.",
                f"Account {view.username} ({_role_label(view.role)}) made; the first password "
                "must be changed at the first login.",
            )
        )
        return 0

    return run_on_database(args, body, _exit_code)


def cmd_change(args: argparse.Namespace) -> int:
    from desktop_app.services.accounts import AccountService

    def body(ctx: AppContext) -> int:
        _require_accounts(ctx)
        view = AccountService(ctx).update_account(
            args.username,
            full_name=args.full_name,
            nip=args.nip,
            role=args.peran,
            supervisor=args.supervisor,
            active=True if args.aktifkan else None,
        )
        print(_say(f"Akun {view.username} disimpan.", f"Account {view.username} saved."))
        return 0

    return run_on_database(args, body, _exit_code)


def cmd_disable(args: argparse.Namespace) -> int:
    from desktop_app.services.accounts import AccountService

    def body(ctx: AppContext) -> int:
        _require_accounts(ctx)
        view = AccountService(ctx).update_account(args.username, active=False)
        print(
            _say(
                f"Akun {view.username} dinonaktifkan; akun ini tidak dapat masuk lagi.",
                f"Account {view.username} disabled; it cannot log in any more.",
            )
        )
        return 0

    return run_on_database(args, body, _exit_code)


def cmd_rotate_recovery(args: argparse.Namespace) -> int:
    from desktop_app.services.accounts import AccountService

    def body(ctx: AppContext) -> int:
        key = AccountService(ctx).rotate_recovery_key()
        print(
            _say(
                "KUNCI PEMULIHAN BARU (hanya ditampilkan sekali; kunci lama tidak berlaku lagi):",
                "NEW RECOVERY KEY (shown only once; the old one no longer works):",
            )
        )
        print(f"    {key}")
        return 0

    return run_on_database(args, body, _exit_code)


def cmd_reset(args: argparse.Namespace) -> int:
    from desktop_app.services.accounts import AccountService

    def body(ctx: AppContext) -> int:
        password = _password_for_account(ctx, args)
        AccountService(ctx).reset_password(args.username, password)
        print(
            _say(
                f"Kata sandi sementara {args.username.strip().lower()} disimpan; wajib diganti "
                "saat masuk berikutnya.",
                f"Temporary password of {args.username.strip().lower()} saved; it must be "
                "changed at the next login.",
            )
        )
        return 0

    return run_on_database(args, body, _exit_code)


def cmd_change_own(args: argparse.Namespace) -> int:
    from desktop_app.services.accounts import AccountService

    def body(ctx: AppContext) -> int:
        _require_accounts(ctx)
        actor = ctx.current_actor()
        old = command_password(args, actor.username)  # the login's, asked once
        password = new_password(args, actor.username)
        AccountService(ctx).change_own_password(old, password)
        print(_say("Kata sandi Anda diganti.", "Your password was changed."))
        return 0

    return run_on_database(args, body, _exit_code)


def cmd_recover(args: argparse.Namespace) -> int:
    from desktop_app.commands.messages import RECOVERY_NOT_ENCRYPTED
    from desktop_app.services.accounts import is_encrypted_database, recover
    from desktop_app.storage.db import StorageError

    try:
        path = usable_db(args)
        if not is_encrypted_database(path):
            raise StorageError(RECOVERY_NOT_ENCRYPTED, path=str(path))
        key = read_secret(args, "Kunci pemulihan: ", "Recovery key: ")
        password = new_password(args, args.username)
        ctx = recover(path, key.strip(), args.username, password)
    except Refusal as exc:
        return refused(exc, _exit_code(exc))
    ctx.close()
    print(
        _say(
            f"Kata sandi baru {args.username.strip().lower()} disimpan; masuk dengan kata sandi "
            "itu. Kunci pemulihan tetap berlaku: simpan baik-baik.",
            f"New password of {args.username.strip().lower()} saved; log in with it. The "
            "recovery key stays valid: keep it safe.",
        ),
        file=sys.stdout,
    )
    return 0
