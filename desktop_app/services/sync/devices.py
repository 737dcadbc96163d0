"""Device identities for field sync: this installation's key pair, and the devices it trusts.

Each database is one device. Its Ed25519 signing key is made on first start and kept in the
database's settings, beside the device id it belongs to (see docs/sync.md, "Kunci perangkat",
for why it is not in a separate file). The X25519 key that bundles are encrypted to is derived
from the same seed by PyNaCl, so one identity file carries everything a peer needs.

The office registers a laptop by importing the laptop's identity file; a laptop learns the
office's key from its first checkout bundle. A revoked device's bundles are refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey
from sqlalchemy import text
from sqlmodel import Session, select

from desktop_app.domain.access import Role
from desktop_app.domain.devices import (
    is_device_name,
    normalise_device_name,
    suggest_device_name,
)
from desktop_app.services.context import (
    DEVICE_KEY,
    SYNC_ROLE_KEY,
    AppContext,
    Device,
    ServiceError,
    diff,
)
from desktop_app.services.sync import messages as M
from desktop_app.services.sync.access import MANAGE_DEVICES, READ_QUEUES, SYNC, requires
from desktop_app.storage.models import Setting
from desktop_app.storage.sync_models import SyncDevice

SIGNING_KEY_SETTING = "device_signing_key"
SYNC_ROLE_SETTING = SYNC_ROLE_KEY
IDENTITY_FORMAT = "berdaya-device-identity"
IDENTITY_VERSION = 1

ROLE_OFFICE = "office"
ROLE_FIELD = "field"

# Roles that may hold restricted-programme data (children's, disability and home-care
# enrolments: specific personal data under UU PDP). Today a field laptop holds none; a future
# role (a social worker's case laptop) would be added here with the data-protection rules.
RESTRICTED_ROLES: frozenset[str] = frozenset({ROLE_OFFICE})


def may_hold_restricted(role: str) -> bool:
    """Whether a device of this role may be sent restricted-programme data."""
    return role in RESTRICTED_ROLES


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def fingerprint(verify_key: bytes) -> str:
    """A short, readable digest of a public key to compare over the phone: 'A1B2-C3D4-E5F6-0718'."""
    digest = hashlib.sha256(verify_key).hexdigest()[:16].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def fingerprint_matches(given: str, verify_key: bytes) -> bool:
    """Whether what a person typed is the whole fingerprint of this key (case, spaces and dashes
    do not matter; a part of it is not enough)."""
    typed = "".join(ch for ch in given.upper() if ch.isalnum())
    return hmac.compare_digest(typed, fingerprint(verify_key).replace("-", ""))


JOIN_CODE_DIGITS = 10


def join_code(bundle_id: str, verify_key: str) -> str:
    """The one-time code of a checkout: shown at the office when the checkout is made, typed on
    the laptop to join. It binds this bundle to the office key it declares, so a checkout from
    another office (another key) or another checkout does not match. Ten digits: finding a key
    whose code matches one that was seen takes billions of key pairs."""
    digest = hashlib.sha256(
        b"berdaya-join-code\0" + bundle_id.encode() + b"\0" + verify_key.encode()
    ).digest()
    number = int.from_bytes(digest[:8], "big") % 10**JOIN_CODE_DIGITS
    text = f"{number:0{JOIN_CODE_DIGITS}d}"
    return f"{text[:5]}-{text[5:]}"


def join_code_matches(given: str, bundle_id: str, verify_key: str) -> bool:
    typed = "".join(ch for ch in given if ch.isdigit())
    return hmac.compare_digest(typed, join_code(bundle_id, verify_key).replace("-", ""))


def safe_name(text: str, fallback: str = "PERANGKAT") -> str:
    """A sender-supplied device name fit for a file name or a label: the device-name rules
    (2-8 capitals/digits) or `fallback`. Names are checked at registration, but a bundle's
    manifest is written by the sender, so it is checked again wherever it is used."""
    name = normalise_device_name(text if isinstance(text, str) else "")
    return name if is_device_name(name) else fallback


@dataclass(frozen=True)
class DeviceIdentity:
    """The public half of a device identity, as written to an identity file."""

    device_id: str
    name: str
    verify_key: str  # base64 Ed25519 public key

    @property
    def fingerprint(self) -> str:
        return fingerprint(unb64(self.verify_key))


@dataclass(frozen=True)
class DeviceRecord:
    id: str
    name: str
    role: str
    fingerprint: str
    registered_at: datetime
    registered_by: str
    revoked: bool
    revoked_at: datetime | None
    revoked_reason: str | None
    checkout_role: str | None = None  # domain.access.Role of its last checkout


def _record(row: SyncDevice) -> DeviceRecord:
    return DeviceRecord(
        id=row.id,
        name=row.name,
        role=row.role,
        fingerprint=fingerprint(unb64(row.verify_key)),
        registered_at=row.registered_at,
        registered_by=row.registered_by,
        revoked=row.revoked,
        revoked_at=row.revoked_at,
        revoked_reason=row.revoked_reason,
        checkout_role=row.checkout_role,
    )


class DeviceService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # -- this device ---------------------------------------------------------------------------
    def signing_key(self) -> SigningKey:
        """This device's private key; made (and stored) the first time it is needed."""
        with self.ctx.db.session() as s:
            row = s.get(Setting, SIGNING_KEY_SETTING)
            if row is not None:
                return SigningKey(unb64(json.loads(row.value)["seed"]))
        seed = os.urandom(32)
        with self.ctx.db.transaction() as s:
            row = s.get(Setting, SIGNING_KEY_SETTING)
            if row is not None:  # another process made it meanwhile
                return SigningKey(unb64(json.loads(row.value)["seed"]))
            s.add(Setting(key=SIGNING_KEY_SETTING, value=json.dumps({"seed": b64(seed)})))
        return SigningKey(seed)

    def identity(self) -> DeviceIdentity:
        key = self.signing_key()
        return DeviceIdentity(
            device_id=self.ctx.device.id,
            name=self.ctx.device.name,
            verify_key=b64(bytes(key.verify_key)),
        )

    def role(self) -> str:
        """'field' once the database joined an office's checkout, otherwise 'office'."""
        return self.sync_settings().get("role", ROLE_OFFICE)

    def sync_settings(self) -> dict[str, Any]:
        with self.ctx.db.session() as s:
            row = s.get(Setting, SYNC_ROLE_SETTING)
            return json.loads(row.value) if row else {}

    def checkout_role(self) -> Role | None:
        """On a laptop, the access role it was checked out for (None at the office)."""
        if self.role() != ROLE_FIELD:
            return None
        value = self.sync_settings().get("access_role") or Role.FIELD.value
        try:
            return Role(value)
        except ValueError:
            return Role.FIELD

    def office_device_id(self) -> str | None:
        return self.sync_settings().get("office_id")

    def office(self) -> DeviceRecord | None:
        """The office this field device joined (its key was learnt from the first checkout)."""
        office_id = self.office_device_id()
        if office_id is None:
            return None
        with self.ctx.db.session() as s:
            row = s.get(SyncDevice, office_id)
            return _record(row) if row is not None else None

    @requires(SYNC)
    def export_identity(self, path: Path) -> DeviceIdentity:
        """Write this device's public identity, self-signed, for the office to register."""
        ident = self.identity()
        body = {
            "format": IDENTITY_FORMAT,
            "version": IDENTITY_VERSION,
            "device_id": ident.device_id,
            "name": ident.name,
            "verify_key": ident.verify_key,
            "created_at": self.ctx.clock.now().isoformat(),
        }
        signed = self.signing_key().sign(_canonical(body))
        data = dict(body, signature=b64(signed.signature))
        path = Path(path)
        tmp = path.with_name(path.name + ".partial")
        try:
            tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            # A missing folder, a full or read-only stick: say so, leave no half file behind.
            tmp.unlink(missing_ok=True)
            raise ServiceError(
                M.IDENTITY_WRITE_FAILED, path=str(path), reason=exc.strerror or str(exc)
            ) from exc
        return ident

    # -- devices this one trusts -------------------------------------------------------------
    def read_identity_file(self, path: Path) -> DeviceIdentity:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ServiceError(M.IDENTITY_UNREADABLE, name=Path(path).name) from exc
        if not isinstance(data, dict) or data.get("format") != IDENTITY_FORMAT:
            raise ServiceError(M.IDENTITY_NOT_IDENTITY, name=Path(path).name)
        if not isinstance(data.get("version"), int) or data["version"] > IDENTITY_VERSION:
            raise ServiceError(M.IDENTITY_NEWER)
        try:
            signature = unb64(data["signature"])
            verify = VerifyKey(unb64(data["verify_key"]))
            body = {k: v for k, v in data.items() if k != "signature"}
            verify.verify(_canonical(body), signature)
        except (KeyError, ValueError, TypeError, BadSignatureError) as exc:
            raise ServiceError(M.IDENTITY_TAMPERED, name=Path(path).name) from exc
        return DeviceIdentity(str(data["device_id"]), str(data["name"]), str(data["verify_key"]))

    @requires(MANAGE_DEVICES)
    def register(
        self, identity: DeviceIdentity, *, name: str | None = None, role: str = ROLE_FIELD
    ) -> DeviceRecord:
        """Trust a device's bundles. Re-registering the same key renames it; another key for a
        known device id is refused (a copied or forged identity)."""
        name = normalise_device_name(name or identity.name or "")
        if not is_device_name(name):
            raise ServiceError(M.DEVICE_NAME_INVALID, name=name)
        if identity.device_id == self.ctx.device.id:
            raise ServiceError(M.DEVICE_IS_SELF)
        with self.ctx.unit_of_work(source="device-register") as w:
            row = w.session.get(SyncDevice, identity.device_id)
            self._check_free_name(w.session, name, identity.device_id)
            if row is not None:
                if row.verify_key != identity.verify_key:
                    raise ServiceError(M.DEVICE_KEY_MISMATCH)
                if row.revoked:
                    raise ServiceError(M.DEVICE_REVOKED_NO_REREGISTER, name=row.name)
                before = {"name": row.name, "role": row.role}
                row.name, row.role = name, role
                w.session.add(row)
                w.log("sync_device", row.id, "rename", diff(before, {"name": name, "role": role}))
            else:
                row = SyncDevice(
                    id=identity.device_id,
                    name=name,
                    role=role,
                    verify_key=identity.verify_key,
                    registered_at=w.now(),
                    registered_by=self.ctx.actor,
                )
                w.session.add(row)
                w.log(
                    "sync_device",
                    row.id,
                    "register",
                    diff({}, {"name": name, "role": role, "verify_key": identity.verify_key}),
                )
            return _record(row)

    def _check_free_name(self, session: Session, name: str, device_id: str) -> None:
        """Refuse a name another device holds: this office's own (a fresh laptop arrives named
        KANTOR like every new install), a registered device's (even a revoked one: its receipt
        numbers exist), or one on receipts another device minted."""
        taken = {
            r.name for r in session.exec(select(SyncDevice).where(SyncDevice.id != device_id)).all()
        }
        own = {self.ctx.device.name, normalise_device_name(self.ctx.office.device_name)}
        on_receipts = {
            r[0]
            for r in session.execute(
                text(
                    "SELECT DISTINCT device_name FROM distribution_receipt "
                    "WHERE device_id NOT IN (:lap, :me)"
                ),
                {"lap": device_id, "me": self.ctx.device.id},
            )
        }
        suggestion = suggest_device_name(taken | own | on_receipts)
        if name in own:
            raise ServiceError(M.DEVICE_NAME_IS_OFFICE, name=name, suggestion=suggestion)
        if name in taken:
            raise ServiceError(M.DEVICE_NAME_TAKEN, name=name)
        if name in on_receipts:
            raise ServiceError(M.DEVICE_NAME_ON_RECEIPTS, name=name, suggestion=suggestion)

    @requires(MANAGE_DEVICES)
    def suggested_name(self) -> str:
        """A free name for the next laptop (LAP01, LAP02, …), for the register form."""
        with self.ctx.db.session() as s:
            taken = {r.name for r in s.exec(select(SyncDevice)).all()}
        return suggest_device_name(taken | {self.ctx.device.name, self.ctx.office.device_name})

    @requires(MANAGE_DEVICES)
    def revoke(self, device_id: str, reason: str) -> DeviceRecord:
        if not reason.strip():
            raise ServiceError(M.REVOKE_REASON_REQUIRED)
        with self.ctx.unit_of_work(source="device-revoke") as w:
            row = self._find(w.session, device_id)
            if row.revoked:
                raise ServiceError(M.DEVICE_ALREADY_REVOKED, name=row.name)
            row.revoked = True
            row.revoked_at = w.now()
            row.revoked_reason = reason.strip()
            w.session.add(row)
            w.log("sync_device", row.id, "revoke", {"revoked": [False, True]})
            return _record(row)

    @requires(READ_QUEUES)
    def devices(self) -> list[DeviceRecord]:
        with self.ctx.db.session() as s:
            rows = s.exec(select(SyncDevice).order_by(SyncDevice.name)).all()
            return [_record(r) for r in rows]

    def get(self, device_id: str) -> DeviceRecord:
        with self.ctx.db.session() as s:
            return _record(self._find(s, device_id))

    def trusted_key(self, device_id: str) -> VerifyKey:
        """The public key of a registered, non-revoked device, or a refusal."""
        with self.ctx.db.session() as s:
            row = s.get(SyncDevice, device_id)
        if row is None:
            raise ServiceError(M.DEVICE_UNKNOWN)
        if row.revoked:
            raise ServiceError(
                M.DEVICE_REVOKED, name=row.name, reason=row.revoked_reason or "tanpa alasan"
            )
        return VerifyKey(unb64(row.verify_key))

    def _find(self, session: Session, device_id: str) -> SyncDevice:
        row = session.get(SyncDevice, device_id)
        if row is None:
            matches = session.exec(
                select(SyncDevice).where(SyncDevice.name == normalise_device_name(device_id))
            ).all()
            if len(matches) == 1:
                return matches[0]
            raise ServiceError(M.DEVICE_NOT_REGISTERED, device=device_id)
        return row

    def rename_self(self, name: str) -> None:
        """Adopt the name the office assigned (receipt numbers carry it)."""
        with self.ctx.db.transaction() as s:
            row = s.get(Setting, DEVICE_KEY)
            data = json.loads(row.value) if row else {"id": self.ctx.device.id}
            data["name"] = name
            if row is None:
                row = Setting(key=DEVICE_KEY, value="{}")
            row.value = json.dumps(data)
            s.add(row)
        self.ctx.device = Device(self.ctx.device.id, name)


def _canonical(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
