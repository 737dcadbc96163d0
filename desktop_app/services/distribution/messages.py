"""Every refusal of the distribution service, once: a stable code and both templates.

The GUI and the CLI branch on `code`; people read the Indonesian or English text. The proxy
(collector) refusals live beside their rule in desktop_app.domain.collectors.
"""

from __future__ import annotations

from typing import Any

from desktop_app.domain.errors import Msg, Refusal
from desktop_app.services.context import ServiceError

__all__ = ["NOT_FOUND_CODES", "DistributionInputError"]


class DistributionInputError(ServiceError):
    """Input that cannot be used at all (a malformed file or number): the CLI's exit code 2.

    Raised with a `Msg`, or with `INPUT_PROBLEMS` and ``problems=[Refusal, ...]`` when a file or a
    list of points has several problems at once: each is shown on its own line in the chosen
    language.
    """

    @property
    def problems(self) -> list[Refusal]:
        found = self.params.get("problems")
        return list(found) if isinstance(found, list) else []

    @property
    def message(self) -> str:
        return self.render("id")

    def render(self, lang: str = "id") -> str:
        if self.problems:
            return "\n".join(p.render(lang) for p in self.problems)
        return super().render(lang)


def problem(msg: Msg, /, **params: Any) -> Refusal:
    """One line of an `INPUT_PROBLEMS` refusal."""
    return Refusal(msg, **params)


INPUT_PROBLEMS = Msg(
    "distribution.input_problems",
    "Masukan bermasalah ({count}).",
    "The input has problems ({count}).",
)

# -- rounds --------------------------------------------------------------------------------
ROUND_NOT_FOUND = Msg(
    "distribution.round_not_found",
    "Putaran penyaluran '{ref}' tidak ditemukan. Lihat daftarnya dengan 'berdaya round list'.",
    "Distribution round '{ref}' was not found. See the list with 'berdaya round list'.",
)
ROUND_GONE = Msg(
    "distribution.round_missing",
    "Putaran penyaluran tidak ditemukan.",
    "The distribution round was not found.",
)
UNKNOWN_PROGRAM = Msg(
    "distribution.unknown_program",
    "Kode program '{program}' tidak dikenal. Pilihan: {choices}.",
    "Program code '{program}' is not known. Choices: {choices}.",
)
ROUND_NAME_REQUIRED = Msg(
    "distribution.round_name_required", "Nama putaran wajib diisi.", "The round needs a name."
)
ITEM_REQUIRED = Msg(
    "distribution.item_required",
    "Barang dan satuannya wajib diisi (contoh: Beras, kg).",
    "The item and its unit are required (e.g. Beras, kg).",
)
QUANTITY_NOT_POSITIVE = Msg(
    "distribution.quantity_not_positive",
    "Jumlah per penerima harus lebih dari nol.",
    "The quantity per recipient must be more than zero.",
)
END_BEFORE_START = Msg(
    "distribution.end_before_start",
    "Tanggal selesai tidak boleh sebelum tanggal mulai.",
    "The end date cannot be before the start date.",
)
ROUND_CODE_INVALID = Msg(
    "distribution.round_code_invalid",
    "Kode putaran harus 1-8 huruf besar atau angka tanpa spasi (contoh: RST4).",
    "A round code is 1-8 capital letters or digits without spaces (e.g. RST4).",
)
ROUND_NEEDS_POINT = Msg(
    "distribution.round_needs_point",
    "Putaran memerlukan paling sedikit satu titik salur.",
    "A round needs at least one distribution point.",
)
ROUND_CODE_TAKEN = Msg(
    "distribution.round_code_taken",
    "Kode putaran {code} sudah dipakai; pilih kode lain.",
    "Round code {code} is already used; choose another.",
)
ROUND_CLOSED_READ_ONLY = Msg(
    "distribution.round_closed",
    "Putaran {name} sudah ditutup; datanya hanya dapat dibaca dan dicetak.",
    "Round {name} is closed; its data can only be read and printed.",
)
ROUND_CLOSED_NO_WRITE = Msg(
    "distribution.round_closed_no_write",
    "Putaran {name} sudah ditutup; tidak dapat dicatat lagi (hanya baca).",
    "Round {name} is closed; nothing more can be recorded (read only).",
)
ROUND_NOT_OPEN = Msg(
    "distribution.round_not_open",
    "Putaran {name} belum dibuka. Buka putaran dulu agar daftar penerima dibekukan.",
    "Round {name} is not open yet. Open the round first so the roster is frozen.",
)
ROUND_NOT_DRAFT = Msg(
    "distribution.round_not_draft",
    "Putaran {name} berstatus {status}; hanya putaran persiapan yang dapat dibuka.",
    "Round {name} is {status}; only a round in preparation can be opened.",
)
ROUND_ALREADY_OPEN = Msg(
    "distribution.round_already_open",
    "Putaran {name} sudah dibuka.",
    "Round {name} is already open.",
)
ROUND_ALREADY_CLOSED = Msg(
    "distribution.round_already_closed",
    "Putaran {name} sudah ditutup.",
    "Round {name} is already closed.",
)
ROUND_NOT_OPEN_NOTHING_RECORDED = Msg(
    "distribution.batch_round_not_open",
    "Putaran {name} belum dibuka; tidak ada yang dicatat.",
    "Round {name} is not open; nothing was recorded.",
)

# -- points --------------------------------------------------------------------------------
POINT_NAME_REQUIRED = Msg(
    "distribution.point_name_required",
    "Nama titik salur wajib diisi.",
    "A distribution point needs a name.",
)
POINT_NAME_TWICE = Msg(
    "distribution.point_name_twice",
    "Nama titik salur '{name}' dipakai dua kali.",
    "Point name '{name}' is used twice.",
)
POINT_KIND_UNKNOWN = Msg(
    "distribution.point_kind_unknown",
    "Jenis titik '{kind}' tidak dikenal (kelurahan, toko, atau lainnya).",
    "Point kind '{kind}' is not known (kelurahan, toko or lainnya).",
)
POINT_KELURAHAN_UNKNOWN = Msg(
    "distribution.point_kelurahan_unknown",
    "{point}: kode kelurahan {code} tidak dikenal.",
    "{point}: kelurahan code {code} is not known.",
)
KELURAHAN_TWO_POINTS = Msg(
    "distribution.kelurahan_two_points",
    "Kelurahan {kelurahan} dilayani dua titik: {first} dan {second}. Tetapkan satu titik per "
    "kelurahan; toko mitra memakai daftar penerima.",
    "Kelurahan {kelurahan} is served by two points: {first} and {second}. Give each kelurahan "
    "one point; partner shops use a recipient list.",
)
POINT_RECIPIENT_UNKNOWN = Msg(
    "distribution.point_recipient_unknown",
    "{point}: penerima dengan kode {code} tidak ada di registri.",
    "{point}: no recipient with code {code} in the registry.",
)
KELURAHAN_ALREADY_SERVED = Msg(
    "distribution.kelurahan_already_served",
    "Kelurahan {kelurahan} sudah dilayani titik lain.",
    "Kelurahan {kelurahan} is already served by another point.",
)
POINT_EXISTS = Msg(
    "distribution.point_exists",
    "Titik salur '{name}' sudah ada.",
    "Distribution point '{name}' already exists.",
)
POINT_AREA_FROZEN = Msg(
    "distribution.point_area_frozen",
    "Kelurahan titik {point} tidak dapat diubah setelah putaran dibuka: daftar penerimanya sudah "
    "dibekukan. Pindahkan penerima satu per satu dengan 'Tetapkan KPM'.",
    "The kelurahan of point {point} cannot change once the round is open: its roster is frozen. "
    "Move recipients one by one with 'Tetapkan KPM'.",
)
POINT_CODES_REQUIRED = Msg(
    "distribution.point_codes_required",
    "Ketik atau pindai No. KK, NIK, atau kode kartu KPM yang akan ditetapkan ke titik ini.",
    "Type or scan the No. KK, NIK or card code of the KPM to assign to this point.",
)
POINT_RECIPIENT_NOT_ON_ROSTER = Msg(
    "distribution.point_recipient_not_on_roster",
    "{code}: ada di registri tetapi tidak ada di daftar penerima putaran ini.",
    "{code}: in the registry but not on this round's roster.",
)
POINT_RECIPIENT_RECEIVED = Msg(
    "distribution.point_recipient_received",
    "{name} sudah menerima di {point} (nomor {number}); titiknya tidak dapat dipindah.",
    "{name} has already received at {point} (number {number}); their point cannot change.",
)
POINT_NOT_FOUND = Msg(
    "distribution.point_not_found",
    "Titik salur '{ref}' tidak ditemukan di putaran ini. Titik: {points}",
    "Distribution point '{ref}' is not in this round. Points: {points}",
)
POINTS_FILE_NOT_CHOSEN = Msg(
    "distribution.points_file_not_chosen",
    "Pilih berkas CSV titik salur dulu.",
    "Choose the CSV file of distribution points first.",
)
POINTS_FILE_UNREADABLE = Msg(
    "distribution.points_file_unreadable",
    "Berkas titik salur {path} tidak dapat dibaca.",
    "The points file {path} cannot be read.",
)
POINTS_FILE_EMPTY = Msg(
    "distribution.points_file_empty",
    "Berkas titik salur {name} kosong.",
    "The points file {name} is empty.",
)
POINTS_FILE_NO_NAME = Msg(
    "distribution.points_file_no_name",
    "Berkas {name} tidak punya kolom 'nama'. Kolom yang dikenal: nama, jenis, alamat, "
    "kelurahan, penanggung_jawab, jabatan, penerima.",
    "File {name} has no 'nama' column. Known columns: nama, jenis, alamat, kelurahan, "
    "penanggung_jawab, jabatan, penerima.",
)
POINTS_FILE_NO_POINTS = Msg(
    "distribution.points_file_no_points",
    "Berkas {name} tidak memuat titik salur.",
    "File {name} holds no distribution points.",
)
LINE_POINT_NAME_EMPTY = Msg(
    "distribution.line_point_name_empty",
    "Baris {line}: nama titik kosong.",
    "Line {line}: the point name is empty.",
)
LINE_POINT_KIND_UNKNOWN = Msg(
    "distribution.line_point_kind_unknown",
    "Baris {line}: jenis '{kind}' tidak dikenal.",
    "Line {line}: kind '{kind}' is not known.",
)
LINE_KELURAHAN_UNKNOWN = Msg(
    "distribution.line_kelurahan_unknown",
    "Baris {line}: kelurahan '{name}' tidak dikenal.",
    "Line {line}: kelurahan '{name}' is not known.",
)
LINE_KELURAHAN_UNKNOWN_HINT = Msg(
    "distribution.line_kelurahan_unknown_hint",
    "Baris {line}: kelurahan '{name}' tidak dikenal. Maksud Anda: {hint}?",
    "Line {line}: kelurahan '{name}' is not known. Did you mean: {hint}?",
)

# -- roster --------------------------------------------------------------------------------
ADD_REASON_REQUIRED = Msg(
    "distribution.add_reason_required",
    "Alasan penambahan penerima wajib diisi.",
    "A reason for adding the recipient is required.",
)
ROSTER_FROZEN = Msg(
    "distribution.roster_frozen",
    "Daftar penerima dibekukan saat putaran dibuka; buka putaran dulu, atau daftarkan orangnya "
    "di program agar ikut saat dibuka.",
    "The roster is frozen when the round opens; open the round first, or enrol the person in "
    "the program so they are included when it opens.",
)
CODE_NOT_IN_REGISTRY = Msg(
    "distribution.code_not_in_registry",
    "Kode {code} tidak ditemukan di registri.",
    "Code {code} was not found in the registry.",
)
ALREADY_ON_ROSTER = Msg(
    "distribution.already_on_roster",
    "{name} sudah ada di daftar penerima.",
    "{name} is already on the roster.",
)
RECIPIENT_NOT_IN_REGISTRY = Msg(
    "distribution.recipient_not_in_registry",
    "Data penerima tidak ditemukan di registri.",
    "The recipient's data was not found in the registry.",
)
REMOVE_REASON_REQUIRED = Msg(
    "distribution.remove_reason_required",
    "Alasan mengeluarkan penerima wajib diisi.",
    "A reason for removing the recipient is required.",
)
NOT_ON_ROSTER = Msg(
    "distribution.not_on_roster",
    "Penerima tidak ada di daftar putaran ini.",
    "The recipient is not on this round's roster.",
)
ALREADY_REMOVED = Msg(
    "distribution.already_removed",
    "{name} sudah dikeluarkan dari daftar.",
    "{name} was already removed from the roster.",
)
REMOVE_AFTER_RECEIPT = Msg(
    "distribution.remove_after_receipt",
    "{name} sudah menerima (tanda terima {number}). Batalkan tanda terimanya dulu dengan alasan.",
    "{name} has already received (receipt {number}). Void the receipt first, with a reason.",
)

# -- the counter ---------------------------------------------------------------------------
SCAN_EMPTY = Msg(
    "distribution.scan_empty",
    "Pindai kartu atau ketik NIK, No. KK, atau nama.",
    "Scan a card or type a NIK, KK number or name.",
)
SCAN_ROUND_DRAFT = Msg(
    "distribution.scan_round_draft",
    "Putaran {name} belum dibuka: daftar penerimanya belum dibekukan.",
    "Round {name} is not open yet: its roster is not frozen.",
)
SCAN_AMBIGUOUS = Msg(
    "distribution.scan_ambiguous",
    "Ada {count} penerima yang cocok dengan '{code}'. Pilih dari daftar, atau pindai kartu / "
    "ketik NIK.",
    "{count} recipients match '{code}'. Choose from the list, or scan the card / type the NIK.",
)
SCAN_REMOVED = Msg(
    "distribution.scan_removed",
    "{name} telah dikeluarkan dari daftar penerima putaran ini.",
    "{name} was removed from this round's roster.",
)
SCAN_REMOVED_REASON = Msg(
    "distribution.scan_removed_reason",
    "{name} telah dikeluarkan dari daftar penerima putaran ini (alasan: {reason}).",
    "{name} was removed from this round's roster (reason: {reason}).",
)
SCAN_OTHER_POINT = Msg(
    "distribution.scan_other_point",
    "{name} dilayani di {point}, bukan di titik ini. Arahkan penerima ke titik salurnya.",
    "{name} is served at {point}, not at this point. Send the recipient to their point.",
)
SCAN_NOT_ON_ROSTER = Msg(
    "distribution.scan_registered_not_on_roster",
    "{name} terdaftar di registri tetapi tidak ada di daftar penerima {round}. Bila memang "
    "berhak, petugas kantor dapat menambahkannya dengan alasan.",
    "{name} is in the registry but not on the roster of {round}. If they are entitled, the "
    "office can add them with a reason.",
)
SCAN_WRONG_LENGTH = Msg(
    "distribution.scan_wrong_length",
    "'{code}' tidak ditemukan: NIK dan No. KK terdiri dari 16 digit (yang diketik {digits} "
    "digit). Periksa kembali angkanya.",
    "'{code}' was not found: a NIK or KK number has 16 digits ({digits} were typed). Check the "
    "number.",
)
SCAN_NOT_FOUND = Msg(
    "distribution.scan_not_found",
    "'{code}' tidak ditemukan di daftar penerima {round}. Periksa kartu, NIK atau No. KK, atau "
    "cari dengan nama.",
    "'{code}' is not on the roster of {round}. Check the card, NIK or KK number, or search by "
    "name.",
)
RECIPIENT_REMOVED = Msg(
    "distribution.recipient_removed",
    "{name} telah dikeluarkan dari daftar penerima.",
    "{name} was removed from the roster.",
)
SERVED_ELSEWHERE = Msg(
    "distribution.served_elsewhere",
    "{name} dilayani di {point}, bukan di titik ini.",
    "{name} is served at {point}, not at this point.",
)
ALREADY_RECEIVED = Msg(
    "distribution.already_received",
    "{name} SUDAH MENERIMA pada {when} di {point}, dicatat oleh {officer} (perangkat {device}, "
    "tanda terima {number}). Tidak boleh menerima dua kali.",
    "{name} HAS ALREADY RECEIVED on {when} at {point}, recorded by {officer} (device {device}, "
    "receipt {number}). Nobody may receive twice.",
)
ALREADY_RECEIVED_BY_PROXY = Msg(
    "distribution.already_received_by_proxy",
    "{name} SUDAH MENERIMA pada {when} di {point}, dicatat oleh {officer} (perangkat {device}, "
    "tanda terima {number}) (diambil oleh {collector}). Tidak boleh menerima dua kali.",
    "{name} HAS ALREADY RECEIVED on {when} at {point}, recorded by {officer} (device {device}, "
    "receipt {number}) (collected by {collector}). Nobody may receive twice.",
)
RELATION_UNKNOWN = Msg(
    "distribution.collector_relation_unknown",
    "Hubungan pengambil '{relation}' tidak dikenal: pilih same_kk (anggota KK yang sama), "
    "surat_kuasa, atau ahli_waris.",
    "Collector relation '{relation}' is not known: choose same_kk (member of the same KK), "
    "surat_kuasa (letter of authority) or ahli_waris (heir).",
)
COLLECTOR_NAME_REQUIRED = Msg(
    "distribution.collector_name_required",
    "Nama pengambil (wakil) wajib diisi.",
    "The collector's (proxy's) name is required.",
)
COLLECTOR_NIK_REQUIRED = Msg(
    "distribution.collector_nik_required",
    "NIK pengambil (wakil) wajib diisi sesuai KTP.",
    "The collector's (proxy's) NIK from their KTP is required.",
)
COLLECTOR_NIK_INVALID = Msg(
    "distribution.collector_nik_invalid",
    "NIK pengambil tidak valid: {problems}",
    "The collector's NIK is not valid: {problems}",
)
DEVICE_NAME_INVALID = Msg(
    "distribution.device_name_invalid",
    "Nama perangkat '{name}' tidak dapat dipakai untuk nomor tanda terima (2-8 huruf besar/angka). "
    "Atur di Pengaturan kantor.",
    "Device name '{name}' cannot be used in receipt numbers (2-8 capital letters/digits). Set it "
    "in the office settings.",
)
VOID_REASON_REQUIRED = Msg(
    "distribution.void_reason_required",
    "Alasan pembatalan tanda terima wajib diisi.",
    "A reason for voiding the receipt is required.",
)
ALREADY_VOIDED = Msg(
    "distribution.already_voided",
    "Tanda terima {number} sudah dibatalkan.",
    "Receipt {number} is already void.",
)
RECEIPT_NOT_FOUND = Msg(
    "distribution.receipt_not_found",
    "Tanda terima '{ref}' tidak ditemukan.",
    "Receipt '{ref}' was not found.",
)
MARK_UNKNOWN = Msg(
    "distribution.mark_unknown",
    "Tanda '{kind}' tidak dikenal (tidak_hadir/ditolak).",
    "Mark '{kind}' is not known (tidak_hadir/ditolak).",
)
REFUSAL_REASON_REQUIRED = Msg(
    "distribution.refusal_reason_required",
    "Alasan penolakan wajib diisi.",
    "A reason for the refusal is required.",
)
MARK_AFTER_RECEIPT = Msg(
    "distribution.mark_after_receipt",
    "{name} sudah menerima (tanda terima {number}); batalkan tanda terimanya dulu bila keliru.",
    "{name} has already received (receipt {number}); void the receipt first if it was a mistake.",
)
BATCH_TWICE = Msg(
    "distribution.batch_twice",
    "{name} muncul dua kali di berkas (baris {first} dan {second}).",
    "{name} appears twice in the file (lines {first} and {second}).",
)
BATCH_ALREADY_RECEIVED = Msg(
    "distribution.batch_already_received",
    "{name} sudah menerima (tanda terima {number}).",
    "{name} has already received (receipt {number}).",
)
MEMBER_NEEDS_CHOICE = Msg(
    "distribution.member_needs_choice",
    "NIK yang dipindai milik {member}, anggota KK {name}, bukan penerimanya. Tentukan siapa "
    "yang mengambil: {member} sebagai wakil (anggota KK yang sama), atau penerima hadir "
    "sendiri.",
    "The NIK scanned is {member}'s, a member of {name}'s KK, not the recipient's. Decide who "
    "collects: {member} as proxy (same KK), or the recipient in person.",
)
MATCHED_NOT_ON_KK = Msg(
    "distribution.matched_person_not_on_kk",
    "Orang yang dipindai tidak tercatat dalam KK {name}; pindai ulang kartu atau NIK.",
    "The person scanned is not on {name}'s KK; scan the card or NIK again.",
)
IN_PERSON_AND_PROXY = Msg(
    "distribution.in_person_and_proxy",
    "Pilih salah satu: penerima hadir sendiri, atau diambil oleh wakil, bukan keduanya.",
    "Choose one: the recipient in person, or a proxy, not both.",
)
CORRECTION_REASON_REQUIRED = Msg(
    "distribution.collector_correction_reason_required",
    "Alasan koreksi pengambil wajib diisi.",
    "A reason for correcting the collector is required.",
)
CORRECTION_VOIDED = Msg(
    "distribution.collector_correction_voided",
    "Tanda terima {number} sudah dibatalkan: pengambilnya tidak dapat dikoreksi.",
    "Receipt {number} is void: its collector cannot be corrected.",
)
CORRECTION_UNCHANGED = Msg(
    "distribution.collector_correction_unchanged",
    "Tanda terima {number} sudah mencatat pengambil itu; tidak ada yang dikoreksi.",
    "Receipt {number} already records that collector; nothing to correct.",
)

# -- documents and cards -------------------------------------------------------------------
RECEIPTS_MISSING = Msg(
    "distribution.receipts_missing",
    "Tanda terima tidak ditemukan atau sudah dibatalkan: {numbers}",
    "Receipts not found or already void: {numbers}",
)
NOTHING_TO_PRINT_RECEIPTS = Msg(
    "distribution.no_receipts_to_print",
    "Belum ada tanda terima untuk dicetak.",
    "There are no receipts to print yet.",
)
NOTHING_TO_PRINT_CARDS = Msg(
    "distribution.no_cards_to_print",
    "Tidak ada penerima untuk dibuatkan kartu.",
    "There are no recipients to make cards for.",
)

# -- BAST (berita acara serah terima) ------------------------------------------------------
BAST_ROUND_DRAFT = Msg(
    "distribution.bast_round_draft",
    "Putaran {name} belum dibuka; belum ada yang diserahterimakan.",
    "Round {name} has not been opened; nothing has been handed over yet.",
)
BAST_DATE_FUTURE = Msg(
    "distribution.bast_date_future",
    "Tanggal serah terima {date} belum tiba.",
    "The handover date {date} has not come yet.",
)
BAST_DATE_BEFORE_RECEIPTS = Msg(
    "distribution.bast_date_before_receipts",
    "Tanggal serah terima {date} lebih awal dari penyaluran terakhir di titik ini ({last}).",
    "The handover date {date} is before the last distribution at this point ({last}).",
)
BAST_RECEIVED_INVALID = Msg(
    "distribution.bast_received_invalid",
    "Jumlah diterima dari gudang tidak wajar: {value}.",
    "The quantity received from the warehouse is not plausible: {value}.",
)
BAST_RECEIVED_TOO_LOW = Msg(
    "distribution.bast_received_too_low",
    "Diterima dari gudang {received} {unit}, tetapi sudah tersalurkan {handed} {unit}.",
    "Received from the warehouse {received} {unit}, but {handed} {unit} were already handed out.",
)

# What the counter shows as "not found" (a warning to check the card) rather than as a refusal
# to serve someone who was found.
NOT_FOUND_CODES = frozenset(
    {ROUND_GONE.code, SCAN_WRONG_LENGTH.code, SCAN_NOT_FOUND.code, ROUND_NOT_FOUND.code}
)
