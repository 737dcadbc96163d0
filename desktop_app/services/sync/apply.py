"""Bundles in: verify, then merge every entry in one transaction; a checkout makes this database
the office's field laptop. Importing is idempotent by change id, and changes stamped implausibly
far in the future are held in quarantine instead of being applied."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from sqlalchemy import func, select, text
from sqlmodel import Session, col

from desktop_app.domain.clock import Timestamp
from desktop_app.domain.devices import DEFAULT_DEVICE_NAME, is_device_name
from desktop_app.domain.errors import Refusal
from desktop_app.domain.office import OfficeProfile
from desktop_app.domain.receipts import decode_signature, receipt_signed_bytes
from desktop_app.services.context import OFFICE_KEY, Device, ServiceError, UnitOfWork
from desktop_app.services.distribution import RECEIPT_KEY
from desktop_app.services.signing import SignatureChecker, remember_signer_keys
from desktop_app.services.sync import messages as M
from desktop_app.services.sync.access import SYNC, requires
from desktop_app.services.sync.authority import Violation, hold_dependents, load_authority
from desktop_app.services.sync.base import BUNDLE_SUFFIX, FUTURE_LIMIT_MS, BundleRefused, StageHook
from desktop_app.services.sync.bundle import (
    BundleError,
    Manifest,
    OpenedBundle,
    open_bundle,
    read_bundle_file,
)
from desktop_app.services.sync.continuity import altered_entry, check_return_chain
from desktop_app.services.sync.devices import (
    ROLE_FIELD,
    ROLE_OFFICE,
    SYNC_ROLE_SETTING,
    b64,
    fingerprint,
    fingerprint_matches,
    join_code_matches,
    safe_name,
    unb64,
)
from desktop_app.services.sync.double_claims import claim_candidates, open_claims
from desktop_app.services.sync.export import SyncExport
from desktop_app.services.sync.merge import POLICIES, Entry, Merger, known_change_ids, tuples_in
from desktop_app.services.sync.records import bundle_row, open_conflict_count, peer_row, wall_ms
from desktop_app.services.sync.views import ENTITY_LABELS, ExportResult, ImportResult, JoinOffer
from desktop_app.storage.db import WriteFailedError
from desktop_app.storage.models import ChangeLog, Setting
from desktop_app.storage.sync_models import SyncBundle, SyncDevice, SyncQuarantine

__all__ = [
    "JoinNeedsConfirmation",
    "ReceiptSignatures",
    "SyncApply",
    "held_entities",
    "quarantined_ids",
    "receipt_signature_check",
]

# The first schema whose receipts are signed by their device (storage migration step 7).
SIGNED_RECEIPTS_SCHEMA = 7

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _refusing_incomplete(apply: Callable[_P, _R]) -> Callable[_P, _R]:
    """A bundle whose rows point at parents it does not carry fails on the deferred foreign
    keys at commit: refuse it as incomplete instead of surfacing a write failure."""

    @functools.wraps(apply)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return apply(*args, **kwargs)
        except WriteFailedError as exc:
            if "FOREIGN KEY" not in exc.detail.upper():
                raise
            raise BundleRefused(M.BUNDLE_INCOMPLETE) from exc

    return wrapper


class _SignaturesRecheck(Exception):  # noqa: N818 - a signal inside the import, not an error
    """A receipt screened as signed turned out not to be: roll back and screen again."""


class JoinNeedsConfirmation(BundleRefused):
    """A first join waits for the person at the laptop to confirm the office (exit code 2);
    `params` carry the office name and the fingerprint to show."""


def _import_result(m: Manifest, *, already_imported: bool, open_conflicts: int) -> ImportResult:
    """The result of importing the bundle `m` describes, before the import's own counts."""
    return ImportResult(
        bundle_id=m.bundle_id,
        kind=m.kind,
        from_device=m.from_device,
        from_name=m.from_name,
        already_imported=already_imported,
        entries=m.entries,
        open_conflicts=open_conflicts,
        counts=m.counts,
    )


class SyncApply(SyncExport):
    """Importing and joining; an office answers a return bundle with an ack (so it exports too)."""

    @requires(SYNC)
    def import_bundle(
        self,
        path: Path,
        *,
        ack_path: Path | None = None,
        make_ack: bool = True,
        on_stage: StageHook | None = None,
    ) -> ImportResult:
        """Verify and merge a bundle in one transaction. At the office, a return bundle is
        answered with an acknowledgement written to `ack_path` (default: beside the bundle)."""
        # From the first read: a collection owed from earlier work would otherwise fall into
        # the bundle's verification (a full one: about 0.05 s in an office database's process).
        with _cyclic_gc_paused():
            return self._import_bundle(path, ack_path, make_ack, on_stage)

    def _import_bundle(
        self, path: Path, ack_path: Path | None, make_ack: bool, on_stage: StageHook | None
    ) -> ImportResult:
        path = Path(path)
        opened = self._open_file(path)
        m = opened.manifest
        if m.kind == "checkout":
            return self.join_opened(opened, path, on_stage=on_stage)
        if m.kind == "return" and self.role() == ROLE_FIELD:
            raise BundleRefused(M.RETURN_AT_OFFICE)
        if m.kind == "ack" and self.role() != ROLE_FIELD:
            raise BundleRefused(M.ACK_FOR_FIELD)
        result = self._apply(opened, path, on_stage=on_stage)
        if m.kind == "return" and make_ack:
            # Also for a bundle imported before: the laptop may have lost the first ack.
            target = ack_path or path.with_name(
                f"berdaya-ack-{safe_name(m.from_name)}-{self.ctx.clock.now():%Y%m%d-%H%M%S}-"
                f"{m.bundle_id[-6:]}{BUNDLE_SUFFIX}"
            )
            ack = self._export(target, m.from_device, "ack")
            result = _with_ack(result, ack)
        return result

    @requires(SYNC)
    def join(
        self,
        path: Path,
        *,
        on_stage: StageHook | None = None,
        confirm_fingerprint: str | None = None,
        code: str | None = None,
    ) -> ImportResult:
        """Open a checkout bundle: a fresh database becomes the office's field database for that
        round (or an already joined one adds the round). A first join needs the person at the
        laptop to confirm the office's key fingerprint or type the checkout's one-time code."""
        path = Path(path)
        opened = self._open_file(path)
        if opened.manifest.kind != "checkout":
            raise BundleRefused(M.NOT_A_CHECKOUT)
        return self.join_opened(
            opened, path, on_stage=on_stage, confirm_fingerprint=confirm_fingerprint, code=code
        )

    @requires(SYNC)
    def join_offer(self, path: Path) -> JoinOffer | None:
        """What a person must confirm before this database joins the checkout at `path`: the
        office's name and fingerprint. None when no confirmation is needed (not a checkout, or
        this laptop already trusts its office). Verifies the bundle; writes nothing."""
        path = Path(path)
        opened = self._open_file(path)
        m = opened.manifest
        if m.kind != "checkout" or self.role() == ROLE_FIELD:
            return None
        office = m.extra.get("office")
        office = office if isinstance(office, dict) else {}
        carries = m.extra.get("carries")
        return JoinOffer(
            bundle_id=m.bundle_id,
            office_name=safe_name(str(office.get("name") or ""), DEFAULT_DEVICE_NAME),
            office_fingerprint=fingerprint(unb64(m.sender_key)),
            device_name=safe_name(str(m.extra.get("device_name") or "")),
            counts=dict(carries) if isinstance(carries, dict) else dict(m.counts),
        )

    def join_opened(
        self,
        opened: OpenedBundle,
        path: Path,
        *,
        on_stage: StageHook | None = None,
        confirm_fingerprint: str | None = None,
        code: str | None = None,
    ) -> ImportResult:
        m = opened.manifest
        office = m.extra.get("office") or {}
        if not isinstance(office, dict) or not is_device_name(
            str(m.extra.get("device_name") or "")
        ):
            # The name becomes this laptop's receipt prefix: only a well-formed one is adopted.
            raise BundleRefused(M.CHECKOUT_NAME_INVALID)
        self._check_assigned_name(opened, office)
        if self.role() != ROLE_FIELD:
            with self.ctx.db.session() as s:
                used = s.execute(
                    select(func.count())
                    .select_from(ChangeLog)
                    .where(col(ChangeLog.entity).in_(list(POLICIES)))
                ).scalar_one()
            if used:
                raise BundleRefused(M.JOIN_DATABASE_IN_USE)
            # First contact: the key in the bundle is trusted only once a person confirmed it
            # came from their office, by the fingerprint or the checkout's one-time code seen at
            # the office (never from the stick the bundle came on).
            self._confirm_office(m, office, confirm_fingerprint, code)
        # An already joined laptop checked the sender against its office's key in _sender_key.
        return self._apply(opened, path, on_stage=on_stage, office=office)

    def _check_assigned_name(self, opened: OpenedBundle, office: dict[str, Any]) -> None:
        """Refuse to become a device whose name another device already mints numbers under:
        the office's own name (an office that registered a fresh laptop as KANTOR), or the name
        on receipts in this checkout made by another device. Either way this laptop's first
        receipt would repeat a number the office holds, and every receipt would fail."""
        name = str(opened.manifest.extra.get("device_name") or "")
        profile = opened.manifest.extra.get("office_profile")
        office_names = {safe_name(str(office.get("name") or ""), "")}
        if isinstance(profile, dict):
            office_names.add(safe_name(str(profile.get("device_name") or ""), ""))
        if name in office_names:
            raise BundleRefused(M.CHECKOUT_NAME_CLASH, name=name)
        for wire in opened.payload.get("entries", []):
            if not isinstance(wire, dict) or wire.get("entity") != "distribution_receipt":
                continue
            if wire.get("device_id") == self.ctx.device.id:
                continue  # this laptop's own receipts, back in a later checkout
            changes = wire.get("changes")
            if isinstance(changes, str):
                try:
                    changes = json.loads(changes)
                except ValueError:
                    continue  # a damaged entry is refused by the merge, with its own message
            minted = changes.get("device_name") if isinstance(changes, dict) else None
            if isinstance(minted, list) and minted[-1:] == [name]:
                raise BundleRefused(M.CHECKOUT_NAME_CLASH, name=name)

    def _confirm_office(
        self,
        m: Manifest,
        office: dict[str, Any],
        confirm_fingerprint: str | None,
        code: str | None,
    ) -> None:
        key = unb64(m.sender_key)
        shown = fingerprint(key)
        if code:
            if not join_code_matches(code, m.bundle_id, m.sender_key):
                raise BundleRefused(M.JOIN_CODE_MISMATCH)
            return
        if confirm_fingerprint:
            if not fingerprint_matches(confirm_fingerprint, key):
                raise BundleRefused(
                    M.JOIN_FINGERPRINT_MISMATCH,
                    given=confirm_fingerprint.strip()[:40],
                    fingerprint=shown,
                )
            return
        raise JoinNeedsConfirmation(
            M.JOIN_CONFIRM_OFFICE,
            office=safe_name(str(office.get("name") or ""), DEFAULT_DEVICE_NAME),
            fingerprint=shown,
        )

    def _open_file(self, path: Path) -> OpenedBundle:
        try:
            data = read_bundle_file(path)
        except OSError as exc:
            raise BundleRefused(M.BUNDLE_UNREADABLE, name=path.name) from exc
        except BundleError as exc:
            raise BundleRefused(exc.msg, **exc.params) from exc
        return self._open(data)

    def _open(self, data: bytes) -> OpenedBundle:
        try:
            return open_bundle(
                data,
                self.ctx.device.id,
                self.devices.signing_key(),
                lambda h, m: self._sender_key(h, m),
            )
        except (BundleError, ServiceError) as exc:
            # The same refusal (and code), as the one type callers expect from an import.
            raise BundleRefused(exc.msg, **exc.params) from exc

    def _sender_key(self, header: dict[str, Any], m: Manifest) -> VerifyKey:
        if m.kind == "checkout" and self.role() != ROLE_FIELD:
            office = m.extra.get("office") or {}
            if (
                not isinstance(office, dict)
                or office.get("device_id") != header["from"]
                or office.get("verify_key") != m.sender_key
            ):
                raise BundleError(M.CHECKOUT_OFFICE_MISMATCH)
            # First contact: trust the office key the bundle declares (shown as a fingerprint
            # for the officer to compare); from now on only that key is accepted.
            return VerifyKey(unb64(m.sender_key))
        if self.role() == ROLE_FIELD and header["from"] != self._office_id():
            raise BundleError(M.FOREIGN_OFFICE)
        key = self.devices.trusted_key(header["from"])
        if b64(bytes(key)) != m.sender_key:
            raise BundleError(M.SENDER_KEY_MISMATCH)
        return key

    @_refusing_incomplete
    def _apply(
        self,
        opened: OpenedBundle,
        path: Path,
        *,
        on_stage: StageHook | None = None,
        office: dict[str, Any] | None = None,
    ) -> ImportResult:
        m = opened.manifest
        with self.ctx.db.session() as s:
            if s.get(SyncBundle, m.bundle_id) is not None:
                return _import_result(
                    m, already_imported=True, open_conflicts=open_conflict_count(s)
                )
        with _cyclic_gc_paused(), _quick_gil_handoff():
            return self._apply_new(opened, path, on_stage=on_stage, office=office)

    def _apply_new(
        self,
        opened: OpenedBundle,
        path: Path,
        *,
        on_stage: StageHook | None,
        office: dict[str, Any] | None,
    ) -> ImportResult:
        m = opened.manifest
        signatures: ReceiptSignatures | None = None
        if m.kind == "return":
            # Only a laptop's bundle brings receipts the rules admit; the keys they are checked
            # with are the office's own list, which importing a return bundle leaves alone (a
            # checkout or an ack may bring keys: their checker is made once they are stored).
            # The threads start with the first entries read and run while the rest are read and
            # the chain and the rules checked; entries found already known are not asked about.
            signatures = ReceiptSignatures(SignatureChecker(self.ctx))
        try:
            wires = opened.payload.get("entries", [])
            if signatures is not None:
                signatures.begin(len(wires))
            incoming: list[Entry] = []
            for i in range(0, len(wires), _READ_CHUNK):
                part = [Entry.from_wire(e) for e in wires[i : i + _READ_CHUNK]]
                incoming.extend(part)
                if signatures is not None:
                    signatures.feed(part)
        except BaseException as exc:
            if signatures is not None:
                signatures.abandon()
            if isinstance(exc, BundleError):
                raise BundleRefused(exc.msg, **exc.params) from exc
            if isinstance(exc, ValueError | TypeError | KeyError):
                raise BundleRefused(M.BUNDLE_ENTRIES_DAMAGED) from exc
            raise
        if signatures is not None:
            signatures.finish()
        # Receipts still being verified are screened as valid first; in the rare bundle with a
        # bad signature, the transaction is rolled back and run again with the verdicts.
        attempts = (True, False) if signatures is not None else (False,)
        for optimistic in attempts:
            try:
                return self._merge_in(
                    opened, path, incoming, office, on_stage, signatures, optimistic=optimistic
                )
            except _SignaturesRecheck:
                continue
            except Exception:
                # What failed under a wrong guess is not this bundle's answer: the next attempt,
                # with every verdict known, gives it (an error under a right guess is it).
                if optimistic and signatures is not None and not signatures.confirmed():
                    continue
                raise
        raise AssertionError("the last attempt knows every verdict")  # pragma: no cover

    def _merge_in(
        self,
        opened: OpenedBundle,
        path: Path,
        incoming: list[Entry],
        office: dict[str, Any] | None,
        on_stage: StageHook | None,
        signatures: ReceiptSignatures | None,
        *,
        optimistic: bool,
    ) -> ImportResult:
        """Screen, merge and record the bundle's new entries in one transaction."""
        m = opened.manifest
        with self.ctx.unit_of_work(source=f"sync:{m.bundle_id}") as w:
            s = w.session
            # The driver opens the transaction lazily at the first write; the pragma only holds
            # inside a transaction, so start it with a write that changes nothing. Parents and
            # children may then arrive in any order within the bundle.
            s.execute(text("UPDATE sync_peer SET device_id = device_id WHERE 0"))
            s.execute(text("PRAGMA defer_foreign_keys = ON"))
            adopted = self._become_field(w, m, office) if office else None
            if office or self.role() == ROLE_FIELD:  # only the office's list (sender checked)
                remember_signer_keys(s, m.extra.get("signer_keys"))
            unique: dict[str, Entry] = {}
            for e in incoming:
                unique.setdefault(e.id, e)
            ids = list(unique)
            known = known_change_ids(s, ids)
            if s.execute(text("SELECT 1 FROM sync_quarantine LIMIT 1")).first() is not None:
                known |= quarantined_ids(s, ids)
            fresh = [e for e in unique.values() if e.id not in known]
            chain_violation = self._check_chain(s, m, opened.payload, incoming, fresh)
            held, ok = self._screen(s, m, fresh, chain_violation, signatures, optimistic)
            for e, violation in held:
                s.add(
                    SyncQuarantine(
                        change_id=e.id,
                        bundle_id=m.bundle_id,
                        device_id=e.device_id,
                        hlc=e.hlc,
                        entry=json.dumps(e.to_wire(), ensure_ascii=False),
                        reason=violation.as_json(),
                        received_at=w.now(),
                    )
                )
            claim_rosters = claim_candidates(s, ok)
            claims_before = open_claims(s, list(claim_rosters))
            merger = Merger(s, w.now())
            merged = merger.apply(ok)
            for entity, touched in merged.touched.items():
                # Merged entries keep their own batch ids; count them in this import's change
                # set so the open tabs refresh.
                w.record(entity, touched)
            if on_stage:
                on_stage("applied")
            merger.store(ok)
            if on_stage:
                on_stage("stored")
            double_claims = len(open_claims(s, list(claim_rosters)) - claims_before)
            self._update_marks(s, m)
            if ok:
                w.last_stamp = self.ctx.hlc.observe(_newest_stamp(ok))
            s.add(
                bundle_row(
                    m,
                    "in",
                    path,
                    opened.size_bytes,
                    w.now(),
                    applied=len(ok),
                    conflicts=merged.new_conflicts,
                    quarantined=len(held),
                    double_claims=double_claims,
                )
            )
            if on_stage:
                on_stage("marked")
            if optimistic and signatures is not None and not signatures.confirmed():
                # A receipt's signature did not hold: undo, and screen again knowing which.
                raise _SignaturesRecheck
            open_conflicts = open_conflict_count(s)
        if adopted is not None:
            self.ctx.device, self.ctx.office = adopted
        return dataclasses.replace(
            _import_result(m, already_imported=False, open_conflicts=open_conflicts),
            applied=len(ok),
            inserted=merged.inserted,
            updated=merged.updated,
            pending=merged.pending,
            new_conflicts=merged.new_conflicts,
            quarantined=len(held),
            double_claims=double_claims,
        )

    def _check_chain(
        self,
        s: Session,
        m: Manifest,
        payload: dict[str, Any],
        incoming: Sequence[Entry],
        fresh: Sequence[Entry],
    ) -> Violation | None:
        """At the office, whether a return bundle continues the laptop's change-log chain as
        last accepted (continuity.py); moves the accepted head. The violation holds every new
        entry of the laptop; an older bundle whose entries are all known changes nothing."""
        if m.kind != "return":
            return None
        peer = peer_row(s, m.from_device)
        sender = s.get(SyncDevice, m.from_device)
        name = sender.name if sender is not None else m.from_name
        check = check_return_chain(m, payload, incoming, peer.chain_hash, name)
        if not any(e.device_id == m.from_device for e in fresh):
            if check.violation is None and check.head is not None:
                peer.chain_hash = check.head
            return None
        if check.head is not None:
            # Flagged once: the entries that follow continue from what the laptop holds now.
            peer.chain_hash = check.head
        s.add(peer)
        return check.violation

    def _screen(
        self,
        s: Session,
        m: Manifest,
        fresh: list[Entry],
        chain_violation: Violation | None = None,
        signatures: ReceiptSignatures | None = None,
        optimistic: bool = False,
    ) -> tuple[list[tuple[Entry, Violation]], list[Entry]]:
        """Hold back every entry the sender had no authority to make (see authority.py), that
        does not match its hash or breaks the sender's chain (`chain_violation`), and whatever
        depends on a held entry; returns (held with reasons, entries to merge)."""
        now_ms = max(self.ctx.hlc.physical_ms(), _ms(self.ctx.clock.now()))
        sender = s.get(SyncDevice, m.from_device)
        auth = load_authority(
            s,
            receiver_id=self.ctx.device.id,
            # A return bundle comes from a laptop; checkouts and acks from the office.
            receiver_role=ROLE_OFFICE if m.kind == "return" else ROLE_FIELD,
            sender_id=m.from_device,
            sender_name=sender.name if sender is not None else m.from_name,
            created_hlc=m.created_hlc,
            now_ms=now_ms,
            entries=fresh,
            known_region=lambda code: self.ctx.regions.get(code) is not None,
            today=self.ctx.clock.today(),
        )
        # Receipts from app versions before signing (schema < 7) carry no signature; newer ones
        # must carry a valid one of their device.
        checker = signatures.checker if signatures is not None else SignatureChecker(self.ctx)
        auth.receipt_signature = receipt_signature_check(
            checker, require_signature=m.schema_version >= SIGNED_RECEIPTS_SCHEMA
        )
        if signatures is not None:
            # Optimistic: every receipt handed to the threads counts as signed until they are
            # done; the caller redoes the import should one of them not be.
            auth.signed_receipts = signatures.submitted if optimistic else signatures.verified()
            signatures.relied_on = auth.relied_on  # this screening's, read by confirmed()
        held: list[tuple[Entry, Violation]] = []
        passed: list[Entry] = []
        # In clock order, so a row's creation is admitted before the entries that use it.
        for e in sorted(fresh, key=lambda x: (x.hlc, x.id)):
            violation: Violation | None
            if wall_ms(e.hlc) > now_ms + FUTURE_LIMIT_MS:
                # Far ahead of this computer: released later with the then current time.
                violation = Violation(M.RULE_CLOCK_FAR_AHEAD)
            else:
                violation = auth.check(e)
            # The more specific reason first; a broken chain holds whatever else passed.
            if violation is None and altered_entry(e, m):
                violation = Violation(M.RULE_CHAIN_ALTERED, {"device": auth.sender_name})
            if violation is None and e.device_id == m.from_device:
                violation = chain_violation
            if violation is None:
                auth.admit(e)
                passed.append(e)
            else:
                held.append((e, violation))
        waiting_on = {e.entity_id for e, _ in held if _creates(e)} | held_entities(s)
        ok, waiting = hold_dependents(passed, waiting_on)
        for e in waiting:
            held.append(
                (
                    e,
                    Violation(
                        M.RULE_DEPENDS_ON_HELD,
                        {
                            "device": auth.sender_name,
                            "entity": ENTITY_LABELS.get(e.entity, e.entity),
                        },
                    ),
                )
            )
        return held, ok

    def _become_field(
        self, w: UnitOfWork, m: Manifest, office: dict[str, Any]
    ) -> tuple[Device, OfficeProfile]:
        """Record the office, the role, the assigned name and the office profile; the caller
        adopts the returned device and profile once the transaction has committed."""
        s = w.session
        settings = s.get(Setting, SYNC_ROLE_SETTING)
        current = json.loads(settings.value) if settings else {}
        if current.get("role") == ROLE_FIELD and current.get("office_id") != office["device_id"]:
            raise BundleRefused(M.JOINED_OTHER_OFFICE)
        if s.get(SyncDevice, office["device_id"]) is None:
            s.add(
                SyncDevice(
                    id=office["device_id"],
                    name=safe_name(str(office.get("name") or ""), DEFAULT_DEVICE_NAME),
                    role=ROLE_OFFICE,
                    verify_key=office["verify_key"],
                    registered_at=w.now(),
                    registered_by=self.ctx.actor,
                )
            )
        rounds = list(current.get("rounds", []))
        if m.extra.get("round_id") and m.extra["round_id"] not in rounds:
            rounds.append(m.extra["round_id"])
        # The role this laptop was checked out for (Petugas lapangan before checkouts said so).
        access_role = str(m.extra.get("access_role") or current.get("access_role") or "field")
        value = json.dumps(
            {
                "role": ROLE_FIELD,
                "office_id": office["device_id"],
                "rounds": rounds,
                "access_role": access_role,
            }
        )
        if settings is None:
            s.add(Setting(key=SYNC_ROLE_SETTING, value=value))
        else:
            settings.value = value
            s.add(settings)
        name = str(m.extra.get("device_name") or self.ctx.device.name)
        profile = OfficeProfile.from_dict(dict(m.extra.get("office_profile") or {}))
        profile.device_name = name
        row = s.get(Setting, OFFICE_KEY) or Setting(key=OFFICE_KEY, value="{}")
        row.value = json.dumps(profile.to_dict(), ensure_ascii=False)
        s.add(row)
        device_row = s.get(Setting, "device")
        device_data = json.loads(device_row.value) if device_row else {"id": self.ctx.device.id}
        device_data["name"] = name
        device_row = device_row or Setting(key="device", value="{}")
        device_row.value = json.dumps(device_data)
        s.add(device_row)
        receipt_key = m.extra.get("receipt_key")
        if receipt_key and s.get(Setting, RECEIPT_KEY) is None:
            s.add(Setting(key=RECEIPT_KEY, value=json.dumps(receipt_key)))
        w.log("setting", SYNC_ROLE_SETTING, "join", {"office_id": [None, office["device_id"]]})
        floor = m.extra.get("clock_floor")
        if floor:
            w.last_stamp = self.ctx.hlc.observe(Timestamp.decode(floor))
        return Device(self.ctx.device.id, name), profile

    def _update_marks(self, s: Session, m: Manifest) -> None:
        peer = peer_row(s, m.from_device)
        if m.seq_from <= peer.received_upto + 1:
            peer.received_upto = max(peer.received_upto, m.seq_to)
        if m.created_hlc > peer.last_ack_hlc:
            # The newest word of the peer counts, even if lower: a peer restored from a backup
            # asks again for what it lost.
            peer.delivered_upto = m.received_upto
            peer.last_ack_hlc = m.created_hlc
        s.add(peer)


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a bundle is imported.

    An import allocates tens of thousands of objects that live until it ends (entries, their
    fields, rows); every few hundred of them the collector would walk the young ones, and now
    and then every object of the app (SQLAlchemy's metadata, the GUI): about 0.15 s of CPU for
    8,000 receipts. Reference counting still frees what the import drops; the collector resumes
    (if it was on) when the import ends, however it ends."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# How soon the interpreter hands its lock to a thread that asks for it, during an import.
_HANDOFF_S = 0.00005


@contextlib.contextmanager
def _quick_gil_handoff() -> Iterator[None]:
    """Let the signature threads have the interpreter lock within 50 µs instead of 5 ms.

    A thread checks one signature in libsodium (about 55 µs, outside the lock), then needs the
    lock for a few µs to take the next one. With Python's default switch interval of 5 ms it
    waits up to that long each time while the importing thread runs Python, so nearly all the
    checks were left for the end and the threads barely overlapped the import. The setting is
    the process's: put back when the import ends, however it ends."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, _HANDOFF_S))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


# An HLC stamp in its encoded form (domain/clock.py): for these the text order is the
# stamps' order, so the newest is found without decoding each one.
_STAMP_TEXT = re.compile(r"[0-9]{13}-[0-9]{5}-.", re.DOTALL)


def _newest_stamp(entries: Sequence[Entry]) -> Timestamp:
    """The newest clock stamp of these entries (ValueError if one is not a stamp)."""
    stamps = [e.hlc for e in entries]
    if all(_STAMP_TEXT.match(h) for h in stamps):
        return Timestamp.decode(max(stamps))
    return max(Timestamp.decode(h) for h in stamps)


def _creates(e: Entry) -> bool:
    try:
        return e.is_create
    except ValueError:
        return False


_RECEIPT = "distribution_receipt"
_JOBS_PER_THREAD = 500  # bundles of fewer entries have their receipts checked on the caller
_THREADS = 0  # signature threads; 0: one fewer than the cores (at least one)
# Receipts a thread takes at once (about 20 ms of work): the first start while the bundle is
# still read, and the importing thread checks those no thread has begun once it needs them.
_SIGN_CHUNK = 250
_READ_CHUNK = 1000  # entries read before their receipts are handed to the threads


def _verified_ids(jobs: Sequence[tuple[str, Mapping[str, Any], bytes]]) -> list[str]:
    """The ids of the receipts whose signature is their device's signature of their fields
    (`jobs`: entry id, receipt fields, the device's public key). Pure: runs on a worker thread."""
    out: list[str] = []
    for entry_id, fields, key in jobs:
        signature = decode_signature(str(fields.get("signature") or ""))
        if signature is None:
            continue
        try:
            crypto_sign_open(signature + receipt_signed_bytes(fields), key)
        except (BadSignatureError, KeyError, ValueError, TypeError):
            continue
        out.append(entry_id)
    return out


_Job = tuple[str, Mapping[str, Any], bytes]


class ReceiptSignatures:
    """Every receipt signature of a return bundle checked at once, off the interpreter lock.

    libsodium's check (about 55 µs a receipt) releases the GIL, so the bundle's receipts go to
    a thread as they are read (`begin`, `feed`, `finish`; or `start` with all of them) while
    the import reads the rest and what the rules need; `verified` waits for them, checking
    itself the chunks no thread has begun. Which receipts verified depends only on the receipts
    and the keys, never on who checked them or in which order, so refusals and the quarantine
    stay the same run after run. A receipt that does not verify here is explained by the
    checker (`receipt_signature_check`)."""

    def __init__(self, checker: SignatureChecker) -> None:
        self.checker = checker
        self.submitted: set[str] = set()  # the receipts being checked (entry ids)
        self.relied_on: set[str] = set()  # those the rules let through as signed (Authority)
        self._futures: list[tuple[Future[list[str]], list[_Job]]] = []
        self._verified: set[str] | None = None
        self._keys: dict[str, Any] = {}
        self._seen: set[str] = set()
        self._pending: list[_Job] = []
        self._pool: ThreadPoolExecutor | None = None

    def start(self, entries: Sequence[Entry]) -> None:
        """Begin checking the signatures of these entries' receipts."""
        self.begin(len(entries))
        self.feed(entries)
        self.finish()

    def begin(self, expected: int) -> None:
        """Get ready for a bundle of `expected` entries: threads only for a large one."""
        self._keys = self.checker.keys()
        if expected >= _JOBS_PER_THREAD:
            # One core stays with the importing thread, which reads and screens meanwhile.
            cores = _THREADS or (os.cpu_count() or 1) - 1
            workers = max(1, min(cores, expected // _JOBS_PER_THREAD))
            self._pool = ThreadPoolExecutor(
                max_workers=workers, thread_name_prefix="berdaya-verify"
            )

    def feed(self, entries: Sequence[Entry]) -> None:
        """Hand over the receipts among these entries (in bundle order). Like the import, only
        the first entry of an id counts (a second one under the same id is never applied)."""
        for e in entries:
            if e.id in self._seen:
                continue
            self._seen.add(e.id)
            if e.entity != _RECEIPT:
                continue
            try:
                fields = e.values
            except (ValueError, TypeError, IndexError, AttributeError):
                continue  # a malformed entry is refused by the rules, with its own message
            key = self._keys.get(str(fields.get("device_id") or ""))
            if key is not None and key.revoked_at is None and fields.get("signature"):
                self._pending.append((e.id, fields, key.verify_key))
                self.submitted.add(e.id)
        if self._pool is not None:
            while len(self._pending) >= _SIGN_CHUNK:
                self._submit(self._pending[:_SIGN_CHUNK])
                del self._pending[:_SIGN_CHUNK]

    def finish(self) -> None:
        """Every receipt is handed over: the last ones go to the threads (or, for a small
        bundle, are checked now)."""
        jobs, self._pending = self._pending, []
        if self._pool is None:
            if self._verified is None:
                self._verified = set(_verified_ids(jobs))
            return
        if jobs:
            self._submit(jobs)
        # The threads end once their chunks are done, even if the import fails meanwhile.
        self._pool.shutdown(wait=False)
        self._pool = None

    def abandon(self) -> None:
        """The bundle is refused: drop the chunks no thread has begun, and the threads."""
        for future, _jobs in self._futures:
            future.cancel()
        self._futures, self._pending = [], []
        self._verified = set()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _submit(self, jobs: list[_Job]) -> None:
        assert self._pool is not None
        self._futures.append((self._pool.submit(_verified_ids, jobs), jobs))

    def confirmed(self) -> bool:
        """Whether every receipt the rules let through as signed is (waits for the threads)."""
        return self.relied_on <= self.verified()

    def verified(self) -> set[str]:
        """The ids of the receipts whose signature holds. Chunks no thread has begun are
        checked here rather than waited for; the rest are waited for."""
        if self._verified is None:
            self._verified = set()
            for future, jobs in self._futures:
                if future.cancel():
                    self._verified.update(_verified_ids(jobs))
                else:
                    self._verified.update(future.result())
            self._futures = []
        return self._verified


def receipt_signature_check(
    checker: SignatureChecker, *, require_signature: bool
) -> Callable[[Mapping[str, Any]], Refusal | None]:
    """`checker.receipt_problem` for the thousands of receipts of a return bundle.

    A valid signature of a known, unrevoked device is confirmed with libsodium's own call (the
    key bytes as they are, no key object or wrapper per receipt); anything else, including a
    signature that does not verify, goes to the checker, which says why (services.signing)."""
    keys = checker.keys()

    def problem(fields: Mapping[str, Any]) -> Refusal | None:
        key = keys.get(str(fields.get("device_id") or ""))
        encoded = fields.get("signature")
        if key is not None and key.revoked_at is None and encoded:
            signature = decode_signature(str(encoded))
            if signature is not None:
                try:
                    crypto_sign_open(signature + receipt_signed_bytes(fields), key.verify_key)
                    return None
                except (BadSignatureError, KeyError, ValueError, TypeError):
                    pass
        return checker.receipt_problem(fields, require_signature=require_signature)

    return problem


def held_entities(s: Session) -> set[str]:
    """Rows whose creation waits in quarantine: later entries about them wait too."""
    out: set[str] = set()
    for (entry,) in s.execute(text("SELECT entry FROM sync_quarantine WHERE status = 'held'")):
        data = json.loads(entry)
        changes = data.get("changes")
        if isinstance(changes, str):
            changes = json.loads(changes)
        if isinstance(changes, dict) and "id" in changes:
            out.add(str(data.get("entity_id")))
    return out


def quarantined_ids(s: Session, ids: Sequence[str]) -> set[str]:
    """Which of these changes are already held in (or decided from) the quarantine."""
    sql = "SELECT change_id FROM sync_quarantine WHERE change_id IN ({ids})"
    return {r[0] for r in tuples_in(s, sql, ids)}


def _with_ack(result: ImportResult, ack: ExportResult) -> ImportResult:
    data = dict(result.__dict__)
    data["ack"] = ack
    return ImportResult(**data)


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)
