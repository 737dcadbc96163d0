"""Refusals of the command line itself (coded; see desktop_app.domain.errors)."""

from __future__ import annotations

from desktop_app.domain.errors import Msg
from desktop_app.storage.db import StorageError


class LoginRefused(StorageError):
    """A login the command line refused (no user, no password, wrong password, locked out,
    disabled): the database stays closed, exit code 2 like a database that cannot be opened.
    A StorageError so that every command's "cannot open" path already handles it; it keeps
    the code of the refusal behind it (`auth.wrong_password`, `auth.locked_out`, ...)."""


DB_MISSING = Msg(
    "cli.db_missing",
    "Basis data {path} tidak ditemukan; tidak ada berkas yang dibuat. Periksa --db, atau tambahkan "
    "--create untuk membuat basis data baru di sana.",
    "Database {path} was not found; no file was created. Check --db, or add --create to make a "
    "new database there.",
)
DEMO_NEEDS_DB = Msg(
    "cli.demo_needs_db",
    "Sebutkan berkas basis data demo dengan --db BERKAS.",
    "Name the demo database file with --db FILE.",
)
ARGUMENT_NOT_TEXT = Msg(
    "cli.argument_not_text",
    "Argumen ke-{position} ({text}) memuat huruf yang bukan teks UTF-8 yang sah; ganti nama "
    "berkas atau folder itu dengan huruf biasa lalu coba lagi.",
    "Argument {position} ({text}) holds characters that are not valid UTF-8 text; rename that "
    "file or folder with plain letters and try again.",
)
UNEXPECTED = Msg(
    "cli.unexpected",
    "Terjadi kesalahan tak terduga ({error}); perintah dihentikan. Laporkan pesan ini beserta "
    "perintahnya kepada pengelola aplikasi.",
    "An unexpected error stopped the command ({error}). Report this message and the command to "
    "the application's administrator.",
)
OUTPUT_NOT_WRITABLE = Msg(
    "cli.output_not_writable",
    "Berkas {path} tidak dapat ditulis ({error}).",
    "File {path} cannot be written ({error}).",
)
OUTPUT_IS_DATABASE = Msg(
    "cli.output_is_database",
    "Berkas keluaran {path} adalah basis data yang sedang dipakai; menulis ke sana akan "
    "menghapus datanya. Pilih nama berkas lain; tidak ada yang diubah.",
    "Output file {path} is the database in use; writing there would destroy its data. Choose "
    "another file name; nothing was changed.",
)
OUTPUT_IS_FOLDER = Msg(
    "cli.output_is_folder",
    "Keluaran {path} adalah folder; sebutkan nama berkas, mis. {path}/hasil.xlsx.",
    "Output {path} is a folder; give a file name, e.g. {path}/result.xlsx.",
)
FILE_UNUSABLE = Msg(
    "cli.file_unusable",
    "Berkas {path} tidak dapat dipakai ({error}).",
    "File {path} cannot be used ({error}).",
)

LOGIN_USER_MISSING = Msg(
    "cli.login_user_missing",
    "Basis data ini memakai akun: berikan --user NAMA (atau variabel lingkungan BERDAYA_USER) "
    "dan kata sandinya (prompt, atau --password-stdin).",
    "This database uses accounts: give --user NAME (or the BERDAYA_USER environment variable) "
    "and its password (prompt, or --password-stdin).",
)
PASSWORD_NEEDED = Msg(
    "cli.password_needed",
    "Kata sandi diperlukan, tetapi tidak ada terminal untuk menanyakannya; tambahkan "
    "--password-stdin dan kirim kata sandi sebagai satu baris stdin.",
    "A password is needed but there is no terminal to ask for it; add --password-stdin and "
    "send the password as one line on stdin.",
)
PASSWORD_STDIN_EMPTY = Msg(
    "cli.password_stdin_empty",
    "--password-stdin diberikan, tetapi stdin tidak memuat baris kata sandi (kosong).",
    "--password-stdin was given, but stdin holds no password line (empty).",
)
PASSWORD_MISMATCH = Msg(
    "cli.password_mismatch",
    "Kedua kata sandi tidak sama; tidak ada yang diubah.",
    "The two passwords differ; nothing was changed.",
)
MUST_CHANGE_PASSWORD = Msg(
    "cli.must_change_password",
    "Kata sandi akun {username} harus diganti sebelum bekerja: jalankan "
    "`berdaya pengguna ganti-sandi --user {username}`.",
    "The password of account {username} must be changed before working: run "
    "`berdaya pengguna ganti-sandi --user {username}`.",
)
RECOVERY_NOT_ENCRYPTED = Msg(
    "cli.recovery_not_encrypted",
    "Basis data {path} tidak terenkripsi dan tidak memiliki kunci pemulihan; administrator lain "
    "dapat mengatur ulang kata sandi dengan `berdaya pengguna reset-sandi`.",
    "Database {path} is not encrypted and has no recovery key; another administrator can reset "
    "the password with `berdaya pengguna reset-sandi`.",
)
NO_ACCOUNTS = Msg(
    "cli.no_accounts",
    "Basis data ini belum memiliki akun; buat administrator pertama dengan "
    "`berdaya pengguna pertama`.",
    "This database has no accounts yet; create the first administrator with "
    "`berdaya pengguna pertama`.",
)


def shorten(text: object, limit: int = 120) -> str:
    """A path or value for a message: a 5,000-character argument must not fill the screen."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
