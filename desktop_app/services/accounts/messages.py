"""Refusals of accounts and login."""

from __future__ import annotations

from desktop_app.domain.errors import Msg
from desktop_app.storage import messages as storage_messages

USERNAME_INVALID = Msg(
    "account.username_invalid",
    "Nama pengguna 3–32 huruf kecil, angka, titik, garis bawah atau tanda minus, diawali huruf "
    "(mis. sari.w).",
    "A username is 3–32 lower-case letters, digits, dots, underscores or dashes, starting with a "
    "letter (e.g. sari.w).",
)
USERNAME_TAKEN = Msg(
    "account.username_taken",
    "Nama pengguna {username} sudah dipakai.",
    "The username {username} is already taken.",
)
FULL_NAME_REQUIRED = Msg(
    "account.full_name_required",
    "Nama lengkap wajib diisi (paling banyak 80 huruf): nama ini tercetak pada tanda terima "
    "dan dokumen.",
    "The full name is required (at most 80 characters): it is printed on receipts and documents.",
)
NIP_INVALID = Msg(
    "account.nip_invalid",
    "NIP terdiri dari 18 angka; kosongkan bila tidak ada.",
    "A NIP has 18 digits; leave it empty if there is none.",
)
ROLE_UNKNOWN = Msg(
    "account.role_unknown",
    "Peran {role} tidak dikenal.",
    "Unknown role {role}.",
)
PASSWORD_WEAK = Msg(
    "account.password_weak",
    "Kata sandi minimal {minimum} karakter dan tidak boleh sama dengan nama pengguna.",
    "A password needs at least {minimum} characters and must differ from the username.",
)
# The same refusals whether the key file (encrypted database) or the account's hash checked the
# password: one code each for the person at the keyboard.
WRONG_PASSWORD = storage_messages.WRONG_PASSWORD
LOCKED_OUT = storage_messages.LOCKED_OUT
INACTIVE = Msg(
    "account.inactive",
    "Akun {username} sudah dinonaktifkan. Hubungi administrator.",
    "The account {username} is disabled. Contact the administrator.",
)
NOT_FOUND = Msg(
    "account.not_found",
    "Akun {username} tidak ditemukan.",
    "No account {username}.",
)
LAST_ADMIN = Msg(
    "account.last_admin",
    "Akun ini administrator aktif terakhir; angkat administrator lain dahulu.",
    "This is the last active administrator; make another administrator first.",
)
ALREADY_SET_UP = Msg(
    "account.already_set_up",
    "Basis data ini sudah memiliki akun; masuk dengan akun yang ada.",
    "This database already has accounts; log in with an existing one.",
)
IDLE_MINUTES_INVALID = Msg(
    "account.idle_minutes_invalid",
    "Waktu kunci otomatis antara {low} dan {high} menit.",
    "The automatic lock time is between {low} and {high} minutes.",
)
NOT_ENCRYPTED = Msg(
    "account.not_encrypted",
    "Basis data ini belum terenkripsi, jadi tidak memiliki kunci pemulihan.",
    "This database is not encrypted yet, so it has no recovery key.",
)
