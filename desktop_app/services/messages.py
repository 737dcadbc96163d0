"""Refusals of the application context: saving the office profile and this computer's name."""

from __future__ import annotations

from desktop_app.domain.errors import Msg

PROFILE_INVALID = Msg(
    "office.profile_invalid",
    "Profil kantor belum dapat disimpan: {problem}",
    "The office profile cannot be saved yet: {problem}",
)
DEVICE_NAME_USED = Msg(
    "office.device_name_used",
    "Nama perangkat {name} sudah dipakai perangkat lain (kantor atau laptop yang tercatat di "
    "basis data ini). Setiap komputer perlu nama sendiri karena "
    "nomor tanda terima memakai nama ini; pilih nama lain (mis. {suggestion}).",
    "The device name {name} is already used by another device (the office or a laptop this "
    "database knows). Every computer needs its own name "
    "because receipt numbers carry it; choose another (e.g. {suggestion}).",
)
DEVICE_NAME_ASSIGNED = Msg(
    "office.device_name_assigned",
    "Laptop ini bernama {name} sesuai pendaftaran di kantor; nama hanya dapat diubah oleh kantor "
    "(daftarkan ulang dengan nama baru lalu buat checkout baru).",
    "This laptop is named {name} as registered at the office; only the office can change it "
    "(register it again with the new name, then make a new checkout).",
)
OFFICER_NAME_INVALID = Msg(
    "office.officer_name_invalid",
    "Nama petugas wajib diisi (paling banyak 80 huruf).",
    "The officer's name is required (at most 80 characters).",
)
LOGIN_REQUIRED = Msg(
    "auth.login_required",
    "Silakan masuk (login) dengan akun Anda terlebih dahulu.",
    "Please log in with your account first.",
)
PERMISSION_DENIED = Msg(
    "auth.permission_denied",
    "Akun {user} ({role}) tidak berhak {action}. Minta bantuan administrator atau pengguna yang "
    "berwenang.",
    "The account {user} ({role_en}) may not {action_en}. Ask the administrator or a user who "
    "may.",
)
