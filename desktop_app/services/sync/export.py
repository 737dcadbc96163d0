"""Bundles out: the office's checkout for a laptop, a laptop's return bundle, the office's
acknowledgement/update for a laptop. Each is signed by this device and encrypted to the one
recipient; entries are cumulative since the peer last confirmed, so a lost stick costs only a
re-export."""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from desktop_app import __version__
from desktop_app.domain.access import Permission, Role
from desktop_app.domain.ids import new_id
from desktop_app.domain.programs import PROGRAMS
from desktop_app.services.context import ServiceError
from desktop_app.services.distribution import DistributionService
from desktop_app.services.signing import signer_keys_for_bundle
from desktop_app.services.sync import messages as M
from desktop_app.services.sync.access import CHECKOUT_ROLES, SYNC, requires
from desktop_app.services.sync.base import SyncBase
from desktop_app.services.sync.bundle import seal
from desktop_app.services.sync.casework import (
    casework_slice,
    holds_casework,
    may_hold_casework,
    record_checkout_worker,
)
from desktop_app.services.sync.continuity import chain_segment
from desktop_app.services.sync.devices import ROLE_FIELD, join_code, may_hold_restricted
from desktop_app.services.sync.double_claims import round_slice
from desktop_app.services.sync.records import bundle_row, peer_row
from desktop_app.services.sync.slices import (
    REF_ONLY,
    carried_fields_text,
    entries_for_device,
    own_entries,
    registry_closure,
)
from desktop_app.services.sync.views import CheckoutSummary, ExportResult
from desktop_app.storage import migrations
from desktop_app.storage.models import ChangeLog, Household
from desktop_app.storage.sync_models import SyncDevice

__all__ = ["SyncExport", "write_atomic"]


class SyncExport(SyncBase):
    """Building bundles; `SyncService` is the public face."""

    @requires(SYNC)
    def export(
        self, path: Path, to_device: str | None = None, kind: str | None = None
    ) -> ExportResult:
        """A return bundle (laptop -> office) or an update/acknowledgement (office -> laptop)."""
        if self.role() == ROLE_FIELD:
            target = self._office_id()
            if to_device not in (None, target):
                raise ServiceError(M.FIELD_SENDS_TO_OFFICE)
            return self._export(Path(path), target, kind or "return")
        if to_device is None:
            raise ServiceError(M.CHOOSE_TARGET_DEVICE)
        return self._export(Path(path), self.devices.get(to_device).id, kind or "ack")

    @requires(SYNC)
    def checkout(
        self,
        device_id: str,
        path: Path,
        *,
        household_ids: Sequence[str] = (),
        round_id: str | None = None,
        point_ids: Sequence[str] = (),
        access_role: str = Role.FIELD,
        worker: str | None = None,
    ) -> ExportResult:
        """Hand a laptop the registry slice it needs (and, with distribution, a round's roster).

        `access_role`: the role the laptop is checked out for (domain.access.Role; Petugas
        lapangan unless a social worker takes it for casework), carried in the bundle and
        recorded on the device row. A social worker's checkout names the `worker` (a username)
        and carries that worker's open cases (sync/casework.py); it needs RESTRICTED_VIEW, and
        is written to the access log. A field checkout carries no casework."""
        if self.role() == ROLE_FIELD:
            raise ServiceError(M.CHECKOUT_AT_OFFICE)
        if access_role not in CHECKOUT_ROLES:
            raise ServiceError(M.CHECKOUT_ROLE_INVALID, role=str(access_role))
        access_role = Role(access_role)
        casework = may_hold_casework(access_role.value)
        worker = " ".join((worker or "").split()) or None
        if casework:
            self.ctx.require(Permission.RESTRICTED_VIEW)
            if worker is None and round_id is None and not household_ids:
                raise ServiceError(M.CHECKOUT_WORKER_REQUIRED)
        elif worker is not None:
            raise ServiceError(M.CHECKOUT_WORKER_FIELD)
        device = self.devices.get(device_id)
        if device.revoked:
            raise ServiceError(M.CHECKOUT_DEVICE_REVOKED, name=device.name)
        if not casework:
            with self.ctx.db.session() as s:
                if holds_casework(s, device.id):
                    # A laptop that holds a worker's cases must not pass to a field officer.
                    raise ServiceError(M.CHECKOUT_HOLDS_CASEWORK, name=device.name)
        restricted = may_hold_restricted(device.role)
        if round_id is not None:
            dist = DistributionService(self.ctx)
            rnd = dist.get_round(round_id)
            round_id = rnd.id
            program = PROGRAMS.get(rnd.program_code)
            if not restricted and (program is None or program.sensitive):
                # The roster itself says who is in the programme.
                raise ServiceError(
                    M.CHECKOUT_RESTRICTED_ROUND,
                    name=rnd.name,
                    program=program.short if program else rnd.program_code,
                )
            point_ids = [dist.get_point(round_id, p).id for p in point_ids]
        withheld: set[str] = set()
        slice_ids = self._slice_for(
            list(household_ids),
            round_id,
            list(point_ids),
            restricted=restricted,
            withheld=withheld,
            worker=worker,
        )
        cases = sum(1 for e in slice_ids.values() if e == "case")
        if worker is not None and not cases and round_id is None and not household_ids:
            raise ServiceError(M.CHECKOUT_NO_CASES, worker=worker)
        if not slice_ids:
            raise ServiceError(M.CHECKOUT_EMPTY)
        identity = self.devices.identity()
        carries = dict(
            sorted(Counter(e for e in slice_ids.values() if not e.endswith(REF_ONLY)).items())
        )
        extra = {
            "office": {
                "device_id": self.ctx.device.id,
                "name": self.ctx.device.name,
                "verify_key": identity.verify_key,
            },
            "device_name": device.name,
            "office_profile": self.ctx.office.to_dict(),
            "clock_floor": self.ctx.hlc.now().encode(),
            "round_id": round_id,
            "point_ids": list(point_ids),
            # The office's secret for receipt verification codes, so a receipt printed in the
            # field verifies at the office. The bundle is encrypted to the laptop.
            "receipt_key": self._receipt_key() if round_id else None,
            "carries": carries,
            "access_role": access_role.value,
            "worker": worker,
        }
        result = self._export(
            Path(path),
            device.id,
            "checkout",
            new_slice=slice_ids,
            extra=extra,
            restricted=restricted,
            casework=casework,
        )
        self._record_checkout_role(device.id, access_role, worker)
        if cases:
            # Restricted records left the office (encrypted to the laptop): who, how many.
            self.ctx.log_access("checkout", "case", None, f"{device.name}: {cases} kasus {worker}")
        summary = CheckoutSummary(
            office_name=self.ctx.device.name,
            office_fingerprint=identity.fingerprint,
            join_code=join_code(result.bundle_id, identity.verify_key),
            carries=carries,
            withheld=len(withheld),
            fields="" if restricted else carried_fields_text(),
        )
        return dataclasses.replace(result, checkout=summary)

    def _record_checkout_role(
        self, device_id: str, access_role: Role, worker: str | None = None
    ) -> None:
        with self.ctx.unit_of_work(source="sync-checkout") as w:
            before = record_checkout_worker(w.session, device_id, worker)
            if before != worker:
                w.log("sync_device", device_id, "checkout_worker", {"worker": [before, worker]})
            row = w.session.get(SyncDevice, device_id)
            if row is not None and row.checkout_role != access_role.value:
                w.log(
                    "sync_device",
                    row.id,
                    "checkout_role",
                    {"checkout_role": [row.checkout_role, access_role.value]},
                )
                row.checkout_role = access_role.value
                w.session.add(row)

    def _receipt_key(self) -> str:
        return DistributionService(self.ctx).receipt_code_key().hex()

    @requires(SYNC)
    def households_in(self, kelurahan_codes: Sequence[str]) -> list[str]:
        """Households of some kelurahan: a registry-only checkout (e.g. a home-visit round)."""
        with self.ctx.db.session() as s:
            stmt = select(col(Household.id)).where(
                col(Household.kelurahan_code).in_(list(kelurahan_codes)),
                col(Household.deleted) == False,  # noqa: E712
            )
            return [row[0] for row in s.execute(stmt)]

    def _slice_for(
        self,
        household_ids: list[str],
        round_id: str | None,
        point_ids: list[str],
        *,
        restricted: bool = True,
        withheld: set[str] | None = None,
        worker: str | None = None,
    ) -> dict[str, str]:
        """entity_id -> entity of everything a field device needs for a checkout: the round's
        roster with the recipients, their households and members (the counter shows them and
        the collector rules need them), no restricted-programme enrolment unless
        `restricted`, and with a `worker` that worker's open cases and their persons."""
        with self.ctx.db.session() as s:
            out: dict[str, str] = {}
            if round_id is not None:
                out.update(round_slice(s, round_id, point_ids))
            case_persons: list[str] = []
            if worker is not None:
                case_rows, case_persons = casework_slice(s, worker, self.ctx.clock.today())
                out.update(case_rows)
            households = household_ids + [i for i, e in out.items() if e == "household"]
            persons = [i for i, e in out.items() if e == "person"] + case_persons
            out.update(
                registry_closure(s, households, persons, restricted=restricted, withheld=withheld)
            )
            return out

    def _export(
        self,
        path: Path,
        to_device: str,
        kind: str,
        *,
        new_slice: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        restricted: bool | None = None,
        casework: bool | None = None,
    ) -> ExportResult:
        if self.role() != ROLE_FIELD:
            # Every device's public key in every office bundle (checkout, ack, update), so a
            # laptop verifies receipts of the office and of the other laptops offline, and
            # learns of laptops registered after its checkout (services/signing).
            extra = dict(extra or {}, signer_keys=signer_keys_for_bundle(self.ctx))
        with self.ctx.unit_of_work(source="sync-export") as w:
            s = w.session
            peer = peer_row(s, to_device)
            seq_to = int(
                s.execute(select(func.coalesce(func.max(col(ChangeLog.seq)), 0))).scalar_one()
            )
            if self.role() == ROLE_FIELD:
                entries = own_entries(s, self.ctx.device.id, peer.delivered_upto)
            else:
                role = s.get(SyncDevice, to_device)
                if restricted is None:
                    restricted = may_hold_restricted(role.role if role else ROLE_FIELD)
                if casework is None:
                    casework = may_hold_casework(role.checkout_role if role else None)
                entries = entries_for_device(
                    s,
                    to_device,
                    peer.delivered_upto,
                    new_slice,
                    restricted=restricted,
                    casework=casework,
                )
            counts = dict(Counter(e.entity for e in entries))
            recipient = self.devices.trusted_key(to_device)
            device_row = s.get(SyncDevice, to_device)
            to_name = device_row.name if device_row is not None else to_device
            # A clock reading, not `w.stamp()`: a stamp that logs no change-log row would make
            # the change set read its batch back from the log (context.py). As last_stamp it
            # is still saved with the transaction, so a restart never issues a smaller one.
            created_hlc = w.last_stamp = self.ctx.hlc.now()
            manifest_fields = {
                "bundle_id": new_id(),
                "kind": kind,
                "from_device": self.ctx.device.id,
                "from_name": self.ctx.device.name,
                "sender_key": self.devices.identity().verify_key,
                "to_device": to_device,
                "created_at": w.now().isoformat(),
                "created_hlc": created_hlc.encode(),
                "seq_from": peer.delivered_upto + 1,
                "seq_to": seq_to,
                "received_upto": peer.received_upto,
                "entries": len(entries),
                "counts": counts,
                "app_version": __version__,
                "schema_version": migrations.CURRENT_VERSION,
                "extra": extra or {},
            }
            payload: dict[str, Any] = {"entries": [e.to_wire() for e in entries]}
            if self.role() == ROLE_FIELD:
                # The rest of this laptop's chain over the range, so the office can check that
                # it continues what it accepted (continuity.py).
                payload["chain"] = chain_segment(s, self.ctx.device.id, peer.delivered_upto)
            manifest, data = seal(manifest_fields, payload, self.devices.signing_key(), recipient)
            write_atomic(path, data)
            peer.last_export_seq = max(peer.last_export_seq, seq_to)
            s.add(peer)
            s.add(bundle_row(manifest, "out", path, len(data), w.now()))
        return ExportResult(
            path=path,
            bundle_id=manifest.bundle_id,
            kind=kind,
            to_device=to_device,
            to_name=to_name,
            entries=len(entries),
            counts=counts,
            size_bytes=len(data),
            seq_from=manifest.seq_from,
            seq_to=seq_to,
        )


def write_atomic(path: Path, data: bytes) -> None:
    """Write the bundle whole or not at all: a pulled stick must not leave half a bundle."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ServiceError(
            M.BUNDLE_WRITE_FAILED, path=str(path), reason=exc.strerror or str(exc)
        ) from exc
