"""Refusals of the command line itself (coded; see desktop_app.domain.errors)."""

from __future__ import annotations

from desktop_app.domain.errors import Msg

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


def shorten(text: object, limit: int = 120) -> str:
    """A path or value for a message: a 5,000-character argument must not fill the screen."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
