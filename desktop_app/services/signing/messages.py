"""Coded refusals and verdicts of receipt and certificate signatures."""

from __future__ import annotations

from desktop_app.domain.errors import Msg

__all__ = [
    "CODE_UNREADABLE",
    "FILE_NO_CODE",
    "FILE_UNREADABLE",
    "NOT_FOUND",
    "QR_READER_MISSING",
    "SHORT_CODE_MISMATCH",
    "SIGNATURE_BAD",
    "SIGNATURE_MALFORMED",
    "SIGNATURE_MISSING",
    "SIGNED_AFTER_REVOKED",
    "SIGNER_UNKNOWN",
    "VERDICT_INVALID",
    "VERDICT_UNKNOWN",
    "VERDICT_UNSIGNED",
    "VERDICT_VALID",
]

SIGNATURE_BAD = Msg(
    "signing.signature_bad",
    "Tanda tangan {number} tidak cocok dengan datanya: kode ini diubah atau dipalsukan.",
    "The signature of {number} does not match its data: this code was altered or forged.",
)
SIGNATURE_MALFORMED = Msg(
    "signing.signature_malformed",
    "Kode {number} rusak: bagian tanda tangannya tidak terbaca.",
    "The code of {number} is damaged: its signature part cannot be read.",
)
SIGNATURE_MISSING = Msg(
    "signing.signature_missing",
    "{number} ditandatangani oleh perangkatnya, tetapi kode ini tidak membawa tanda "
    "tangan. Pindai kode QR aslinya.",
    "{number} was signed by its device, but this code carries no signature. Scan the "
    "original QR code.",
)
SIGNER_UNKNOWN = Msg(
    "signing.signer_unknown",
    "Kunci perangkat {device} yang menandatangani {number} belum dikenal di komputer ini. "
    "Sinkronkan dengan kantor dulu.",
    "The key of device {device}, which signed {number}, is not known on this computer. "
    "Sync with the office first.",
)
SIGNED_AFTER_REVOKED = Msg(
    "signing.signed_after_revoked",
    "{number} ditandatangani perangkat {device} setelah perangkat itu dicabut ({when}).",
    "{number} was signed by device {device} after that device was revoked ({when}).",
)
SHORT_CODE_MISMATCH = Msg(
    "signing.short_code_mismatch",
    "Kode verifikasi pada {number} tidak sama dengan yang tercatat.",
    "The verification code on {number} differs from the recorded one.",
)
NOT_FOUND = Msg(
    "signing.not_found",
    "{number} tidak ada di basis data komputer ini (mungkin belum disinkronkan).",
    "{number} is not in this computer's database (perhaps not synced yet).",
)
CODE_UNREADABLE = Msg(
    "signing.code_unreadable",
    "Teks ini bukan kode tanda terima atau sertifikat Berdaya.",
    "This text is not a Berdaya receipt or certificate code.",
)
FILE_UNREADABLE = Msg(
    "signing.file_unreadable",
    "Berkas {name} tidak dapat dibaca.",
    "File {name} cannot be read.",
)
FILE_NO_CODE = Msg(
    "signing.file_no_code",
    "Tidak ada kode QR Berdaya yang terbaca di {name}.",
    "No Berdaya QR code could be read in {name}.",
)

# Verdicts, as a clerk reads them.
VERDICT_VALID = Msg("signing.verdict_valid", "SAH", "VALID")
VERDICT_UNSIGNED = Msg(
    "signing.verdict_unsigned",
    "TANPA TANDA TANGAN (dibuat sebelum tanda tangan perangkat; cocokkan dengan arsip)",
    "UNSIGNED (made before device signatures; check against the records)",
)
VERDICT_INVALID = Msg("signing.verdict_invalid", "TIDAK SAH", "NOT VALID")
VERDICT_UNKNOWN = Msg("signing.verdict_unknown", "TIDAK DAPAT DIPASTIKAN", "CANNOT BE CONFIRMED")
QR_READER_MISSING = Msg(
    "signing.qr_reader_missing",
    "Komputer ini tidak dapat membaca kode QR dari gambar atau PDF ({name}). Pindai kode QR-nya "
    "dengan pemindai dan tempelkan teksnya.",
    "This computer cannot read QR codes from images or PDFs ({name}). Scan the QR code with a "
    "scanner and paste its text.",
)
