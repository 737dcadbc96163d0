"""The sync bundle file: signed by the sender, encrypted to the recipient, checked whole.

Layout of format 1::

    BERDAYA-BUNDLE\\n                       magic line
    {"format":1,"bundle_id":..,"from":..,"to":..,"kind":..}\\n   clear header (routing only)
    SealedBox(recipient X25519 key,         PyNaCl: X25519 + XSalsa20-Poly1305
        Ed25519 signature (64 bytes) ||     by the sender's signing key over
        manifest JSON || \\n || payload)     the manifest and the zlib-compressed JSON payload

The clear header says only which devices and format are involved, so a newer format can be
refused with a helpful message before anything is decrypted; every header field is repeated in
the signed manifest and must match. The manifest carries the payload's SHA-256. Changing any byte
breaks the magic, the header match, the Poly1305 tag or the signature, so the bundle is refused.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import SealedBox
from nacl.signing import SigningKey, VerifyKey

from desktop_app.domain.errors import Refusal
from desktop_app.services.sync import messages as M

MAGIC = b"BERDAYA-BUNDLE\n"
FORMAT_VERSION = 1
KINDS = ("checkout", "return", "ack")
_SIGNATURE_BYTES = 64
_MAX_PAYLOAD = 512 * 1024 * 1024  # refuse to inflate beyond this (a damaged or hostile file)


class BundleError(Refusal):
    """A bundle that must be refused whole: a coded refusal (see messages.py)."""


class NewerFormatError(BundleError):
    """The bundle was made by a newer Berdaya; the clerk should update, not ask for a new file."""


@dataclass(frozen=True)
class Manifest:
    format: int
    bundle_id: str
    kind: str
    from_device: str
    from_name: str
    sender_key: str  # base64 Ed25519 public key of the sender
    to_device: str
    created_at: str
    created_hlc: str
    seq_from: int  # the sender's change_log.seq range this bundle covers
    seq_to: int
    received_upto: int  # the recipient's stream the sender holds (the acknowledgement)
    entries: int
    counts: dict[str, int]
    app_version: str
    schema_version: int
    payload_sha256: str
    payload_bytes: int
    extra: dict[str, Any] = field(default_factory=dict)

    def header(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "bundle_id": self.bundle_id,
            "from": self.from_device,
            "to": self.to_device,
            "kind": self.kind,
        }


class OpenedBundle:
    """A verified bundle. The payload is inflated and parsed on first use, so recognising a
    bundle that was already imported costs only the decryption and the signature check."""

    def __init__(self, manifest: Manifest, compressed: bytes, size_bytes: int) -> None:
        self.manifest = manifest
        self.size_bytes = size_bytes
        self._compressed = compressed
        self._payload: dict[str, Any] | None = None

    @property
    def payload(self) -> dict[str, Any]:
        if self._payload is None:
            self._payload = _inflate(self._compressed, self.manifest)
        return self._payload


def _inflate(compressed: bytes, manifest: Manifest) -> dict[str, Any]:
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(compressed, _MAX_PAYLOAD)
        if inflater.unconsumed_tail:
            raise BundleError(M.BUNDLE_TOO_LARGE)
        payload = json.loads(raw.decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(M.BUNDLE_PAYLOAD_DAMAGED) from exc
    if not isinstance(payload, dict) or len(payload.get("entries", [])) != manifest.entries:
        raise BundleError(M.BUNDLE_PAYLOAD_MISMATCH)
    return payload


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal(
    manifest_fields: dict[str, Any],
    payload: dict[str, Any],
    signing_key: SigningKey,
    recipient: VerifyKey,
) -> tuple[Manifest, bytes]:
    """Build the bundle bytes. `manifest_fields` holds everything but the payload digest."""
    raw = _canonical(payload)
    compressed = zlib.compress(raw, 6)
    manifest = Manifest(
        format=FORMAT_VERSION,
        payload_sha256=hashlib.sha256(compressed).hexdigest(),
        payload_bytes=len(raw),
        **manifest_fields,
    )
    inner = _canonical(asdict(manifest)) + b"\n" + compressed
    signed = signing_key.sign(inner)  # signature || message
    box = SealedBox(recipient.to_curve25519_public_key())
    header = _canonical(manifest.header()) + b"\n"
    return manifest, MAGIC + header + box.encrypt(bytes(signed))


def peek_header(data: bytes) -> dict[str, Any]:
    """The clear header, checked for shape and format version only."""
    if not data.startswith(MAGIC):
        raise BundleError(M.BUNDLE_NOT_A_BUNDLE)
    end = data.find(b"\n", len(MAGIC))
    if end < 0:
        raise BundleError(M.BUNDLE_HEADER_INCOMPLETE)
    try:
        header = json.loads(data[len(MAGIC) : end].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(M.BUNDLE_HEADER_DAMAGED) from exc
    if not isinstance(header, dict) or not isinstance(header.get("format"), int):
        raise BundleError(M.BUNDLE_HEADER_DAMAGED)
    if header["format"] > FORMAT_VERSION:
        raise NewerFormatError(M.BUNDLE_NEWER_FORMAT, format=header["format"], known=FORMAT_VERSION)
    if header["format"] < 1 or header.get("kind") not in KINDS:
        raise BundleError(M.BUNDLE_HEADER_DAMAGED)
    for key in ("bundle_id", "from", "to"):
        if not isinstance(header.get(key), str) or not header[key]:
            raise BundleError(M.BUNDLE_HEADER_DAMAGED)
    return header


def open_bundle(
    data: bytes,
    my_device_id: str,
    my_signing_key: SigningKey,
    sender_key: Callable[[dict[str, Any], Manifest], VerifyKey],
) -> OpenedBundle:
    """Decrypt, verify and unpack a bundle meant for this device, or raise BundleError.

    `sender_key(header, manifest)` returns the key the signature must verify with (a registered
    device's key, or on a first checkout the office key the manifest itself declares); it may
    raise BundleError or ServiceError to refuse the sender.
    """
    header = peek_header(data)
    if header["to"] != my_device_id:
        raise BundleError(M.BUNDLE_WRONG_RECIPIENT)
    end = data.index(b"\n", len(MAGIC)) + 1
    try:
        signed = SealedBox(my_signing_key.to_curve25519_private_key()).decrypt(data[end:])
    except CryptoError as exc:
        raise BundleError(M.BUNDLE_TAMPERED) from exc
    signature, inner = signed[:_SIGNATURE_BYTES], signed[_SIGNATURE_BYTES:]
    split = inner.find(b"\n")
    try:
        manifest_data = json.loads(inner[:split].decode("utf-8"))
        manifest = Manifest(**manifest_data)
    except (ValueError, TypeError) as exc:
        raise BundleError(M.BUNDLE_MANIFEST_UNREADABLE) from exc
    key = sender_key(header, manifest)
    try:
        key.verify(inner, signature)
    except BadSignatureError as exc:
        raise BundleError(M.BUNDLE_BAD_SIGNATURE) from exc
    if manifest.header() != header:
        raise BundleError(M.BUNDLE_HEADER_MISMATCH)
    if manifest.format > FORMAT_VERSION:
        raise NewerFormatError(M.BUNDLE_NEWER_MANIFEST, format=manifest.format)
    compressed = inner[split + 1 :]
    if hashlib.sha256(compressed).hexdigest() != manifest.payload_sha256:
        raise BundleError(M.BUNDLE_HASH_MISMATCH)
    return OpenedBundle(manifest, compressed, len(data))
