"""Every refusal of the training service, once: a stable code and its Indonesian and English
templates. Tests and the GUI branch on the code; people read the rendered text."""

from __future__ import annotations

from collections.abc import Sequence

from desktop_app.domain.errors import Msg
from desktop_app.services.context import ServiceError

# -- missing rows ------------------------------------------------------------------------------
NO_PERSON = Msg("training.person_not_found", "Data orang tidak ditemukan.", "Person not found.")
NO_TRAINING = Msg("training.not_found", "Data pelatihan tidak ditemukan.", "Training not found.")
NO_SESSION = Msg("training.session_not_found", "Data sesi tidak ditemukan.", "Session not found.")
NO_PARTICIPANT = Msg(
    "training.participant_not_found", "Data peserta tidak ditemukan.", "Participant not found."
)

# -- the training form (reported together, see TrainingInputRefused) ---------------------------
INVALID_INPUT = Msg("training.invalid_input", "{problems}", "{problems}")
TITLE_REQUIRED = Msg(
    "training.title_required", "Nama pelatihan wajib diisi.", "The training's name is required."
)
CATEGORY_REQUIRED = Msg(
    "training.category_required",
    "Kategori keterampilan wajib dipilih.",
    "Choose a skill category.",
)
ORGANISER_REQUIRED = Msg(
    "training.organiser_required", "Penyelenggara wajib diisi.", "The organiser is required."
)
VENUE_REQUIRED = Msg(
    "training.venue_required", "Tempat pelatihan wajib diisi.", "The venue is required."
)
TRAINER_REQUIRED = Msg(
    "training.trainer_required",
    "Isi paling sedikit satu nama pelatih.",
    "Enter at least one trainer's name.",
)
END_BEFORE_START = Msg(
    "training.end_before_start",
    "Tanggal selesai tidak boleh sebelum tanggal mulai.",
    "The end date cannot be before the start date.",
)
QUOTA_TOO_SMALL = Msg(
    "training.quota_too_small",
    "Kuota harus minimal 1 peserta (kosongkan bila tanpa batas).",
    "The quota must be at least 1 participant (leave it empty for no limit).",
)
THRESHOLD_OUT_OF_RANGE = Msg(
    "training.threshold_out_of_range",
    "Batas kehadiran kelulusan harus antara 0 dan 100 persen.",
    "The attendance needed to pass must be between 0 and 100 percent.",
)

# -- trainings ---------------------------------------------------------------------------------
THRESHOLD_LOCKED = Msg(
    "training.threshold_locked",
    "Pelatihan sudah selesai; batas kehadiran kelulusan tidak dapat diubah lagi.",
    "The training has finished; the attendance needed to pass can no longer change.",
)
QUOTA_BELOW_ACTIVE = Msg(
    "training.quota_below_active",
    "Kuota {quota} lebih kecil dari jumlah peserta aktif ({active}).",
    "A quota of {quota} is less than the number of active participants ({active}).",
)
STATUS_CANNOT_MOVE = Msg(
    "training.status_cannot_move",
    "Status pelatihan tidak dapat diubah dari {current} ke {target}.",
    "The training's status cannot change from {current} to {target}.",
)
NO_SESSIONS = Msg(
    "training.no_sessions",
    "Pelatihan belum memiliki sesi; tambahkan sesi dahulu.",
    "The training has no sessions yet; add sessions first.",
)
SESSIONS_AHEAD = Msg(
    "training.sessions_ahead",
    "Sesi terakhir baru pada {date}; pelatihan belum dapat dinyatakan selesai.",
    "The last session is only on {date}; the training cannot be declared finished yet.",
)
DELETE_REASON_REQUIRED = Msg(
    "training.delete_reason_required",
    "Alasan penghapusan wajib diisi.",
    "A reason for deleting is required.",
)
DELETE_IN_USE = Msg(
    "training.delete_in_use",
    "Pelatihan yang sudah memiliki sesi atau peserta tidak dapat dihapus.",
    "A training that already has sessions or participants cannot be deleted.",
)

# -- sessions ----------------------------------------------------------------------------------
BAD_TIME = Msg(
    "training.bad_time",
    "Jam '{value}' tidak dikenali; tulis seperti 08.00 atau 13:30.",
    "Time '{value}' not recognised; write it like 08.00 or 13:30.",
)
SESSION_ENDS_BEFORE_START = Msg(
    "training.session_ends_before_start",
    "Jam selesai harus sesudah jam mulai.",
    "The end time must be after the start time.",
)
NO_SESSION_DATES = Msg(
    "training.no_session_dates",
    "Tidak ada tanggal sesi dalam rentang itu.",
    "There are no session dates in that range.",
)
SESSION_EXISTS = Msg(
    "training.session_exists",
    "Sudah ada sesi pada {date}.",
    "There is already a session on {date}.",
)
SESSION_EXISTS_AT = Msg(
    "training.session_exists_at",
    "Sudah ada sesi pada {date} pukul {time}.",
    "There is already a session on {date} at {time}.",
)
RANGE_REVERSED = Msg(
    "training.range_reversed",
    "Tanggal akhir tidak boleh sebelum tanggal awal.",
    "The last date cannot be before the first date.",
)
RANGE_TOO_LONG = Msg(
    "training.range_too_long",
    "Rentang tanggal terlalu panjang (lebih dari satu tahun).",
    "The date range is too long (more than one year).",
)
TOPIC_REQUIRED = Msg(
    "training.topic_required", "Topik sesi wajib diisi.", "The session's topic is required."
)
FINISHED_NO_NEW_SESSION = Msg(
    "training.finished_no_new_session",
    "Pelatihan sudah selesai; sesi tidak dapat ditambah.",
    "The training has finished; sessions can no longer be added.",
)
FINISHED_SESSION_LOCKED = Msg(
    "training.finished_session_locked",
    "Pelatihan sudah selesai; sesi tidak dapat diubah.",
    "The training has finished; sessions can no longer change.",
)
FINISHED_SESSION_KEPT = Msg(
    "training.finished_session_kept",
    "Pelatihan sudah selesai; sesi tidak dapat dihapus.",
    "The training has finished; sessions can no longer be deleted.",
)
MARKED_SESSION_NOT_FUTURE = Msg(
    "training.marked_session_not_future",
    "Sesi ini sudah memiliki data kehadiran; tanggalnya tidak dapat dipindah ke masa depan.",
    "This session already has attendance; its date cannot move into the future.",
)
MARKED_SESSION_KEPT = Msg(
    "training.marked_session_kept",
    "Sesi ini sudah memiliki data kehadiran dan tidak dapat dihapus.",
    "This session already has attendance and cannot be deleted.",
)
SESSION_ELSEWHERE = Msg(
    "training.session_elsewhere",
    "Sesi tersebut bukan bagian dari pelatihan ini.",
    "That session is not part of this training.",
)

# -- participants ------------------------------------------------------------------------------
FINISHED_NO_NEW_PARTICIPANT = Msg(
    "training.finished_no_new_participant",
    "Pelatihan sudah selesai; peserta tidak dapat ditambah.",
    "The training has finished; participants can no longer be added.",
)
PERSON_INACTIVE = Msg(
    "training.person_inactive",
    "{name} berstatus {status}; tidak dapat menjadi peserta.",
    "{name} has the status {status} and cannot take part.",
)
ALREADY_PARTICIPANT = Msg(
    "training.already_participant",
    "{name} sudah terdaftar sebagai peserta pelatihan ini.",
    "{name} is already a participant of this training.",
)
PERSON_WITHOUT_NIK = Msg(
    "training.person_without_nik",
    "{name} belum memiliki NIK yang valid. Peserta tanpa NIK (mis. anak yang belum ber-KTP) "
    "hanya dapat didaftarkan bila diizinkan di Pengaturan pelatihan.",
    "{name} has no valid NIK yet. Participants without a NIK (e.g. children without an ID "
    "card) can only be registered when the training settings allow it.",
)
NIK_TAKEN = Msg(
    "training.nik_taken",
    "NIK {nik} sudah terdaftar atas nama {name}. Cari orang tersebut di registri dan tambahkan "
    "sebagai peserta.",
    "NIK {nik} is already registered to {name}. Find that person in the registry and add them "
    "as a participant.",
)
NIK_REQUIRED = Msg(
    "training.nik_required",
    "NIK wajib diisi. Peserta tanpa NIK hanya dapat didaftarkan bila diizinkan di Pengaturan "
    "pelatihan.",
    "The NIK is required. Participants without a NIK can only be registered when the training "
    "settings allow it.",
)
QUOTA_FULL = Msg(
    "training.quota_full",
    "Kuota pelatihan sudah penuh: {active} dari {quota} peserta. Naikkan kuota pada data "
    "pelatihan atau tarik peserta lain terlebih dahulu.",
    "The training is full: {active} of {quota} participants. Raise the quota in the training's "
    "details or withdraw another participant first.",
)
WITHDRAW_REASON_REQUIRED = Msg(
    "training.withdraw_reason_required",
    "Alasan mundur wajib diisi.",
    "A reason for withdrawing is required.",
)
WITHDRAW_IN_FUTURE = Msg(
    "training.withdraw_in_future",
    "Tanggal mundur tidak boleh di masa depan.",
    "The withdrawal date cannot be in the future.",
)
ALREADY_WITHDRAWN = Msg(
    "training.already_withdrawn",
    "Peserta ini sudah mundur.",
    "This participant has already withdrawn.",
)
FINISHED_NO_WITHDRAW = Msg(
    "training.finished_no_withdraw",
    "Pelatihan sudah selesai; peserta tidak dapat mundur.",
    "The training has finished; participants can no longer withdraw.",
)

# -- attendance --------------------------------------------------------------------------------
UNKNOWN_CODE = Msg(
    "training.unknown_attendance_code",
    "Kode kehadiran '{code}' tidak dikenal; gunakan H (hadir), I (izin), S (sakit) atau A (alpa).",
    "Attendance code '{code}' is unknown; use H (present), I (excused), S (sick) or A (absent).",
)
PARTICIPANT_ELSEWHERE = Msg(
    "training.participant_elsewhere",
    "Peserta ini bukan peserta pelatihan tersebut.",
    "This person is not a participant of that training.",
)
WITHDRAWN_MARKS_FROZEN = Msg(
    "training.withdrawn_marks_frozen",
    "Peserta ini sudah mundur; kehadirannya tidak dapat diubah.",
    "This participant has withdrawn; their attendance cannot be changed.",
)
FINISHED_MARKS_LOCKED = Msg(
    "training.finished_marks_locked",
    "Pelatihan sudah selesai; kehadiran tidak dapat diubah lagi.",
    "The training is finished; attendance can no longer be changed.",
)
SESSION_IN_FUTURE = Msg(
    "training.session_in_future",
    "Sesi tanggal {date} belum berlangsung; kehadiran untuk tanggal yang akan datang tidak "
    "dapat dicatat.",
    "The session on {date} has not taken place yet; attendance for a future date cannot be "
    "recorded.",
)

# -- certificates ------------------------------------------------------------------------------
NOT_FINISHED = Msg(
    "training.not_finished",
    "Sertifikat diterbitkan setelah pelatihan dinyatakan selesai (status sekarang: {status}).",
    "Certificates are issued once the training is declared finished (status now: {status}).",
)
OVERRIDE_REASON_SHORT = Msg(
    "training.override_reason_short",
    "Tuliskan alasan pengecualian dengan jelas (minimal {min} huruf); alasan ini tercatat di "
    "riwayat perubahan.",
    "Write the reason for the exception clearly (at least {min} characters); it is kept in the "
    "change history.",
)
WITHDRAWN_NO_CERTIFICATE = Msg(
    "training.withdrawn_no_certificate",
    "Peserta yang sudah mundur tidak dapat diberi sertifikat.",
    "A participant who withdrew cannot receive a certificate.",
)
ALREADY_CERTIFIED = Msg(
    "training.already_certified",
    "{name} sudah memiliki sertifikat {number}.",
    "{name} already has certificate {number}.",
)
OVERRIDE_NOT_NEEDED = Msg(
    "training.override_not_needed",
    "{name} memenuhi syarat kehadiran; terbitkan sertifikat biasa.",
    "{name} meets the attendance rule; issue a regular certificate.",
)


class TrainingInputRefused(ServiceError):
    """Every problem of a training form at once, so the clerk can fix them in one go.

    `code` is `training.invalid_input`; `problems` holds each problem's own Msg (their codes are
    what tests and the GUI check), rendered one per line in the chosen language.
    """

    def __init__(self, problems: Sequence[Msg], /) -> None:
        super().__init__(INVALID_INPUT, problems=tuple(problems))

    @property
    def problems(self) -> tuple[Msg, ...]:
        return tuple(self.params["problems"])

    @property
    def problem_codes(self) -> list[str]:
        return [m.code for m in self.problems]

    @property
    def message(self) -> str:
        return self.render("id")

    def render(self, lang: str = "id") -> str:
        return "\n".join(m.text(lang) for m in self.params["problems"])


# -- printing ----------------------------------------------------------------------------------
NO_ACTIVE_PARTICIPANTS_TO_PRINT = Msg(
    "training.print_no_active_participants",
    "Pelatihan ini belum memiliki peserta aktif.",
    "This training has no active participants yet.",
)
NO_PARTICIPANTS_TO_PRINT = Msg(
    "training.print_no_participants",
    "Pelatihan ini belum memiliki peserta.",
    "This training has no participants yet.",
)
NO_CERTIFICATES_TO_PRINT = Msg(
    "training.print_no_certificates",
    "Belum ada peserta yang memenuhi syarat kehadiran; tidak ada sertifikat.",
    "No participant meets the attendance rule yet; there are no certificates.",
)
