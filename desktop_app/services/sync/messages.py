"""Every refusal of field sync, once: bundle format, devices, import/export, review queues.

Codes are stable (tests, the GUI and the CLI branch on them); the Indonesian templates are the
wording clerks already know.
"""

from __future__ import annotations

from desktop_app.domain.errors import Msg

# -- the bundle file -------------------------------------------------------------------------------
BUNDLE_TOO_LARGE = Msg(
    "sync.bundle_too_large", "Isi bundel terlalu besar.", "The bundle is too large."
)
BUNDLE_PAYLOAD_DAMAGED = Msg(
    "sync.bundle_payload_damaged", "Isi bundel rusak.", "The bundle's contents are damaged."
)
BUNDLE_PAYLOAD_MISMATCH = Msg(
    "sync.bundle_payload_mismatch",
    "Isi bundel tidak cocok dengan manifes.",
    "The bundle's contents do not match its manifest.",
)
BUNDLE_NOT_A_BUNDLE = Msg(
    "sync.bundle_not_a_bundle",
    "Berkas ini bukan bundel sinkronisasi Berdaya.",
    "This file is not a Berdaya sync bundle.",
)
BUNDLE_HEADER_INCOMPLETE = Msg(
    "sync.bundle_header_incomplete",
    "Bundel rusak: kepala berkas tidak lengkap.",
    "The bundle is damaged: its file header is incomplete.",
)
BUNDLE_HEADER_DAMAGED = Msg(
    "sync.bundle_header_damaged",
    "Bundel rusak atau telah diubah (kepala berkas).",
    "The bundle is damaged or was altered (file header).",
)
BUNDLE_NEWER_FORMAT = Msg(
    "sync.bundle_newer_format",
    "Bundel ini dibuat oleh versi Berdaya yang lebih baru (format {format}; versi ini mengenal "
    "sampai format {known}). Perbarui aplikasi Berdaya di komputer ini, lalu impor lagi. Tidak "
    "ada data yang diubah.",
    "This bundle was made by a newer version of Berdaya (format {format}; this version knows up "
    "to format {known}). Update Berdaya on this computer, then import again. Nothing was changed.",
)
BUNDLE_NEWER_MANIFEST = Msg(
    "sync.bundle_newer_manifest",
    "Bundel ini dibuat oleh versi Berdaya yang lebih baru (format {format}). Perbarui aplikasi "
    "Berdaya di komputer ini.",
    "This bundle was made by a newer version of Berdaya (format {format}). Update Berdaya on "
    "this computer.",
)
BUNDLE_WRONG_RECIPIENT = Msg(
    "sync.bundle_wrong_recipient",
    "Bundel ini ditujukan untuk perangkat lain, bukan perangkat ini. Periksa berkas yang dipilih.",
    "This bundle is meant for another device, not this one. Check the file you chose.",
)
BUNDLE_TAMPERED = Msg(
    "sync.bundle_tampered",
    "Bundel rusak atau telah diubah (gagal membuka enkripsi). Minta bundel baru.",
    "The bundle is damaged or was altered (it could not be decrypted). Ask for a new bundle.",
)
BUNDLE_MANIFEST_UNREADABLE = Msg(
    "sync.bundle_manifest_unreadable",
    "Bundel rusak: manifes tidak dapat dibaca.",
    "The bundle is damaged: its manifest cannot be read.",
)
BUNDLE_BAD_SIGNATURE = Msg(
    "sync.bundle_bad_signature",
    "Tanda tangan bundel tidak sah: bundel telah diubah atau bukan dari perangkat pengirimnya. "
    "Bundel ditolak.",
    "The bundle's signature is invalid: it was altered or does not come from its sending "
    "device. The bundle was refused.",
)
BUNDLE_HEADER_MISMATCH = Msg(
    "sync.bundle_header_mismatch",
    "Bundel telah diubah: kepala berkas tidak cocok dengan manifes.",
    "The bundle was altered: its file header does not match the manifest.",
)
BUNDLE_HASH_MISMATCH = Msg(
    "sync.bundle_hash_mismatch",
    "Isi bundel tidak cocok dengan sidik (hash) di manifes. Bundel ditolak.",
    "The bundle's contents do not match the hash in its manifest. The bundle was refused.",
)

# -- device identities -----------------------------------------------------------------------------
IDENTITY_UNREADABLE = Msg(
    "sync.identity_unreadable",
    "Berkas identitas {name} tidak dapat dibaca atau rusak.",
    "The identity file {name} cannot be read or is damaged.",
)
IDENTITY_NOT_IDENTITY = Msg(
    "sync.identity_not_identity",
    "Berkas {name} bukan berkas identitas perangkat Berdaya.",
    "The file {name} is not a Berdaya device identity file.",
)
IDENTITY_NEWER = Msg(
    "sync.identity_newer_format",
    "Berkas identitas dibuat oleh versi Berdaya yang lebih baru. Perbarui aplikasi Berdaya di "
    "komputer ini.",
    "The identity file was made by a newer version of Berdaya. Update Berdaya on this computer.",
)
IDENTITY_TAMPERED = Msg(
    "sync.identity_tampered",
    "Berkas identitas {name} rusak atau telah diubah; minta berkas baru dari perangkat tersebut.",
    "The identity file {name} is damaged or was altered; ask that device for a new file.",
)
DEVICE_NAME_INVALID = Msg(
    "sync.device_name_invalid",
    "Nama perangkat harus 2-8 huruf besar atau angka tanpa spasi (contoh: LAP02); sekarang "
    "'{name}'.",
    "A device name must be 2-8 capital letters or digits without spaces (e.g. LAP02); it is "
    "'{name}'.",
)
DEVICE_IS_SELF = Msg(
    "sync.device_is_self",
    "Ini identitas perangkat ini sendiri; tidak perlu didaftarkan.",
    "This is this device's own identity; it need not be registered.",
)
DEVICE_NAME_TAKEN = Msg(
    "sync.device_name_taken",
    "Nama {name} sudah dipakai perangkat lain; pilih nama lain (nomor kuitansi memakai nama ini).",
    "The name {name} is already used by another device; choose another (receipt numbers carry "
    "the name).",
)
DEVICE_NAME_IS_OFFICE = Msg(
    "sync.device_name_is_office",
    "Nama {name} adalah nama perangkat kantor ini; laptop perlu nama sendiri karena nomor "
    "tanda terima memakai nama ini. Beri nama lain, mis. {suggestion}.",
    "{name} is this office computer's own name; a laptop needs its own name because receipt "
    "numbers carry it. Give it another name, e.g. {suggestion}.",
)
DEVICE_NAME_ON_RECEIPTS = Msg(
    "sync.device_name_on_receipts",
    "Nama {name} sudah dipakai pada tanda terima perangkat lain; pilih nama lain, mis. "
    "{suggestion}.",
    "The name {name} is already on another device's receipts; choose another, e.g. {suggestion}.",
)
CHECKOUT_NAME_CLASH = Msg(
    "sync.checkout_name_clash",
    "Checkout ini memberi laptop nama {name}, yang sudah dipakai kantor atau perangkat lain. "
    "Nomor tanda terima akan bentrok; minta kantor mendaftarkan laptop dengan nama lain lalu "
    "membuat checkout baru. Tidak ada data yang diubah.",
    "This checkout names the laptop {name}, which the office or another device already uses. "
    "Receipt numbers would clash; ask the office to register the laptop under another name and "
    "make a new checkout. Nothing was changed.",
)
DEVICE_KEY_MISMATCH = Msg(
    "sync.device_key_mismatch",
    "Perangkat ini sudah terdaftar dengan kunci lain. Identitas ini salinan atau palsu; daftar "
    "ditolak.",
    "This device is already registered with another key. This identity is a copy or a forgery; "
    "registration refused.",
)
DEVICE_REVOKED_NO_REREGISTER = Msg(
    "sync.device_revoked_no_reregister",
    "Perangkat {name} telah dicabut dan tidak dapat didaftarkan lagi. Buat basis data baru di "
    "laptop itu.",
    "Device {name} was revoked and cannot be registered again. Make a new database on that laptop.",
)
REVOKE_REASON_REQUIRED = Msg(
    "sync.revoke_reason_required",
    "Alasan pencabutan wajib diisi (mis. laptop hilang).",
    "A reason for the revocation is required (e.g. laptop lost).",
)
DEVICE_ALREADY_REVOKED = Msg(
    "sync.device_already_revoked",
    "Perangkat {name} sudah dicabut.",
    "Device {name} is already revoked.",
)
DEVICE_UNKNOWN = Msg(
    "sync.device_unknown",
    "Bundel dari perangkat yang tidak dikenal. Daftarkan perangkat itu dulu (Perangkat > "
    "Daftarkan) dengan berkas identitasnya.",
    "The bundle comes from an unknown device. Register that device first (Devices > Register) "
    "with its identity file.",
)
DEVICE_REVOKED = Msg(
    "sync.device_revoked",
    "Bundel dari perangkat {name} ditolak: perangkat ini telah dicabut ({reason}).",
    "The bundle from device {name} was refused: the device has been revoked ({reason}).",
)
DEVICE_NOT_REGISTERED = Msg(
    "sync.device_not_registered",
    "Perangkat {device} tidak terdaftar.",
    "Device {device} is not registered.",
)

# -- export and checkout ---------------------------------------------------------------------------
NOT_JOINED = Msg(
    "sync.not_joined",
    "Perangkat ini belum bergabung dengan kantor. Buka bundel checkout dari kantor dulu "
    "(Sinkronisasi > Gabung).",
    "This device has not joined an office yet. Open a checkout bundle from the office first "
    "(Sync > Join).",
)
FIELD_SENDS_TO_OFFICE = Msg(
    "sync.field_sends_to_office_only",
    "Laptop lapangan hanya mengirim bundel ke kantor.",
    "A field laptop sends bundles to the office only.",
)
CHOOSE_TARGET_DEVICE = Msg(
    "sync.choose_target_device",
    "Pilih perangkat tujuan (laptop) untuk bundel dari kantor.",
    "Choose the target device (laptop) for a bundle from the office.",
)
CHECKOUT_AT_OFFICE = Msg(
    "sync.checkout_at_office_only",
    "Checkout dibuat di kantor, bukan di laptop lapangan.",
    "Checkouts are made at the office, not on a field laptop.",
)
CHECKOUT_DEVICE_REVOKED = Msg(
    "sync.checkout_device_revoked",
    "Perangkat {name} telah dicabut.",
    "Device {name} has been revoked.",
)
CHECKOUT_ROLE_INVALID = Msg(
    "sync.checkout_role_invalid",
    "Laptop hanya dapat di-checkout untuk peran Petugas lapangan atau Pekerja sosial, bukan "
    "{role}.",
    "A laptop can only be checked out for the Field officer or Social worker role, not {role}.",
)
CHECKOUT_EMPTY = Msg(
    "sync.checkout_empty",
    "Tidak ada data untuk checkout: pilih putaran atau KPM.",
    "Nothing to check out: choose a round or households.",
)
BUNDLE_WRITE_FAILED = Msg(
    "sync.bundle_write_failed",
    "Bundel tidak dapat ditulis ke {path}: {reason}",
    "The bundle cannot be written to {path}: {reason}",
)

# -- import and join -------------------------------------------------------------------------------
BUNDLE_UNREADABLE = Msg(
    "sync.bundle_unreadable",
    "Berkas {name} tidak dapat dibaca.",
    "The file {name} cannot be read.",
)
RETURN_AT_OFFICE = Msg(
    "sync.return_at_office_only",
    "Bundel kembali dari laptop hanya dapat diimpor di kantor.",
    "A return bundle from a laptop can only be imported at the office.",
)
ACK_FOR_FIELD = Msg(
    "sync.ack_for_field_only",
    "Bundel ini untuk laptop lapangan, bukan untuk kantor.",
    "This bundle is for a field laptop, not for the office.",
)
NOT_A_CHECKOUT = Msg(
    "sync.not_a_checkout",
    "Berkas ini bukan bundel checkout dari kantor.",
    "This file is not a checkout bundle from the office.",
)
JOIN_DATABASE_IN_USE = Msg(
    "sync.join_database_in_use",
    "Basis data ini sudah berisi data registri, jadi tidak dapat bergabung sebagai laptop "
    "lapangan. Gunakan basis data baru di laptop.",
    "This database already holds registry data, so it cannot join as a field laptop. Use a new "
    "database on the laptop.",
)
CHECKOUT_OFFICE_MISMATCH = Msg(
    "sync.checkout_office_mismatch",
    "Bundel checkout rusak: identitas kantor tidak cocok.",
    "The checkout bundle is damaged: the office identity does not match.",
)
FOREIGN_OFFICE = Msg(
    "sync.foreign_office",
    "Laptop ini hanya menerima bundel dari kantornya sendiri.",
    "This laptop only accepts bundles from its own office.",
)
SENDER_KEY_MISMATCH = Msg(
    "sync.sender_key_mismatch",
    "Kunci pengirim tidak cocok dengan perangkat yang terdaftar.",
    "The sender's key does not match the registered device.",
)
BUNDLE_INCOMPLETE = Msg(
    "sync.bundle_incomplete",
    "Bundel tidak lengkap: ada data yang merujuk ke data lain yang belum ada di sini (mis. bundel "
    "lama dari perangkat yang dipulihkan dari cadangan). Tidak ada yang diubah; minta bundel baru "
    "dari pengirim.",
    "The bundle is incomplete: some data refers to data this database does not have (e.g. an "
    "old bundle from a device restored from a backup). Nothing was changed; ask the sender for a "
    "new bundle.",
)
BUNDLE_ENTRIES_DAMAGED = Msg(
    "sync.bundle_entries_damaged",
    "Isi bundel rusak: entri perubahan tidak lengkap.",
    "The bundle's contents are damaged: a change entry is incomplete.",
)
JOINED_OTHER_OFFICE = Msg(
    "sync.joined_other_office",
    "Laptop ini sudah bergabung dengan kantor lain.",
    "This laptop has already joined another office.",
)

# -- review queues ---------------------------------------------------------------------------------
CONFLICT_NOT_FOUND = Msg(
    "sync.conflict_not_found", "Konflik tidak ditemukan.", "Conflict not found."
)
CONFLICT_DECIDED = Msg(
    "sync.conflict_already_decided",
    "Konflik ini sudah diputuskan.",
    "This conflict has already been decided.",
)
CONFLICT_NO_SUCH_CHOICE = Msg(
    "sync.conflict_no_such_choice", "Pilihan nilai tidak ada.", "There is no such value to choose."
)
QUARANTINE_NOT_FOUND = Msg(
    "sync.quarantine_not_found",
    "Perubahan karantina tidak ditemukan atau sudah diputuskan.",
    "The quarantined change was not found or has already been decided.",
)

# -- double claims and the round slice -------------------------------------------------------------
ROUND_NOT_FOUND = Msg(
    "sync.round_not_found",
    "Putaran penyaluran tidak ditemukan.",
    "Distribution round not found.",
)
ROUND_NOT_OPEN = Msg(
    "sync.round_not_open",
    "Putaran {name} belum dibuka (atau sudah ditutup); hanya putaran yang dibuka dapat dibawa ke "
    "lapangan.",
    "Round {name} is not open (or already closed); only an open round can be taken into the field.",
)
CLAIM_NOTE_REQUIRED = Msg(
    "sync.claim_note_required",
    "Catatan keputusan wajib diisi (mis. hasil pengecekan).",
    "A note on the decision is required (e.g. what the check found).",
)
CLAIM_ACTION_INVALID = Msg(
    "sync.claim_action_invalid",
    "Keputusan harus 'void' (batalkan satu) atau 'confirm'.",
    "The decision must be 'void' (cancel one) or 'confirm'.",
)
CLAIM_NOT_OPEN = Msg(
    "sync.claim_not_open",
    "Tidak ada klaim ganda terbuka untuk penerima ini.",
    "There is no open double claim for this recipient.",
)
CLAIM_CHOOSE_RECEIPT = Msg(
    "sync.claim_choose_receipt",
    "Pilih tanda terima yang dibatalkan.",
    "Choose the receipt to cancel.",
)
CLAIM_RECEIPT_NOT_IN_CLAIM = Msg(
    "sync.claim_receipt_not_in_claim",
    "Tanda terima itu tidak termasuk klaim ganda ini.",
    "That receipt is not part of this double claim.",
)
CLAIM_ALREADY_CONFIRMED = Msg(
    "sync.claim_already_confirmed",
    "Klaim ganda ini sudah dikonfirmasi.",
    "This double claim has already been confirmed.",
)

# -- bounded reading, first join, minimal checkouts (issue 11 items 3-5) ---------------------------
BUNDLE_FILE_TOO_LARGE = Msg(
    "sync.bundle_file_too_large",
    "Berkas {name} terlalu besar untuk sebuah bundel ({size} MiB; batasnya {limit} MiB). Periksa "
    "berkas yang dipilih. Tidak ada data yang diubah.",
    "The file {name} is too large to be a bundle ({size} MiB; the limit is {limit} MiB). Check "
    "the file you chose. Nothing was changed.",
)
JOIN_CONFIRM_OFFICE = Msg(
    "sync.join_confirm_office",
    "Sebelum laptop ini bergabung, pastikan bundel ini benar dari kantor Anda. Sidik kunci kantor "
    "{office} di bundel ini: {fingerprint}. Cocokkan dengan sidik kunci di layar kantor atau di "
    "ringkasan checkout, lalu konfirmasi sidik itu atau ketik kode sekali pakai dari kantor. "
    "Tidak ada data yang diubah.",
    "Before this laptop joins, make sure this bundle really comes from your office. The key "
    "fingerprint of office {office} in this bundle: {fingerprint}. Compare it with the "
    "fingerprint on the office's screen or checkout summary, then confirm it or type the "
    "one-time code from the office. Nothing was changed.",
)
JOIN_FINGERPRINT_MISMATCH = Msg(
    "sync.join_fingerprint_mismatch",
    "Sidik kunci yang dimasukkan ({given}) tidak sama dengan sidik kunci kantor di bundel ini "
    "({fingerprint}). Bundel ini mungkin bukan dari kantor Anda: jangan bergabung, tanyakan ke "
    "kantor. Tidak ada data yang diubah.",
    "The fingerprint entered ({given}) differs from the office key fingerprint in this bundle "
    "({fingerprint}). This bundle may not come from your office: do not join, ask the office. "
    "Nothing was changed.",
)
JOIN_CODE_MISMATCH = Msg(
    "sync.join_code_mismatch",
    "Kode sekali pakai tidak cocok dengan bundel checkout ini. Periksa kode yang tampil di kantor "
    "saat checkout ini dibuat (setiap checkout punya kode sendiri). Bundel ini mungkin bukan dari "
    "kantor Anda. Tidak ada data yang diubah.",
    "The one-time code does not match this checkout bundle. Check the code the office showed "
    "when this checkout was made (every checkout has its own). This bundle may not come from "
    "your office. Nothing was changed.",
)
CHECKOUT_NAME_INVALID = Msg(
    "sync.checkout_name_invalid",
    "Bundel checkout rusak: nama perangkat di dalamnya tidak sah. Minta checkout baru dari "
    "kantor. Tidak ada data yang diubah.",
    "The checkout bundle is damaged: the device name in it is not valid. Ask the office for a new "
    "checkout. Nothing was changed.",
)
CHECKOUT_RESTRICTED_ROUND = Msg(
    "sync.checkout_restricted_round",
    "Putaran {name} adalah program {program}, yang datanya termasuk data pribadi spesifik (UU "
    "PDP). Daftarnya tidak dapat dibawa ke laptop lapangan; layani dari kantor.",
    "Round {name} belongs to the programme {program}, whose data is specific personal data (UU "
    "PDP). Its roster cannot be taken to a field laptop; serve it from the office.",
)

# -- authority rules: why an entry of a bundle was held in quarantine ---------------------------
# Each names the sending device and what the entry was about; the quarantine row keeps the code
# and its parameters, so the queue shows the reason in the reader's language.
RULE_CLOCK_AHEAD_BUNDLE = Msg(
    "sync.rule.clock_ahead_bundle",
    "Perubahan dari {device} bertanggal {ahead} menit sesudah bundelnya sendiri dibuat. Ditahan, "
    "tidak digabungkan.",
    "A change from {device} is stamped {ahead} minutes after its own bundle was made. Held, not "
    "merged.",
)
RULE_CLOCK_AHEAD = Msg(
    "sync.rule.clock_ahead",
    "Perubahan dari {device} bertanggal {ahead} menit di depan jam komputer ini: jam laptop "
    "pengirim salah? Ditahan, tidak digabungkan.",
    "A change from {device} is stamped {ahead} minutes ahead of this computer's clock: is the "
    "sending laptop's clock wrong? Held, not merged.",
)
RULE_CLOCK_FAR_AHEAD = Msg(
    "sync.rule.clock_far_ahead",
    "Waktu perubahan lebih dari 1 hari di depan jam komputer ini.",
    "The change is stamped more than 1 day ahead of this computer's clock.",
)
RULE_OTHER_ORIGIN = Msg(
    "sync.rule.other_origin",
    "Bundel dari {device} membawa perubahan yang mengaku dibuat oleh perangkat lain ({origin}). "
    "Laptop hanya boleh mengirim perubahannya sendiri.",
    "A bundle from {device} carries a change claiming to come from another device ({origin}). A "
    "laptop may only send its own changes.",
)
RULE_FORGED_OWN = Msg(
    "sync.rule.forged_own",
    "Bundel dari {device} membawa perubahan atas nama perangkat ini yang tidak pernah dibuat di "
    "sini.",
    "A bundle from {device} carries a change in this device's name that was never made here.",
)
RULE_NOT_SYNCED = Msg(
    "sync.rule.not_synced",
    "{device} mengirim perubahan pada {entity}, yang tidak pernah disinkronkan (pengaturan, "
    "perangkat, pengguna, kunci).",
    "{device} sent a change to {entity}, which is never synced (settings, devices, users, keys).",
)
RULE_MALFORMED = Msg(
    "sync.rule.malformed",
    "Perubahan dari {device} pada {entity} rusak (kolom {field}).",
    "A change from {device} to {entity} is malformed (field {field}).",
)
RULE_INVALID_VALUE = Msg(
    "sync.rule.invalid_value",
    'Nilai {field} = "{value}" dari {device} pada {entity} tidak sah: {rule}.',
    'The value {field} = "{value}" from {device} for {entity} is not valid: {rule}.',
)
RULE_TOMBSTONE = Msg(
    "sync.rule.tombstone",
    "{device} mencoba menghapus {entity}. Laptop tidak boleh menghapus data registri; "
    "penghapusan hanya di kantor.",
    "{device} tried to delete a {entity}. A laptop may not delete registry data; deleting is "
    "done at the office.",
)
RULE_OFFICE_ONLY = Msg(
    "sync.rule.office_only",
    "{device} mengubah {entity}; itu hanya boleh dilakukan di kantor.",
    "{device} changed a {entity}; only the office may do that.",
)
RULE_DECISION_OFFICE_ONLY = Msg(
    "sync.rule.decision_office_only",
    "{device} mengirim keputusan klaim ganda; hanya supervisor di kantor yang memutuskan.",
    "{device} sent a double-claim decision; only a supervisor at the office decides.",
)
RULE_OUTSIDE_SLICE = Msg(
    "sync.rule.outside_slice",
    "{device} mengubah {entity} yang tidak dibawanya (di luar checkout laptop ini).",
    "{device} changed a {entity} it does not hold (outside this laptop's checkout).",
)
RULE_PROPOSAL = Msg(
    "sync.rule.proposal",
    "Usulan dari {device}: {fields} pada {entity}. Data penting dari laptop tidak langsung "
    "berlaku; periksa lalu Terima atau Tolak.",
    "Proposal from {device}: {fields} of a {entity}. Critical facts from a laptop do not apply "
    "directly; check, then Accept or Reject.",
)
RULE_FIELD_NOT_ALLOWED = Msg(
    "sync.rule.field_not_allowed",
    "Usulan dari {device}: {fields} pada {entity}. Laptop hanya boleh mengubah kontak, alamat, "
    "RT/RW dan catatan; periksa lalu Terima atau Tolak.",
    "Proposal from {device}: {fields} of a {entity}. A laptop may change only contact, address, "
    "RT/RW and notes; check, then Accept or Reject.",
)
RULE_FACT_REWRITE = Msg(
    "sync.rule.fact_rewrite",
    "{device} mencoba mengubah {entity} yang sudah tercatat; fakta hanya boleh ditambah.",
    "{device} tried to change a {entity} already recorded; facts can only be added.",
)
RULE_ROSTER_NOT_SERVED = Msg(
    "sync.rule.roster_not_served",
    "{device} mencatat {entity} untuk penerima yang tidak ada di titik salur checkout-nya.",
    "{device} recorded a {entity} for a recipient who is not on the points checked out to it.",
)
RULE_ROUND_NOT_OPEN = Msg(
    "sync.rule.round_not_open",
    "{device} mencatat {entity} pada {when} saat putaran {round} tidak dibuka.",
    "{device} recorded a {entity} at {when} while round {round} was not open.",
)
RULE_RECEIPT_PREFIX = Msg(
    "sync.rule.receipt_prefix",
    "Tanda terima {number} dari {device} tidak memakai awalan nomornya sendiri ({prefix}).",
    "Receipt {number} from {device} does not carry its own number prefix ({prefix}).",
)
RULE_RECEIPT_DUPLICATE = Msg(
    "sync.rule.receipt_duplicate",
    "Nomor tanda terima {number} dari {device} sudah dipakai.",
    "Receipt number {number} from {device} is already in use.",
)
RULE_VOID_NOT_OWN = Msg(
    "sync.rule.void_not_own",
    "{device} membatalkan tanda terima yang tidak dibuatnya sendiri; pembatalan tanda terima "
    "perangkat lain dilakukan supervisor di kantor.",
    "{device} voided a receipt it did not issue itself; another device's receipt is voided by a "
    "supervisor at the office.",
)
RULE_DEPENDS_ON_HELD = Msg(
    "sync.rule.depends_on_held",
    "Perubahan dari {device} pada {entity} bergantung pada perubahan lain yang ditahan.",
    "A change from {device} to a {entity} depends on another change that is held.",
)
QUARANTINE_PARENT_HELD = Msg(
    "sync.quarantine_parent_held",
    "Perubahan ini bergantung pada perubahan lain yang masih ditahan; putuskan yang itu dulu.",
    "This change depends on another change still held; decide that one first.",
)
QUARANTINE_NUMBER_TAKEN = Msg(
    "sync.quarantine_number_taken",
    "Nomor tanda terima {number} sudah dipakai; perubahan ini tidak dapat diterima.",
    "Receipt number {number} is already in use; this change cannot be accepted.",
)
RULE_CORRECTION_NOT_OWN = Msg(
    "sync.rule.correction_not_own",
    "{device} mengoreksi pengambil tanda terima yang tidak dibuatnya sendiri; koreksi tanda terima "
    "perangkat lain dilakukan di kantor.",
    "{device} corrected the collector of a receipt it did not issue itself; another device's "
    "receipt is corrected at the office.",
)
RULE_BAST_POINT_NOT_SERVED = Msg(
    "sync.rule.bast_point_not_served",
    "{device} menerbitkan BAST untuk titik salur yang tidak di-checkout kepadanya.",
    "{device} issued a BAST for a distribution point that was not checked out to it.",
)
RULE_BAST_PREFIX = Msg(
    "sync.rule.bast_prefix",
    "{device} menerbitkan BAST bernomor {number}; nomor BAST dari perangkat ini harus berawalan "
    "{prefix}.",
    "{device} issued a BAST numbered {number}; BAST numbers from this device must start with "
    "{prefix}.",
)
IDENTITY_WRITE_FAILED = Msg(
    "sync.identity_write_failed",
    "Berkas identitas {path} tidak dapat ditulis ({reason}). Periksa folder dan ruang disk.",
    "The identity file {path} could not be written ({reason}). Check the folder and disk space.",
)

# -- the change-log hash chain (storage/chain.py) -------------------------------------------------
RULE_CHAIN_ALTERED = Msg(
    "sync.rule.chain_altered",
    "Perubahan dari {device} tidak cocok dengan hash-nya: isinya diubah setelah dicatat.",
    "The change from {device} does not match its hash: it was altered after it was recorded.",
)
RULE_CHAIN_GAP = Msg(
    "sync.rule.chain_gap",
    "Rantai catatan perubahan dari {device} terputus: ada perubahan yang hilang dari paket.",
    "The change-log chain from {device} has a gap: changes are missing from the bundle.",
)
RULE_CHAIN_REWRITTEN = Msg(
    "sync.rule.chain_rewritten",
    "Rantai catatan perubahan dari {device} tidak melanjutkan rantai yang terakhir diterima: "
    "riwayatnya telah diubah.",
    "The change-log chain from {device} does not continue the one last accepted here: its "
    "history was rewritten.",
)

# -- casework in checkouts (sync/casework.py) -----------------------------------------------------
CHECKOUT_WORKER_REQUIRED = Msg(
    "sync.checkout_worker_required",
    "Checkout untuk pekerja sosial membawa kasus milik satu petugas: sebutkan nama pengguna "
    "pekerja sosialnya.",
    "A social worker's checkout carries one worker's cases: give the social worker's user name.",
)
CHECKOUT_WORKER_FIELD = Msg(
    "sync.checkout_worker_field_role",
    "Kasus hanya dibawa checkout untuk Pekerja sosial; laptop Petugas lapangan tidak membawa "
    "data kasus.",
    "Cases travel only in a Social worker checkout; a Field officer's laptop carries no case data.",
)
CHECKOUT_NO_CASES = Msg(
    "sync.checkout_no_cases",
    "Tidak ada kasus aktif yang ditangani {worker}.",
    "There are no open cases assigned to {worker}.",
)
RULE_CASEWORK_ROLE = Msg(
    "sync.rule.casework_role",
    "{device} mengirim {entity}, padahal laptop ini tidak di-checkout untuk Pekerja sosial.",
    "{device} sent a {entity}, but this laptop is not checked out for a Social worker.",
)
RULE_CASE_NOT_CHECKED_OUT = Msg(
    "sync.rule.case_not_checked_out",
    "{device} mencatat {entity} pada kasus yang tidak di-checkout ke laptop ini.",
    "{device} recorded a {entity} on a case that is not checked out to this laptop.",
)
RULE_CASE_CLOSED = Msg(
    "sync.rule.case_closed_at_office",
    "{device} mencatat {entity} pada kasus yang sudah ditutup di kantor; periksa lalu Terima "
    "atau Tolak.",
    "{device} recorded a {entity} on a case already closed at the office; check, then Accept "
    "or Reject.",
)
RULE_CASE_NOT_ASSIGNED = Msg(
    "sync.rule.case_not_assigned",
    "{device} mencatat {entity} pada kasus yang kini ditangani {worker}, bukan petugas checkout "
    "laptop ini; periksa lalu Terima atau Tolak.",
    "{device} recorded a {entity} on a case now assigned to {worker}, not to the worker this "
    "laptop was checked out for; check, then Accept or Reject.",
)
RULE_CASE_CLOSE_PROPOSAL = Msg(
    "sync.rule.case_close_proposal",
    "Usulan dari {device}: tutup kasus (alasan: {reason}). Kasus ditutup di kantor; penyelia "
    "memeriksa lalu Terima atau Tolak.",
    "Proposal from {device}: close the case (reason: {reason}). Cases are closed at the office; "
    "a supervisor checks, then Accepts or Rejects.",
)
RULE_CASE_CHANGE = Msg(
    "sync.rule.case_change_not_allowed",
    "Usulan dari {device}: {fields} pada {entity}. Laptop pekerja sosial hanya menambah "
    "kegiatan, kunjungan, asesmen dan tujuan rencana; periksa lalu Terima atau Tolak.",
    "Proposal from {device}: {fields} of a {entity}. A social worker's laptop only adds "
    "activities, visits, assessments and plan goals; check, then Accept or Reject.",
)
CHECKOUT_HOLDS_CASEWORK = Msg(
    "sync.checkout_holds_casework",
    "Laptop {name} menyimpan data kasus dari checkout Pekerja sosial; laptop Petugas lapangan "
    "tidak boleh membawanya. Siapkan basis data laptop yang baru dan daftarkan sebagai perangkat "
    "baru.",
    "Laptop {name} holds case data from a Social worker checkout; a Field officer's laptop must "
    "not carry it. Prepare a fresh laptop database and register it as a new device.",
)
