"""Every refusal of the casework service, once: a stable code with its Indonesian and English
templates. Tests and the GUI branch on the code; people read the rendered text."""

from __future__ import annotations

from desktop_app.domain.errors import Msg

# -- missing rows ------------------------------------------------------------------------------
CASE_NOT_FOUND = Msg("casework.case_not_found", "Data kasus tidak ditemukan.", "Case not found.")
PERSON_NOT_FOUND = Msg(
    "casework.person_not_found", "Data orang tidak ditemukan.", "Person not found."
)
GOAL_NOT_FOUND = Msg(
    "casework.goal_not_found", "Tujuan rencana tidak ditemukan.", "Plan goal not found."
)
DEVICE_NOT_FOUND = Msg(
    "casework.device_not_found",
    "Data alat bantu tidak ditemukan.",
    "Assistive device record not found.",
)

# -- cases -------------------------------------------------------------------------------------
PROGRAM_NOT_CASEWORK = Msg(
    "casework.program_not_casework",
    "Program {program} tidak memiliki layanan kasus; pilih Si Hore, Disabilitas, Anak "
    "Terlantar, atau ABH.",
    "Program {program} has no casework; choose Si Hore, Disabilitas, Anak Terlantar or ABH.",
)
CASE_ALREADY_OPEN = Msg(
    "casework.case_already_open",
    "Orang ini sudah memiliki kasus {program} yang masih aktif.",
    "This person already has an open {program} case.",
)
CASE_CLOSED = Msg(
    "casework.case_closed",
    "Kasus ini sudah ditutup pada {closed_on}; catatan baru tidak dapat ditambahkan.",
    "This case was closed on {closed_on}; nothing new can be added to it.",
)
CLOSE_REASON_UNKNOWN = Msg(
    "casework.close_reason_unknown",
    "Alasan penutupan kasus '{reason}' tidak dikenal.",
    "The reason for closing '{reason}' is not known.",
)
WORKER_REQUIRED = Msg(
    "casework.worker_required",
    "Pekerja sosial yang menangani kasus wajib diisi.",
    "The case's social worker is required.",
)
DATE_BEFORE_OPENING = Msg(
    "casework.date_before_opening",
    "Tanggal {on} sebelum kasus dibuka ({opened_on}).",
    "The date {on} is before the case was opened ({opened_on}).",
)
DATE_IN_FUTURE = Msg(
    "casework.date_in_future",
    "Tanggal {on} belum terjadi; catat kegiatan yang sudah dilakukan.",
    "The date {on} is in the future; record work that has been done.",
)
WRONG_PROGRAM = Msg(
    "casework.wrong_program",
    "Kegiatan ini hanya untuk kasus {expected}; kasus ini kasus {program}.",
    "This is only for {expected} cases; this case is a {program} case.",
)
VISIT_FREQUENCY_INVALID = Msg(
    "casework.visit_frequency_invalid",
    "Frekuensi kunjungan harus antara 1 dan 90 hari.",
    "The visit frequency must be between 1 and 90 days.",
)

# -- assessments ------------------------------------------------------------------------------
FIELD_REQUIRED = Msg("casework.field_required", "{field} wajib diisi.", "{field} is required.")
FIELD_UNKNOWN = Msg(
    "casework.field_unknown",
    "Isian '{field}' tidak ada dalam formulir asesmen program ini.",
    "The field '{field}' is not on this program's assessment form.",
)
FIELD_NOT_A_NUMBER = Msg(
    "casework.field_not_a_number",
    "{field} harus berupa angka (tertulis '{value}').",
    "{field} must be a number (it says '{value}').",
)
FIELD_OUT_OF_RANGE = Msg(
    "casework.field_out_of_range",
    "{field} di luar batas yang wajar ({value}).",
    "{field} is outside the expected range ({value}).",
)
FIELD_UNKNOWN_CHOICE = Msg(
    "casework.field_unknown_choice",
    "Pilihan '{value}' tidak dikenal untuk {field}.",
    "'{value}' is not a known choice for {field}.",
)
FIELD_NOT_A_DATE = Msg(
    "casework.field_not_a_date",
    "{field} harus berupa tanggal (tertulis '{value}').",
    "{field} must be a date (it says '{value}').",
)
FIELD_TOO_LONG = Msg(
    "casework.field_too_long",
    "{field} terlalu panjang ({value} karakter).",
    "{field} is too long ({value} characters).",
)

# -- plans and activities ---------------------------------------------------------------------
GOALS_REQUIRED = Msg(
    "casework.goals_required",
    "Rencana memerlukan paling sedikit satu tujuan.",
    "A plan needs at least one goal.",
)
GOAL_STATUS_UNKNOWN = Msg(
    "casework.goal_status_unknown",
    "Status tujuan '{status}' tidak dikenal; pilih berjalan, tercapai, atau dibatalkan.",
    "The goal status '{status}' is not known; choose berjalan, tercapai or dibatalkan.",
)
ACTIVITY_KIND_UNKNOWN = Msg(
    "casework.activity_kind_unknown",
    "Jenis kegiatan '{kind}' tidak dikenal.",
    "The activity kind '{kind}' is not known.",
)
REFERRAL_TARGET_REQUIRED = Msg(
    "casework.referral_target_required",
    "Pilih tujuan rujukan (mis. LPKS, Puskesmas, sekolah).",
    "Choose where the referral goes (e.g. LPKS, Puskesmas, a school).",
)
REFERRAL_TARGET_UNKNOWN = Msg(
    "casework.referral_target_unknown",
    "Tujuan rujukan '{target}' tidak dikenal.",
    "The referral target '{target}' is not known.",
)
FOLLOW_UP_BEFORE = Msg(
    "casework.follow_up_before",
    "Tanggal tindak lanjut {follow_up} harus sesudah tanggal kegiatan {on}.",
    "The follow-up date {follow_up} must be after the activity's date {on}.",
)
NOTES_TOO_LONG = Msg(
    "casework.notes_too_long",
    "Catatan terlalu panjang (paling banyak {limit} karakter).",
    "The notes are too long (at most {limit} characters).",
)

# -- Si Hore ------------------------------------------------------------------------------------
SERVICE_UNKNOWN = Msg(
    "casework.service_unknown",
    "Layanan '{service}' tidak ada dalam daftar layanan Si Hore.",
    "'{service}' is not on the Si Hore services list.",
)
SERVICES_REQUIRED = Msg(
    "casework.services_required",
    "Centang paling sedikit satu layanan yang diberikan saat kunjungan.",
    "Tick at least one service given during the visit.",
)
CONDITION_UNKNOWN = Msg(
    "casework.condition_unknown",
    "Kondisi '{condition}' tidak dikenal; pilih baik, stabil, menurun, atau perlu dirujuk.",
    "The condition '{condition}' is not known; choose baik, stabil, menurun or perlu_rujukan.",
)
NEXT_VISIT_BEFORE = Msg(
    "casework.next_visit_before",
    "Kunjungan berikutnya ({next_visit}) harus sesudah kunjungan ini ({on}).",
    "The next visit ({next_visit}) must be after this visit ({on}).",
)
MONTH_INVALID = Msg(
    "casework.month_invalid",
    "Bulan {month}/{year} tidak valid.",
    "The month {month}/{year} is not valid.",
)

# -- disability ---------------------------------------------------------------------------------
DEVICE_KIND_UNKNOWN = Msg(
    "casework.device_kind_unknown",
    "Jenis alat bantu '{kind}' tidak dikenal.",
    "The assistive device kind '{kind}' is not known.",
)
DEVICE_NOT_REQUESTED = Msg(
    "casework.device_not_requested",
    "Alat bantu ini berstatus {status}; hanya permintaan yang belum diserahkan dapat "
    "diserahkan atau dibatalkan.",
    "This device is {status}; only a request not yet handed over can be handed over or cancelled.",
)
RECEIVER_REQUIRED = Msg(
    "casework.receiver_required",
    "Nama penerima alat bantu wajib diisi.",
    "The name of whoever receives the device is required.",
)
DEVICE_NOT_DELIVERED = Msg(
    "casework.device_not_delivered",
    "Tanda terima hanya untuk alat bantu yang sudah diserahkan.",
    "A handover receipt exists only for a device that was handed over.",
)
RAGAM_UNKNOWN = Msg(
    "casework.ragam_unknown",
    "Ragam disabilitas '{ragam}' tidak dikenal.",
    "The disability type '{ragam}' is not known.",
)

# -- children -----------------------------------------------------------------------------------
STAGE_UNKNOWN = Msg(
    "casework.stage_unknown",
    "Tahap SPPA '{stage}' tidak dikenal.",
    "The SPPA stage '{stage}' is not known.",
)
STAGE_BACKWARDS = Msg(
    "casework.stage_backwards",
    "Perkara sudah pada tahap {current}; tahap {stage} tidak dapat dicatat sesudahnya.",
    "The case is already at the {current} stage; {stage} cannot follow it.",
)
STAGE_DATE_BEFORE = Msg(
    "casework.stage_date_before",
    "Tahap {stage} tidak dapat dimulai ({on}) sebelum tahap sebelumnya ({previous}).",
    "The {stage} stage cannot start ({on}) before the previous stage ({previous}).",
)
PLACEMENT_UNKNOWN = Msg(
    "casework.placement_unknown",
    "Penempatan '{placement}' tidak dikenal; pilih orang tua, LPKS, atau LPKA.",
    "The placement '{placement}' is not known; choose orang_tua, lpks or lpka.",
)
