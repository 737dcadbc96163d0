"""Whose signature is whose: this device's signing key and the public keys of the devices whose
receipts it may have to verify offline.

The office knows every registered laptop (`sync_device`). A laptop knows the office from its
checkout, and learns the other devices' public keys from the list the office puts in every
bundle it sends (`signer_keys_for_bundle`), kept in a setting: keys to *verify* receipts with,
not devices whose bundles it accepts (it accepts bundles only from its office).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nacl.signing import SigningKey
from sqlmodel import Session, select

from desktop_app.domain.values import as_utc
from desktop_app.services.context import AppContext
from desktop_app.storage.db import WriteFailedError
from desktop_app.storage.models import Setting
from desktop_app.storage.sync_models import SyncDevice

__all__ = [
    "SIGNER_KEYS_SETTING",
    "SignerKey",
    "device_signing_key",
    "remember_signer_keys",
    "signer_keys",
    "signer_keys_for_bundle",
]

SIGNER_KEYS_SETTING = "signer_keys"
_MAX_SIGNERS = 2000  # an office has tens of laptops; anything bigger is not a key list


@dataclass(frozen=True)
class SignerKey:
    device_id: str
    name: str
    verify_key: bytes  # Ed25519 public key, 32 bytes
    revoked_at: datetime | None = None


def device_signing_key(ctx: AppContext) -> SigningKey:
    """This device's own Ed25519 key (the one its sync bundles are signed with)."""
    # Imported here: the sync package imports distribution, which signs with this key.
    from desktop_app.services.sync import DeviceService

    try:
        return DeviceService(ctx).signing_key()
    except WriteFailedError:
        # Two programs on one file made the first key at the same moment and this one lost
        # the race: the winner's key is there now.
        return DeviceService(ctx).signing_key()


def _key_bytes(text: Any) -> bytes | None:
    if not isinstance(text, str) or len(text) > 64:
        return None
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    return raw if len(raw) == 32 else None


def signer_keys(ctx: AppContext) -> dict[str, SignerKey]:
    """device id -> key of every device whose signatures this database can check."""
    out: dict[str, SignerKey] = {}
    with ctx.db.session() as s:
        row = s.get(Setting, SIGNER_KEYS_SETTING)
        learnt = json.loads(row.value) if row is not None else []
        for item in learnt if isinstance(learnt, list) else []:
            key = _parse_item(item)
            if key is not None:
                out[key.device_id] = key
        # Registered devices (the office's list; on a laptop: its office) override the list a
        # bundle brought.
        for dev in s.exec(select(SyncDevice)).all():
            raw = _key_bytes(dev.verify_key)
            if raw is not None:
                revoked = as_utc(dev.revoked_at) if dev.revoked else None
                out[dev.id] = SignerKey(dev.id, dev.name, raw, revoked)
    own = device_signing_key(ctx)
    out[ctx.device.id] = SignerKey(ctx.device.id, ctx.device.name, bytes(own.verify_key))
    return out


def _parse_item(item: Any) -> SignerKey | None:
    if not isinstance(item, dict):
        return None
    device_id, name = item.get("device_id"), item.get("name")
    raw = _key_bytes(item.get("verify_key"))
    if not isinstance(device_id, str) or not isinstance(name, str) or raw is None:
        return None
    revoked: datetime | None = None
    if item.get("revoked_at"):
        try:
            revoked = as_utc(str(item["revoked_at"]))
        except ValueError:
            return None
    return SignerKey(device_id[:64], name[:16], raw, revoked)


def signer_keys_for_bundle(ctx: AppContext) -> list[dict[str, Any]]:
    """The public keys an office hands its laptops: its own and every registered device's
    (revoked ones too, with the time, so their earlier receipts still verify)."""
    keys = signer_keys(ctx)
    return [
        {
            "device_id": k.device_id,
            "name": k.name,
            "verify_key": base64.b64encode(k.verify_key).decode("ascii"),
            "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
        }
        for k in sorted(keys.values(), key=lambda k: k.name)
    ]


def remember_signer_keys(session: Session, items: Any) -> int:
    """Keep the key list the office sent (inside the caller's transaction); malformed items
    are skipped. Not change-logged: public keys, re-sent with every bundle. Returns how many
    were kept."""
    if not isinstance(items, list) or len(items) > _MAX_SIGNERS:
        return 0
    keys = [k for k in (_parse_item(i) for i in items) if k is not None]
    value = json.dumps(
        [
            {
                "device_id": k.device_id,
                "name": k.name,
                "verify_key": base64.b64encode(k.verify_key).decode("ascii"),
                "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
            }
            for k in keys
        ]
    )
    row = session.get(Setting, SIGNER_KEYS_SETTING) or Setting(key=SIGNER_KEYS_SETTING, value="[]")
    row.value = value
    session.add(row)
    return len(keys)
