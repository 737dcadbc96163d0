"""Command line: opens the GUI, and gives administrators the same services for automation.

Exit codes: 0 success, 1 a problem found or a request refused, 2 unusable input (bad file,
unusable or missing database, bad arguments). Messages for people are Indonesian (English with
`--lang en`); errors go to stderr, one sentence, never a traceback.

Commands never create a database by accident: every command except `demo` refuses a `--db`
that does not exist or is empty, unless `--create` is given, and a refused command removes a
database it created itself. `--db` and `--create` work before or after the subcommand. Output
into a pipe whose reader went away (`| head`) is dropped quietly; the exit code stays the
command's.

Feature areas add their subcommands through `COMMAND_MODULES`: each module has
`register(subparsers)`, adds `--db` with `add_db_option`, sets `func` on its parsers
(`func(args) -> int`) and opens the database with `open_command_context` (or `existing_db`).

Login: a database that has accounts opens only for a person who logs in (UU PDP: access limited
to the people whose work needs it). `--user NAME` (or the environment variable BERDAYA_USER)
names the account; the password comes from a prompt on the terminal, or one line of stdin with
`--password-stdin` (for scripts: `echo "$SANDI" | berdaya --user sari --password-stdin ...`).
Both options work before or after the subcommand, like `--db`. No user, no password, a wrong
password, a locked-out or disabled account: exit 2 with the reason, nothing opened. A database
without accounts (made before accounts existed) opens as before.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import getpass
import importlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from desktop_app import __version__
from desktop_app.domain.errors import Refusal
from desktop_app.i18n import get_language, set_language, tr_refusal

if TYPE_CHECKING:
    from desktop_app.services.context import AppContext

# Each module registers its own subcommands; keep one line per feature area.
COMMAND_MODULES: list[str] = [
    "desktop_app.commands.admin",
    "desktop_app.commands.training",
    "desktop_app.commands.distribution",
    "desktop_app.commands.io",
    "desktop_app.commands.sync",
    "desktop_app.commands.verify",
    "desktop_app.commands.report",
    "desktop_app.commands.casework",
    "desktop_app.commands.privacy",
    "desktop_app.commands.users",
]

APP_NAME = "Berdaya"
USER_ENV = "BERDAYA_USER"  # the account name when --user is not given


def default_db_path() -> Path:
    """The user's database in the per-user data folder (%LOCALAPPDATA% on Windows)."""
    from platformdirs import user_data_dir

    override = os.environ.get("BERDAYA_DB")
    if override:
        return Path(override)
    return Path(user_data_dir(APP_NAME, APP_NAME)) / "berdaya.sqlite"


def demo_db_path() -> Path:
    return Path(tempfile.gettempdir()) / "berdaya-demo" / "berdaya-demo.sqlite"


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """`--db` and `--create` on a subcommand.

    SUPPRESS keeps a `berdaya --db X CMD` given before the subcommand: without it the
    subcommand's default (None) would overwrite the value the main parser already read.
    """
    parser.add_argument(
        "--db", type=Path, default=argparse.SUPPRESS, metavar="BERKAS", help="berkas basis data"
    )
    parser.add_argument(
        "--create",
        action="store_true",
        default=argparse.SUPPRESS,
        help="buat basis data baru bila berkas --db belum ada",
    )
    add_login_options(parser, suppress=True)


def add_login_options(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """`--user` and `--password-stdin`; on subcommands SUPPRESS keeps values given before them
    (see `add_db_option`)."""
    parser.add_argument(
        "--user",
        default=argparse.SUPPRESS if suppress else None,
        metavar="NAMA",
        help=f"masuk sebagai pengguna ini (bawaan: variabel lingkungan {USER_ENV})",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="baca kata sandi dari satu baris stdin (untuk skrip), bukan dari prompt",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="berdaya",
        description="Berdaya — aplikasi layanan Dinas Sosial (registri, penyaluran, pelatihan).",
    )
    parser.add_argument("--version", action="version", version=f"Berdaya {__version__}")
    parser.add_argument(
        "--db", type=Path, metavar="BERKAS", help="berkas basis data (bawaan: folder data pengguna)"
    )
    parser.add_argument(
        "--create",
        action="store_true",
        help="perintah boleh membuat basis data baru bila berkas --db belum ada",
    )
    add_login_options(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="buka aplikasi dengan basis data demo baru (data sintetis)",
    )
    parser.add_argument("--lang", choices=["id", "en"], default=None, help="bahasa antarmuka")
    parser.add_argument(
        "--self-test",
        nargs="?",
        const="-",
        default=None,
        metavar="OUT.json",
        help="uji mandiri aplikasi (untuk pemasang); tulis hasil JSON",
    )
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub)
    return parser


def command_db_path(args: argparse.Namespace) -> Path:
    """The database a command works on: `--db`, else the user's own database."""
    return getattr(args, "db", None) or default_db_path()


def usable_db(args: argparse.Namespace) -> Path:
    """The command's database path, refused (StorageError, exit 2) when it is missing, empty, a
    folder or not a Berdaya file — unless `--create` allows making a new one. Creates nothing
    and logs nobody in: for commands that must work before any account exists."""
    from desktop_app.commands.messages import DB_MISSING
    from desktop_app.storage.db import StorageError, require_database_file

    path = command_db_path(args)
    if getattr(args, "create", False):
        return path
    try:
        require_database_file(path)
    except StorageError as exc:
        if exc.code == "storage.not_found":
            raise StorageError(DB_MISSING, path=str(path)) from exc
        raise
    return path


def existing_db(args: argparse.Namespace) -> Path:
    """`usable_db`, and when the database has accounts the person's login is checked first
    (`LoginRefused`, exit 2): for commands that work on the file itself (backup)."""
    path = usable_db(args)
    if uses_accounts(path):
        login_context(args, path).close()
    return path


def database_key(args: argparse.Namespace) -> tuple[Path, bytes | None]:
    """The command's database and, when it is encrypted, its key from the person's login (for
    commands that work on the file itself: check, backup). A plain database needs no key."""
    from desktop_app.services.accounts import is_encrypted_database

    path = usable_db(args)
    if not is_encrypted_database(path):
        if uses_accounts(path):
            login_context(args, path, read_only=True).close()
        return path, None
    ctx = login_context(args, path, read_only=True)
    try:
        return path, ctx.db.key
    finally:
        ctx.close()


def open_command_context(args: argparse.Namespace, *, read_only: bool = False) -> AppContext:
    """Open the command's database (see `existing_db`) as the person logged in with `--user`
    when it has accounts; StorageError (a `LoginRefused` for a failed login) when it cannot."""
    from desktop_app.services.context import open_app

    path = usable_db(args)
    if uses_accounts(path):
        return login_context(args, path, read_only=read_only)
    return open_app(path, read_only=read_only)


def uses_accounts(path: Path) -> bool:
    """Whether opening `path` needs a login. A new or empty file has no accounts yet."""
    from desktop_app.services.accounts import has_accounts

    try:
        if not path.is_file() or path.stat().st_size == 0:
            return False
    except (OSError, ValueError):
        return False
    return has_accounts(path)


def command_username(args: argparse.Namespace) -> str:
    """`--user`, else BERDAYA_USER; refused when neither names anybody."""
    from desktop_app.commands.messages import LOGIN_USER_MISSING, LoginRefused

    # Lower case as the accounts keep them: `--user Sari` is the account sari.
    username = (getattr(args, "user", None) or os.environ.get(USER_ENV) or "").strip().lower()
    if not username:
        raise LoginRefused(LOGIN_USER_MISSING)
    return username


def read_secret(args: argparse.Namespace, prompt_id: str, prompt_en: str) -> str:
    """The next secret for this command: one line of stdin with `--password-stdin` (several
    secrets are several lines, in the order the command documents), else a prompt on the
    terminal. Refused when stdin is not a terminal and `--password-stdin` was not given: a
    script must say where the password comes from rather than hang on a prompt."""
    from desktop_app.commands.messages import PASSWORD_NEEDED, PASSWORD_STDIN_EMPTY, LoginRefused

    if getattr(args, "password_stdin", False):
        secret = read_stdin_line()
        if not secret:  # closed, unreadable or an empty line
            raise LoginRefused(PASSWORD_STDIN_EMPTY)
        return secret
    if not _stdin_is_terminal():
        raise LoginRefused(PASSWORD_NEEDED)
    prompt = prompt_en if get_language() == "en" else prompt_id
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise LoginRefused(PASSWORD_NEEDED) from None


def read_stdin_line() -> str | None:
    """One line of stdin without its line end; None when stdin is closed, unreadable (a
    detached service, a closed pipe) or not text: the caller refuses instead of crashing."""
    try:
        line = sys.stdin.readline() if sys.stdin is not None else ""
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return line.rstrip("\r\n")


def _stdin_is_terminal() -> bool:
    try:
        return bool(sys.stdin and sys.stdin.isatty())
    except (OSError, ValueError):
        return False


def command_password(args: argparse.Namespace, username: str) -> str:
    """The logged-in person's password, asked once per run (a command may check it twice)."""
    cached = getattr(args, "_login", None)
    if cached is not None and cached[0] == username:
        return str(cached[1])
    password = read_secret(args, f"Kata sandi {username}: ", f"Password for {username}: ")
    args._login = (username, password)
    return password


def login_context(args: argparse.Namespace, path: Path, *, read_only: bool = False) -> AppContext:
    """The database opened as the person named by `--user` (`LoginRefused` when the login
    fails). An account whose password must be changed first only runs
    `pengguna ganti-sandi` (commands that allow it set `password_change=True`)."""
    from desktop_app.commands.messages import MUST_CHANGE_PASSWORD, LoginRefused
    from desktop_app.services.accounts import AccountService, login
    from desktop_app.services.context import ServiceError

    username = command_username(args)
    password = command_password(args, username)
    try:
        ctx = login(path, username, password, read_only=read_only)
    except ServiceError as exc:
        if read_only and exc.code == "auth.wrong_password":
            _count_wrong_password(path, username, password)
        raise LoginRefused(exc.msg, **exc.params) from None
    try:
        must_change = AccountService(ctx).must_change_password(ctx.current_actor().username)
    except BaseException:
        ctx.close()
        raise
    if must_change and not getattr(args, "password_change", False):
        ctx.close()
        raise LoginRefused(MUST_CHANGE_PASSWORD, username=username)
    return ctx


def _count_wrong_password(path: Path, username: str, password: str) -> None:
    """A read-only login does not write, so it does not count a wrong password towards the
    lock-out: without this, read-only commands (`report`, `verify`) would let a script guess
    without limit. The same attempt again on a writable open counts it. An encrypted
    database's key file counts its own failures."""
    from desktop_app.services.accounts import is_encrypted_database, login

    if is_encrypted_database(path):
        return
    with contextlib.suppress(Refusal, OSError):
        login(path, username, password).close()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0, 1 or 2), never raises for bad input."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    out, err = sys.stdout, sys.stderr
    language = get_language()
    sys.stdout, sys.stderr = _GuardedStream(out), _GuardedStream(err)
    try:
        code = _main(arguments)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        return code
    finally:
        sys.stdout, sys.stderr = out, err
        set_language(language)  # `--lang` is for this run (tests call main() many times)


def _main(arguments: list[str]) -> int:
    refused = _undecodable_argument(arguments)
    if refused is not None:
        # Refused before argparse runs, so the language is read from the raw arguments.
        for i, argument in enumerate(arguments):
            following = arguments[i + 1] if i + 1 < len(arguments) else ""
            if argument == "--lang=en" or (argument == "--lang" and following == "en"):
                set_language("en")
        print(tr_refusal(refused), file=sys.stderr)
        return 2
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # argparse: --help/--version (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 2
    if args.lang:
        set_language(args.lang)
    if args.self_test is not None:
        from desktop_app.selftest import run_self_test

        return run_self_test(None if args.self_test == "-" else Path(args.self_test))
    if getattr(args, "func", None) is not None:
        return _run_command(args)
    return run_gui(args)


def _run_command(args: argparse.Namespace) -> int:
    from desktop_app.commands.messages import UNEXPECTED

    db_path = command_db_path(args)
    overwrite = _output_over_database(args, db_path)
    if overwrite is not None:
        print(tr_refusal(overwrite), file=sys.stderr)
        return 2
    may_create = args.command == "demo" or getattr(args, "create", False)
    fresh = _NewDatabase(db_path) if may_create else None
    try:
        code = int(args.func(args))
    except Refusal as exc:
        # Commands handle their own refusals; this is the net for one that slipped through,
        # so a person reads a sentence in their language instead of a traceback.
        print(tr_refusal(exc), file=sys.stderr)
        code = int(getattr(exc, "exit_code", 1))
    except Exception as exc:
        if os.environ.get("BERDAYA_DEBUG"):
            raise
        # A bug, not a refusal: still one sentence for the clerk (BERDAYA_DEBUG=1 shows the
        # traceback). The database is not discarded: something may have been saved.
        error = f"{type(exc).__name__}: {exc}"[:300]
        print(tr_refusal(Refusal(UNEXPECTED, error=error)), file=sys.stderr)
        return 1
    if code == 2 and fresh is not None:
        # Exit code 2 means nothing was done: a database this run created must not stay
        # behind to be mistaken for the real one later.
        fresh.discard()
    return code


# Options naming a file a command writes.
_OUTPUT_OPTIONS = ("output", "rejected", "ack")


def _output_over_database(args: argparse.Namespace, db_path: Path) -> Refusal | None:
    """A refusal when a file the command would write is the database (or its -wal/-shm):
    `export -o berdaya.sqlite` would replace the whole registry with a spreadsheet."""
    from desktop_app.commands.messages import OUTPUT_IS_DATABASE, OUTPUT_IS_FOLDER
    from desktop_app.storage.db import SIDE_SUFFIXES

    protected = {_same_file_key(Path(str(db_path) + s)) for s in ("", *SIDE_SUFFIXES)}
    for name in _OUTPUT_OPTIONS:
        target = getattr(args, name, None)
        if not isinstance(target, Path):
            continue
        if not target.name or _is_folder(target):  # `-o ""` is Path("."), a folder too
            return Refusal(OUTPUT_IS_FOLDER, path=str(target))
        if _same_file_key(target) in protected:
            return Refusal(OUTPUT_IS_DATABASE, path=str(target))
    return None


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _same_file_key(path: Path) -> object:
    """One key for every name of a file: (device, inode) when it exists, else the full path."""
    try:
        info = path.stat()
        return (info.st_dev, info.st_ino)
    except (OSError, ValueError):
        try:
            return os.path.normcase(os.path.abspath(path))
        except (OSError, ValueError):
            return str(path)


class _NewDatabase:
    """A database path that does not exist yet, so that a refused command can remove what it
    created (the file, its -wal/-shm/-journal, the folders made for it) and nothing else."""

    def __init__(self, path: Path) -> None:
        self.path: Path | None = None
        self.was_empty = False  # an empty file --create fills is emptied again, not removed
        self.folders: list[Path] = []
        try:
            if path.exists():
                if not path.is_file() or path.stat().st_size > 0:
                    return
                self.was_empty = True
        except (OSError, ValueError):
            return
        self.path = path
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            self.folders.append(folder)
            folder = folder.parent

    def discard(self) -> None:
        if self.path is None:
            return
        from desktop_app.storage.db import SIDE_SUFFIXES

        for suffix in SIDE_SUFFIXES:
            with contextlib.suppress(OSError):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            if self.was_empty:
                self.path.write_bytes(b"")
                return
            self.path.unlink(missing_ok=True)
        for folder in self.folders:  # innermost first; only folders left empty
            try:
                folder.rmdir()
            except OSError:
                break


def _undecodable_argument(arguments: list[str]) -> Refusal | None:
    """A refusal for the first argument that is not valid text.

    On Linux a file name in another encoding reaches Python as "surrogate escapes", which fail
    later as a traceback when printed or passed to SQLite; no shell can pass a NUL byte, but
    a caller of `main()` can.
    """
    from desktop_app.commands.messages import ARGUMENT_NOT_TEXT

    for position, argument in enumerate(arguments, 1):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            pass
        else:
            if "\x00" not in argument:
                continue
        try:
            raw = os.fsencode(argument)  # the bytes the shell passed, for the message
        except UnicodeEncodeError:  # a lone surrogate that no file name decoding produced
            raw = argument.encode("utf-8", "surrogatepass")
        shown = raw.decode("utf-8", "backslashreplace").replace("\x00", "\\x00")
        return Refusal(ARGUMENT_NOT_TEXT, position=position, text=shown[:200])
    return None


class _GuardedStream:
    """stdout or stderr during one command.

    A reader that went away (`berdaya ... --json | head`) ends the output quietly instead of a
    BrokenPipeError traceback: the rest of the output is dropped, the command finishes and keeps
    its exit code. Text the console cannot encode is escaped rather than raising.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if self.reader_gone:
            return len(text)
        try:
            return self._stream.write(text)
        except UnicodeEncodeError:
            encoding = getattr(self._stream, "encoding", None) or "ascii"
            return self.write(text.encode(encoding, "backslashreplace").decode(encoding))
        except OSError as exc:
            if not _is_closed_pipe(exc):
                raise
            self._drop_output()
            return len(text)

    def flush(self) -> None:
        if self.reader_gone:
            return
        try:
            self._stream.flush()
        except OSError as exc:
            if not _is_closed_pipe(exc):
                raise
            self._drop_output()

    def _drop_output(self) -> None:
        self.reader_gone = True
        # What is still buffered would fail again when Python flushes at exit and print
        # "Exception ignored ... BrokenPipeError": point the descriptor at the null device.
        try:
            fd = self._stream.fileno()
            null = os.open(os.devnull, os.O_WRONLY)
        except (OSError, ValueError, AttributeError):
            return
        try:
            os.dup2(null, fd)
        finally:
            os.close(null)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _is_closed_pipe(exc: OSError) -> bool:
    # Windows reports a write to a pipe closed by its reader as EINVAL.
    return (
        isinstance(exc, BrokenPipeError)
        or exc.errno == errno.EPIPE
        or (os.name == "nt" and exc.errno == errno.EINVAL)
    )


def run_gui(args: argparse.Namespace) -> int:
    db_path: Path = args.db or default_db_path()
    if args.demo:
        db_path = args.db or demo_db_path()
        if not db_path.exists():
            from desktop_app.services.demo import DemoOptions, generate_demo

            print(f"Membuat basis data demo di {db_path} …", file=sys.stderr)
            generate_demo(db_path, DemoOptions())
        elif args.db is None and not uses_accounts(db_path):
            # A demo file left by a version before accounts: give it the demo accounts so it
            # opens like a new one. Only the app's own demo file, never a --db given.
            from desktop_app.services.demo import add_demo_accounts

            add_demo_accounts(db_path)
    from desktop_app.gui.app import run_app

    return run_app(db_path, lang=args.lang, demo=args.demo or None)


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    raise SystemExit(main())
