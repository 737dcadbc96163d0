"""The registry's refusals, each with a stable code and its Indonesian and English text."""

from __future__ import annotations

from desktop_app.domain.errors import Msg

INVALID = Msg("registry.invalid", "{details}", "The data is not valid: {details}")
PERSON_NOT_FOUND = Msg(
    "registry.person_not_found", "Data orang tidak ditemukan.", "The person was not found."
)
HOUSEHOLD_NOT_FOUND = Msg(
    "registry.household_not_found", "Data KPM tidak ditemukan.", "The household was not found."
)
ENROLMENT_NOT_FOUND = Msg(
    "registry.enrolment_not_found",
    "Data kepesertaan tidak ditemukan.",
    "The program enrolment was not found.",
)
STATUS_DATE_FUTURE = Msg(
    "registry.status_date_future",
    "Tanggal perubahan status tidak boleh di masa depan.",
    "The date of a status change cannot be in the future.",
)
DEATH_DATE_MISSING = Msg(
    "registry.death_date_missing",
    "Tanggal meninggal wajib diisi.",
    "The date of death is required.",
)
STATUS_UNCHANGED = Msg(
    "registry.status_unchanged", "Status sudah {status}.", "The status is already {status}."
)
DELETE_REASON_MISSING = Msg(
    "registry.delete_reason_missing",
    "Alasan penghapusan wajib diisi.",
    "A reason for the deletion is required.",
)
KK_CHANGE_NEEDS_HISTORY = Msg(
    "registry.kk_change_needs_history",
    "Gunakan 'Ganti No. KK' untuk mengubah nomor KK (riwayat disimpan).",
    "Use 'Change KK number' to change the family card number (its history is kept).",
)
OTHER_HOUSEHOLD = Msg(
    "registry.other_household",
    "{name} sudah menjadi anggota KPM lain. Keluarkan dulu dari KPM tersebut.",
    "{name} already belongs to another household. Remove them from that household first.",
)
HEAD_TAKEN = Msg(
    "registry.head_taken",
    "KPM ini sudah punya kepala keluarga. Gunakan 'Jadikan kepala'.",
    "This household already has a head of family. Use 'Make head'.",
)
HEAD_CANNOT_LEAVE = Msg(
    "registry.head_cannot_leave",
    "Kepala keluarga tidak dapat dikeluarkan; tetapkan kepala baru dulu.",
    "The head of family cannot be removed; choose a new head first.",
)
HEAD_NOT_MEMBER = Msg(
    "registry.head_not_member",
    "Kepala keluarga harus anggota KPM ini.",
    "The head of family must be a member of this household.",
)
KK_REASON_MISSING = Msg(
    "registry.kk_reason_missing",
    "Alasan penggantian No. KK wajib diisi.",
    "A reason for changing the KK number is required.",
)
KK_SAME = Msg(
    "registry.kk_same",
    "No. KK baru sama dengan yang lama.",
    "The new KK number is the same as the old one.",
)
PROGRAM_NEEDS_HOUSEHOLD = Msg(
    "registry.program_needs_household",
    "Program {program} untuk KPM: orang ini belum terdaftar dalam KPM.",
    "{program} is a household program: this person is not in a household yet.",
)
PROGRAM_NEEDS_PERSON = Msg(
    "registry.program_needs_person",
    "Program {program} untuk perorangan: pilih orangnya.",
    "{program} is a program for individuals: choose the person.",
)
PERSON_NOT_ACTIVE = Msg(
    "registry.person_not_active",
    "{name} berstatus {status}; tidak dapat didaftarkan.",
    "{name} has the status {status} and cannot be enrolled.",
)
ALREADY_ENROLLED = Msg(
    "registry.already_enrolled",
    "Sudah terdaftar aktif di program {program}.",
    "Already actively enrolled in {program}.",
)
LEAVE_REASON_MISSING = Msg(
    "registry.leave_reason_missing",
    "Alasan keluar program wajib diisi.",
    "A reason for leaving the program is required.",
)
ENROLMENT_ENDED = Msg(
    "registry.enrolment_ended",
    "Kepesertaan ini sudah berakhir.",
    "This enrolment has already ended.",
)
LEAVE_BEFORE_START = Msg(
    "registry.leave_before_start",
    "Tanggal keluar tidak boleh sebelum tanggal mulai.",
    "The leaving date cannot be before the start date.",
)
