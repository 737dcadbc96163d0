"""Receipts and training certificates signed by the device that made them (Ed25519, the same key
as its sync bundles), verified offline at the counter, at import and on demand.

`files` (the code in a text file, or read back from a picture/PDF of a print), `keys` (this
device's key, the public keys of the devices it can verify, the list an office
hands its laptops), `verify` (the verdict on a code; the check the import path calls),
`messages` (coded refusals and verdicts). The signed bytes and the QR format are pure rules in
desktop_app.domain.receipts.
"""

from __future__ import annotations

from desktop_app.services.signing import messages
from desktop_app.services.signing.files import IMAGE_SUFFIXES, read_code_file
from desktop_app.services.signing.keys import (
    SIGNER_KEYS_SETTING,
    SignerKey,
    device_signing_key,
    remember_signer_keys,
    signer_keys,
    signer_keys_for_bundle,
)
from desktop_app.services.signing.verify import (
    INVALID,
    UNKNOWN,
    UNSIGNED,
    VALID,
    SignatureChecker,
    Verification,
    verify_code_text,
    verify_receipt_entry,
)

__all__ = [
    "IMAGE_SUFFIXES",
    "INVALID",
    "SIGNER_KEYS_SETTING",
    "UNKNOWN",
    "UNSIGNED",
    "VALID",
    "SignatureChecker",
    "SignerKey",
    "Verification",
    "device_signing_key",
    "messages",
    "read_code_file",
    "remember_signer_keys",
    "signer_keys",
    "signer_keys_for_bundle",
    "verify_code_text",
    "verify_receipt_entry",
]
