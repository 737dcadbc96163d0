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

Everything before the signature check is parsed from bytes anyone could have written, so it is
bounded: the file's magic and header are read (a few KiB) before its size is checked and before
the rest is read; the manifest is parsed field by field into the types it declares (deep
nesting, wrong types and huge numbers are refused as damaged, never raised as a crash); and the
payload is inflated in chunks up to the size the signed manifest declares, never beyond
`MAX_PAYLOAD_BYTES`, so a small file cannot inflate into gigabytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
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
# A checkout of a whole 8,000-KPM round is about 2.3 MiB on disk and 15 MiB inflated
# (docs/benchmarks.md); these limits leave room for a city-wide registry slice and refuse
# anything that would only exhaust the laptop's memory.
MAX_BUNDLE_BYTES = 128 * 1024 * 1024  # the whole file, checked before it is read
MAX_PAYLOAD_BYTES = 256 * 1024 * 1024  # the inflated JSON payload
_HEADER_MAX = 4096  # the clear header line
_MANIFEST_MAX = 1024 * 1024  # the signed manifest line (it carries the office profile)
_INFLATE_CHUNK = 1024 * 1024
_MAX_INT = 2**53  # manifest numbers: sequence numbers and counts, never beyond this
_ID = re.compile(r"[A-Za-z0-9_-]{1,100}\Z")
_MAX_DEPTH = 8  # nesting of the manifest's `extra` (the office profile is two levels deep)


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
    """The payload, inflated in chunks: never more than the signed manifest declares, and never
    more than `MAX_PAYLOAD_BYTES` even if it declares more."""
    if manifest.payload_bytes > MAX_PAYLOAD_BYTES:
        raise BundleError(M.BUNDLE_TOO_LARGE)
    limit = manifest.payload_bytes
    try:
        inflater = zlib.decompressobj()
        out = bytearray()
        pending = compressed
        while not inflater.eof:
            # At most one chunk beyond the limit is ever held: enough to know it was exceeded.
            chunk = inflater.decompress(pending, _INFLATE_CHUNK)
            out += chunk
            if len(out) > limit:
                raise BundleError(M.BUNDLE_TOO_LARGE)
            if not chunk and len(inflater.unconsumed_tail) == len(pending):
                break  # no progress: the stream ends before its end marker (truncated)
            pending = inflater.unconsumed_tail
        if not inflater.eof or inflater.unused_data or len(out) != limit:
            raise BundleError(M.BUNDLE_PAYLOAD_DAMAGED)
        payload = json.loads(out.decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError covers JSONDecodeError and numbers too long to convert.
        raise BundleError(M.BUNDLE_PAYLOAD_DAMAGED) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("entries", []), list):
        raise BundleError(M.BUNDLE_PAYLOAD_DAMAGED)
    if len(payload.get("entries", [])) != manifest.entries:
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
    """The clear header, checked for shape and format version only (from the first few KiB)."""
    if not data.startswith(MAGIC):
        raise BundleError(M.BUNDLE_NOT_A_BUNDLE)
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + _HEADER_MAX)
    if end < 0:
        raise BundleError(M.BUNDLE_HEADER_INCOMPLETE)
    try:
        header = json.loads(data[len(MAGIC) : end].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BundleError(M.BUNDLE_HEADER_DAMAGED) from exc
    if not isinstance(header, dict) or not _is_int(header.get("format")):
        raise BundleError(M.BUNDLE_HEADER_DAMAGED)
    if header["format"] > FORMAT_VERSION:
        raise NewerFormatError(M.BUNDLE_NEWER_FORMAT, format=header["format"], known=FORMAT_VERSION)
    if header["format"] < 1 or header.get("kind") not in KINDS:
        raise BundleError(M.BUNDLE_HEADER_DAMAGED)
    for key in ("bundle_id", "from", "to"):
        # Ids are ours (UUIDs): anything else is damage, and never reaches a file name.
        if not isinstance(header.get(key), str) or not _ID.match(header[key]):
            raise BundleError(M.BUNDLE_HEADER_DAMAGED)
    return header


def read_bundle_file(path: Path) -> bytes:
    """A bundle file's bytes, read only after its magic, header and size were checked: a huge
    file of anything else costs a few KiB of reading, not the laptop's memory.

    Raises BundleError for what is not (or is too large to be) a bundle, OSError for a file
    that cannot be read."""
    with open(path, "rb") as fh:
        head = fh.read(len(MAGIC) + _HEADER_MAX)
        peek_header(head)
        size = os.fstat(fh.fileno()).st_size
        if size > MAX_BUNDLE_BYTES:
            raise BundleError(
                M.BUNDLE_FILE_TOO_LARGE,
                name=Path(path).name,
                size=_mib(size),
                limit=_mib(MAX_BUNDLE_BYTES),
            )
        # Bounded even if the file grows while it is read (a stick still being written).
        rest = fh.read(MAX_BUNDLE_BYTES + 1 - len(head))
    data = head + rest
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(
            M.BUNDLE_FILE_TOO_LARGE,
            name=Path(path).name,
            size=_mib(len(data)),
            limit=_mib(MAX_BUNDLE_BYTES),
        )
    return data


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}"


def _is_int(value: Any) -> bool:
    # bool is an int in Python; a manifest number is never true/false nor astronomically large.
    return isinstance(value, int) and not isinstance(value, bool) and -_MAX_INT < value < _MAX_INT


def _depth(value: Any, limit: int) -> bool:
    """True when `value` nests no deeper than `limit` lists/objects."""
    if isinstance(value, dict):
        return limit > 0 and all(_depth(v, limit - 1) for v in value.values())
    if isinstance(value, list):
        return limit > 0 and all(_depth(v, limit - 1) for v in value)
    return True


_STR_MAX = 200  # ids, names, stamps, base64 keys, hex digests


def parse_manifest(raw: bytes) -> Manifest:
    """The signed manifest line, every field of the declared type, or BundleError. It is read
    before the signature is checked (it names the key to check with), so nothing in it is
    trusted: deep nesting, unknown or missing fields, wrong types and huge numbers are refused
    as an unreadable manifest."""
    if len(raw) > _MANIFEST_MAX:
        raise BundleError(M.BUNDLE_MANIFEST_UNREADABLE)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BundleError(M.BUNDLE_MANIFEST_UNREADABLE) from exc
    if not isinstance(data, dict):
        raise BundleError(M.BUNDLE_MANIFEST_UNREADABLE)
    known = {f.name: f.type for f in fields(Manifest)}
    if set(data) - set(known) or set(known) - set(data) - {"extra"}:
        raise BundleError(M.BUNDLE_MANIFEST_UNREADABLE)
    for name, value in data.items():
        kind = known[name]
        if kind == "int":
            ok = _is_int(value) and value >= 0
        elif kind == "str":
            ok = isinstance(value, str) and len(value) <= _STR_MAX
        elif name == "counts":
            ok = (
                isinstance(value, dict)
                and len(value) <= 100
                and all(
                    isinstance(k, str) and len(k) <= _STR_MAX and _is_int(v) and v >= 0
                    for k, v in value.items()
                )
            )
        else:  # extra: the checkout's office, profile, round; read by name where used
            ok = isinstance(value, dict) and _depth(value, _MAX_DEPTH)
        if not ok:
            raise BundleError(M.BUNDLE_MANIFEST_UNREADABLE)
    return Manifest(**data)


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
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(
            M.BUNDLE_FILE_TOO_LARGE, name="", size=_mib(len(data)), limit=_mib(MAX_BUNDLE_BYTES)
        )
    header = peek_header(data)
    if header["to"] != my_device_id:
        raise BundleError(M.BUNDLE_WRONG_RECIPIENT)
    end = data.index(b"\n", len(MAGIC)) + 1
    try:
        signed = SealedBox(my_signing_key.to_curve25519_private_key()).decrypt(data[end:])
    except CryptoError as exc:
        raise BundleError(M.BUNDLE_TAMPERED) from exc
    signature, inner = signed[:_SIGNATURE_BYTES], signed[_SIGNATURE_BYTES:]
    split = inner.find(b"\n", 0, _MANIFEST_MAX + 1)
    if split < 0:
        raise BundleError(M.BUNDLE_MANIFEST_UNREADABLE)
    manifest = parse_manifest(inner[:split])
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
