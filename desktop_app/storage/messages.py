"""Refusals about the database file itself (coded; see desktop_app.domain.errors)."""

from __future__ import annotations

from desktop_app.domain.errors import Msg

NOT_BERDAYA = Msg(
    "storage.not_berdaya",
    "Berkas {name} bukan basis data Berdaya. Pilih berkas lain; berkas ini tidak diubah.",
    "{name} is not a Berdaya database. Choose another file; this one was not changed.",
)
DISK_FULL = Msg(
    "storage.disk_full",
    "Penyimpanan gagal: disk penuh. Kosongkan ruang disk lalu coba lagi; tidak ada yang tersimpan.",
    "Saving failed: the disk is full. Free some disk space and try again; nothing was saved.",
)
IN_USE = Msg(
    "storage.in_use",
    "Penyimpanan gagal: basis data sedang dipakai program lain. Coba lagi sebentar lagi; "
    "tidak ada yang tersimpan.",
    "Saving failed: the database is in use by another program. Try again in a moment; "
    "nothing was saved.",
)
WRITE_READ_ONLY = Msg(
    "storage.write_read_only",
    "Penyimpanan gagal: basis data hanya-baca. Tidak ada yang tersimpan.",
    "Saving failed: the database is read-only. Nothing was saved.",
)
WRITE_FAILED = Msg(
    "storage.write_failed",
    "Penyimpanan gagal; tidak ada yang tersimpan.",
    "Saving failed; nothing was saved.",
)
OPENED_READ_ONLY = Msg(
    "storage.opened_read_only",
    "Basis data dibuka hanya-baca; perubahan tidak dapat disimpan.",
    "The database was opened read-only; changes cannot be saved.",
)
DAMAGED_OR_FOREIGN = Msg(
    "storage.damaged_or_foreign",
    "Berkas {name} rusak atau bukan basis data. Berkas tidak diubah; pulihkan dari cadangan.",
    "{name} is damaged or not a database. The file was not changed; restore it from a backup.",
)
CANNOT_OPEN = Msg(
    "storage.cannot_open",
    "Berkas {name} tidak dapat dibuka.",
    "{name} cannot be opened.",
)
CORRUPT = Msg(
    "storage.corrupt",
    "Basis data {name} rusak. Berkas tidak diubah; pulihkan dari cadangan.",
    "Database {name} is damaged. The file was not changed; restore it from a backup.",
)
NOT_FOUND = Msg(
    "storage.not_found",
    "Basis data {path} tidak ditemukan.",
    "Database {path} was not found.",
)
EMPTY = Msg(
    "storage.empty",
    "Berkas {name} kosong (0 bita), bukan basis data Berdaya. Pilih berkas basis data yang "
    "benar; berkas ini tidak diubah.",
    "{name} is empty (0 bytes), not a Berdaya database. Choose the right database file; this one "
    "was not changed.",
)
NOT_A_FILE = Msg(
    "storage.not_a_file",
    "{path} adalah folder, bukan berkas basis data Berdaya.",
    "{path} is a folder, not a Berdaya database file.",
)
OPEN_IN_USE = Msg(
    "storage.open_in_use",
    "Basis data {name} sedang dipakai program lain dan tidak dapat dibuka sekarang. Tutup "
    "program itu atau coba lagi sebentar lagi; berkas tidak diubah.",
    "Database {name} is in use by another program and cannot be opened now. Close that program "
    "or try again in a moment; the file was not changed.",
)
NO_READ_PERMISSION = Msg(
    "storage.no_read_permission",
    "Berkas {name} tidak boleh dibaca oleh pengguna ini (tidak ada izin membaca).",
    "{name} cannot be read by this user (no read permission).",
)
CANNOT_CREATE = Msg(
    "storage.cannot_create",
    "Basis data {path} tidak ada dan tidak dapat dibuat.",
    "Database {path} does not exist and cannot be created.",
)
NEWER = Msg(
    "storage.newer_version",
    "Basis data {name} dibuat oleh versi Berdaya yang lebih baru (skema {version}, versi ini "
    "mengenal sampai {known}). Perbarui aplikasi Berdaya; berkas tidak diubah.",
    "Database {name} was made by a newer version of Berdaya (schema {version}, this version "
    "knows up to {known}). Update Berdaya; the file was not changed.",
)
FILE_READ_ONLY = Msg(
    "storage.file_read_only",
    "Basis data {name} hanya-baca (tidak ada izin menulis). Salin ke folder lain atau buka "
    "dalam mode hanya-baca.",
    "Database {name} is read-only (no write permission). Copy it to another folder or open it "
    "read-only.",
)
UPGRADE_READ_ONLY = Msg(
    "storage.upgrade_needs_write",
    "Basis data {name} perlu diperbarui tetapi dibuka hanya-baca.",
    "Database {name} needs an upgrade but was opened read-only.",
)
ENCRYPTED_LOCKED = Msg(
    "storage.encrypted_locked",
    "Basis data ini terenkripsi: masuk dengan akun Anda untuk membukanya.",
    "This database is encrypted: sign in with your account to open it.",
)
WRONG_KEY = Msg(
    "storage.wrong_key",
    "Kunci tidak cocok dengan basis data {name} (berkas kunci milik basis data lain?). Berkas "
    "tidak diubah.",
    "The key does not match database {name} (a key file of another database?). The file was "
    "not changed.",
)
KEYRING_MISSING = Msg(
    "storage.keyring_missing",
    "Berkas kunci {name} tidak ditemukan di samping basis data. Pulihkan berkas kunci dari "
    "cadangan.",
    "Key file {name} was not found beside the database. Restore the key file from a backup.",
)
KEYRING_DAMAGED = Msg(
    "storage.keyring_damaged",
    "Berkas kunci {name} rusak atau tidak dapat dibaca. Pulihkan berkas kunci dari cadangan.",
    "Key file {name} is damaged or cannot be read. Restore the key file from a backup.",
)
KEYRING_EXISTS = Msg(
    "storage.keyring_exists",
    "Berkas kunci {name} sudah ada; berkas itu tidak ditimpa.",
    "Key file {name} already exists; it was not overwritten.",
)
KEYRING_KEY_MISMATCH = Msg(
    "storage.keyring_key_mismatch",
    "Kunci basis data tidak cocok dengan berkas kunci {name}; tidak ada yang diubah.",
    "The database key does not match key file {name}; nothing was changed.",
)
ENCRYPT_FAILED = Msg(
    "storage.encrypt_failed",
    "Basis data {name} tidak dapat dienkripsi; berkas asli tidak diubah. ({reason})",
    "Database {name} could not be encrypted; the original file was not changed. ({reason})",
)
WRONG_PASSWORD = Msg(
    "auth.wrong_password",
    "Nama pengguna atau kata sandi salah.",
    "Wrong user name or password.",
)
LOCKED_OUT = Msg(
    "auth.locked_out",
    "Terlalu banyak kata sandi salah. Coba lagi dalam {seconds} detik.",
    "Too many wrong passwords. Try again in {seconds} seconds.",
)
WRONG_RECOVERY_KEY = Msg(
    "auth.wrong_recovery_key",
    "Kunci pemulihan salah. Periksa ke-30 hurufnya lalu coba lagi.",
    "Wrong recovery key. Check its 30 characters and try again.",
)
