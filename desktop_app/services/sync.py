"""Field sync use cases: checkout, join, export, import, acknowledgements, the review queues.

The office is the hub. A laptop joins by opening a *checkout* bundle; afterwards it exports
*return* bundles of its own change-log entries to the office, and the office answers each import
with an *ack* bundle that also carries what the laptop has not seen yet (other devices' receipts,
office edits) for the entities the laptop serves. Bundles are cumulative since the last
acknowledgement, so a lost stick only costs a re-export; importing is idempotent by change id.

Streams are counted in the sender's local `change_log.seq`: `received_upto` is the peer's stream
this database holds without gaps, `delivered_upto` is this database's stream the peer confirmed.
A laptop marks its entries delivered only when it imports the office's acknowledgement.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, select, text
from sqlmodel import Session

from desktop_app import __version__
from desktop_app.domain.clock import Timestamp
from desktop_app.domain.ids import new_id
from desktop_app.domain.office import OfficeProfile
from desktop_app.services.bundle import (
    BundleError,
    Manifest,
    OpenedBundle,
    open_bundle,
    seal,
)
from desktop_app.services.context import (
    OFFICE_KEY,
    AppContext,
    Device,
    ServiceError,
    UnitOfWork,
)
from desktop_app.services.devices import (
    ROLE_FIELD,
    ROLE_OFFICE,
    SYNC_ROLE_SETTING,
    DeviceService,
    b64,
    unb64,
)
from desktop_app.services.distribution import RECEIPT_KEY, DistributionService
from desktop_app.services.double_claims import claim_candidates, open_claims, round_slice
from desktop_app.services.merge import (
    ENTRY_KEYS,
    POLICIES,
    RESOLVE_OP,
    Entry,
    Merger,
    chunks,
    known_change_ids,
    rows_in,
)
from desktop_app.storage import migrations
from desktop_app.storage.db import WriteFailedError
from desktop_app.storage.models import (
    ChangeLog,
    Enrolment,
    Household,
    KkHistory,
    Person,
    Setting,
    StatusHistory,
)
from desktop_app.storage.sync_models import (
    SyncBundle,
    SyncConflict,
    SyncDevice,
    SyncPeer,
    SyncQuarantine,
    SyncSlice,
)

FUTURE_LIMIT_MS = 24 * 3600 * 1000  # stamps further ahead of this device's clock are held back
BUNDLE_SUFFIX = ".bdl"

# Called inside the import transaction after each stage ("applied", "stored", "marked"): the GUI
# reports progress with it; raising from it rolls everything back (the crash tests do).
StageHook = Callable[[str], None]


class BundleRefused(ServiceError):
    """The bundle was refused whole; nothing changed (exit code 2)."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bundle_id: str
    kind: str
    to_device: str
    to_name: str
    entries: int
    counts: dict[str, int]
    size_bytes: int
    seq_from: int
    seq_to: int


@dataclass(frozen=True)
class ImportResult:
    bundle_id: str
    kind: str
    from_device: str
    from_name: str
    already_imported: bool
    entries: int
    applied: int = 0
    inserted: int = 0
    updated: int = 0
    pending: int = 0
    new_conflicts: int = 0
    open_conflicts: int = 0
    quarantined: int = 0
    double_claims: int = 0
    ack: ExportResult | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def needs_review(self) -> bool:
        return bool(self.new_conflicts or self.quarantined or self.double_claims)

    @property
    def exit_code(self) -> int:
        return 1 if self.needs_review else 0

    def as_dict(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "ack"}
        data["ack"] = str(self.ack.path) if self.ack else None
        data["exit_code"] = self.exit_code
        return data


@dataclass(frozen=True)
class CandidateView:
    value: Any
    text: str
    device_id: str
    device_name: str
    actor: str
    at: str
    applied: bool


@dataclass(frozen=True)
class ConflictView:
    id: str
    entity: str
    entity_id: str
    subject: str  # whose record: a name, a KK number
    field: str
    field_label: str
    kind: str  # review | critical
    base_text: str
    current_text: str
    candidates: list[CandidateView]
    open: bool
    detected_at: datetime

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["candidates"] = [c.__dict__ for c in self.candidates]
        return data


@dataclass(frozen=True)
class BundleView:
    id: str
    direction: str
    kind: str
    peer_id: str
    peer_name: str
    processed_at: datetime
    entries: int
    applied: int
    conflicts: int
    quarantined: int
    double_claims: int
    size_bytes: int | None
    file_name: str | None


@dataclass(frozen=True)
class PeerView:
    device_id: str
    name: str
    role: str
    revoked: bool
    received_upto: int
    delivered_upto: int
    pending_out: int  # our entries the peer has not confirmed
    last_bundle_at: datetime | None


@dataclass(frozen=True)
class QuarantineView:
    change_id: str
    device_name: str
    entity: str
    entity_label: str
    entity_id: str
    subject: str
    summary: str  # "Telepon: 0899-0000"
    stamped_at: datetime  # the (implausible) time the sender's clock gave it
    reason: str
    status: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, stamped_at=self.stamped_at.isoformat())


ENTITY_LABELS = {
    "person": "Orang",
    "household": "KPM",
    "enrolment": "Kepesertaan program",
    "kk_history": "Riwayat KK",
    "status_history": "Riwayat status",
    "distribution_round": "Putaran penyaluran",
    "distribution_point": "Titik salur",
    "distribution_roster": "Daftar penerima",
    "distribution_receipt": "Tanda terima",
    "distribution_receipt_void": "Pembatalan tanda terima",
    "distribution_mark": "Tanda tidak hadir/ditolak",
    "double_claim_decision": "Keputusan klaim ganda",
}


FIELD_LABELS = {
    "nik": "NIK",
    "name": "Nama",
    "status,status_date": "Status",
    "household_id,relation": "KPM dan hubungan keluarga",
    "kk_number": "No. KK",
    "head_person_id": "Kepala keluarga",
    "street,rt,rw,kelurahan_code": "Alamat",
    "end_date,end_reason": "Akhir kepesertaan",
    "birth_date": "Tanggal lahir",
    "birth_place": "Tempat lahir",
    "phone": "Telepon",
    "notes": "Catatan",
    "deleted": "Dihapus",
    "sex": "Jenis kelamin",
}


def value_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(value_text(v) for v in value.values() if v is not None) or "—"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return str(value)


class SyncService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.devices = DeviceService(ctx)

    # -- roles ---------------------------------------------------------------------------------
    def role(self) -> str:
        return self.devices.role()

    def _office_id(self) -> str:
        office = self.devices.office_device_id()
        if office is None:
            raise ServiceError(
                "Perangkat ini belum bergabung dengan kantor. Buka bundel checkout dari kantor "
                "dulu (Sinkronisasi > Gabung)."
            )
        return office

    # -- export --------------------------------------------------------------------------------
    def export(
        self, path: Path, to_device: str | None = None, kind: str | None = None
    ) -> ExportResult:
        """A return bundle (laptop -> office) or an update/acknowledgement (office -> laptop)."""
        if self.role() == ROLE_FIELD:
            target = self._office_id()
            if to_device not in (None, target):
                raise ServiceError("Laptop lapangan hanya mengirim bundel ke kantor.")
            return self._export(Path(path), target, kind or "return")
        if to_device is None:
            raise ServiceError("Pilih perangkat tujuan (laptop) untuk bundel dari kantor.")
        return self._export(Path(path), self.devices.get(to_device).id, kind or "ack")

    def checkout(
        self,
        device_id: str,
        path: Path,
        *,
        household_ids: Sequence[str] = (),
        round_id: str | None = None,
        point_ids: Sequence[str] = (),
    ) -> ExportResult:
        """Hand a laptop the registry slice it needs (and, with distribution, a round's roster)."""
        if self.role() == ROLE_FIELD:
            raise ServiceError("Checkout dibuat di kantor, bukan di laptop lapangan.")
        device = self.devices.get(device_id)
        if device.revoked:
            raise ServiceError(f"Perangkat {device.name} telah dicabut.")
        if round_id is not None:
            dist = DistributionService(self.ctx)
            round_id = dist.get_round(round_id).id
            point_ids = [dist.get_point(round_id, p).id for p in point_ids]
        slice_ids = self._slice_for(list(household_ids), round_id, list(point_ids))
        if not slice_ids:
            raise ServiceError("Tidak ada data untuk checkout: pilih putaran atau KPM.")
        extra = {
            "office": {
                "device_id": self.ctx.device.id,
                "name": self.ctx.device.name,
                "verify_key": self.devices.identity().verify_key,
            },
            "device_name": device.name,
            "office_profile": self.ctx.office.to_dict(),
            "clock_floor": self.ctx.hlc.now().encode(),
            "round_id": round_id,
            "point_ids": list(point_ids),
            # The office's secret for receipt verification codes, so a receipt printed in the
            # field verifies at the office. The bundle is encrypted to the laptop.
            "receipt_key": self._receipt_key() if round_id else None,
        }
        return self._export(Path(path), device.id, "checkout", new_slice=slice_ids, extra=extra)

    def _receipt_key(self) -> str:
        return DistributionService(self.ctx).receipt_code_key().hex()

    def households_in(self, kelurahan_codes: Sequence[str]) -> list[str]:
        """Households of some kelurahan: a registry-only checkout (e.g. a home-visit round)."""
        with self.ctx.db.session() as s:
            stmt = select(Household.id).where(
                Household.kelurahan_code.in_(list(kelurahan_codes)),  # type: ignore[union-attr]
                Household.deleted == False,  # noqa: E712
            )
            return [row[0] for row in s.execute(stmt)]

    def _slice_for(
        self, household_ids: list[str], round_id: str | None, point_ids: list[str]
    ) -> dict[str, str]:
        """entity_id -> entity of everything a field device needs for a checkout."""
        with self.ctx.db.session() as s:
            out: dict[str, str] = {}
            if round_id is not None:
                out.update(round_slice(s, round_id, point_ids))
            households = household_ids + [i for i, e in out.items() if e == "household"]
            persons = [i for i, e in out.items() if e == "person"]
            out.update(registry_closure(s, households, persons))
            return out

    def _export(
        self,
        path: Path,
        to_device: str,
        kind: str,
        *,
        new_slice: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> ExportResult:
        with self.ctx.unit_of_work(source="sync-export") as w:
            s = w.session
            peer = _peer(s, to_device)
            seq_to = int(s.execute(select(func.coalesce(func.max(ChangeLog.seq), 0))).scalar_one())
            if self.role() == ROLE_FIELD:
                entries = self._own_entries(s, peer.delivered_upto)
            else:
                entries = self._entries_for_device(s, to_device, peer.delivered_upto, new_slice)
            counts = dict(Counter(e.entity for e in entries))
            recipient = self.devices.trusted_key(to_device)
            to_name = s.get(SyncDevice, to_device).name  # type: ignore[union-attr]
            manifest_fields = {
                "bundle_id": new_id(),
                "kind": kind,
                "from_device": self.ctx.device.id,
                "from_name": self.ctx.device.name,
                "sender_key": self.devices.identity().verify_key,
                "to_device": to_device,
                "created_at": w.now().isoformat(),
                "created_hlc": w.stamp(),
                "seq_from": peer.delivered_upto + 1,
                "seq_to": seq_to,
                "received_upto": peer.received_upto,
                "entries": len(entries),
                "counts": counts,
                "app_version": __version__,
                "schema_version": migrations.CURRENT_VERSION,
                "extra": extra or {},
            }
            payload = {"entries": [e.to_wire() for e in entries]}
            manifest, data = seal(manifest_fields, payload, self.devices.signing_key(), recipient)
            _write_atomic(path, data)
            peer.last_export_seq = max(peer.last_export_seq, seq_to)
            s.add(peer)
            s.add(_bundle_row(manifest, "out", path, len(data), w.now()))
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

    def _own_entries(self, s: Session, after_seq: int) -> list[Entry]:
        """A laptop's stream: only its own entries; what it received from the office stays."""
        stmt = (
            _entry_select()
            .where(
                ChangeLog.seq > after_seq,  # type: ignore[operator]
                ChangeLog.device_id == self.ctx.device.id,
                ChangeLog.entity.in_(list(POLICIES)),  # type: ignore[attr-defined]
            )
            .order_by(ChangeLog.seq)
        )
        # Local bookkeeping (settings, device registrations) stays on the device.
        return [Entry.from_row(r) for r in s.execute(stmt)]

    def _entries_for_device(
        self,
        s: Session,
        device_id: str,
        after_seq: int,
        new_slice: dict[str, str] | None,
    ) -> list[Entry]:
        """The office's stream for one field device: what it does not have yet, limited to the
        entities it holds. Children of the entities it serves (a receipt another laptop made for
        one of its recipients, a new member of one of its households) join its slice, together
        with whatever they refer to, so the device can always store what it is sent."""
        slice_rows = {
            row[0]: row[1]
            for row in s.execute(
                select(SyncSlice.entity_id, SyncSlice.entity).where(
                    SyncSlice.device_id == device_id
                )
            )
        }
        held = set(slice_rows)
        roots = {i for i, e in slice_rows.items() if not e.endswith(REF_ONLY)}
        added: dict[str, str] = {i: e for i, e in (new_slice or {}).items() if i not in held}
        for i, e in (new_slice or {}).items():
            if i in held and slice_rows[i].endswith(REF_ONLY) and not e.endswith(REF_ONLY):
                # A point held for its name becomes one the device serves.
                s.execute(
                    SyncSlice.__table__.update()  # type: ignore[attr-defined]
                    .where(SyncSlice.device_id == device_id, SyncSlice.entity_id == i)
                    .values(entity=e)
                )
                roots.add(i)
        held.update(added)
        roots.update(i for i, e in added.items() if not e.endswith(REF_ONLY))
        stmt = (
            _entry_select()
            .where(ChangeLog.seq > after_seq, ChangeLog.device_id != device_id)  # type: ignore[operator]
            .order_by(ChangeLog.seq)
        )
        candidates = [Entry.from_row(r) for r in s.execute(stmt)]
        # What the device created itself it holds too (not recorded at import: that would cost
        # a slice row per receipt on the office's hot path).
        unknown = {e.entity_id for e in candidates if e.entity_id not in held}
        scope_rows = _scope_values(s, [e for e in candidates if e.entity_id in unknown])
        parents = {p for values in scope_rows.values() for p in values if p not in held}
        own = _created_by(s, device_id, sorted(unknown | parents))
        held.update(own)
        roots.update(own)
        grown: dict[str, str] = {}
        chosen: dict[str, Entry] = {}
        for e in candidates:
            if e.entity not in POLICIES:
                continue
            if e.entity_id not in held:
                if not any(p in roots for p in scope_rows.get(e.entity_id, ())):
                    continue
                held.add(e.entity_id)
                roots.add(e.entity_id)
                grown[e.entity_id] = e.entity
            chosen[e.id] = e
        # Whatever the new entities refer to (a household, a person) must travel with them.
        missing = _missing_parents(s, grown, held)
        while missing:
            closure = registry_closure(
                s,
                [i for i, e in missing.items() if e == "household"],
                [i for i, e in missing.items() if e == "person"],
            )
            closure.update({i: e for i, e in missing.items() if e not in ("household", "person")})
            new = {i: e for i, e in closure.items() if i not in held}
            held.update(new)
            roots.update(new)
            grown.update(new)
            missing = _missing_parents(s, new, held)
        added.update(grown)
        # Everything ever recorded about entities new to the device, whatever their seq.
        for part in chunks(sorted(added)):
            stmt = _entry_select().where(
                ChangeLog.entity_id.in_(part),  # type: ignore[attr-defined]
                ChangeLog.device_id != device_id,
            )
            for row in s.execute(stmt):
                chosen.setdefault(row.id, Entry.from_row(row))
        if added:
            s.execute(
                SyncSlice.__table__.insert(),  # type: ignore[attr-defined]
                [{"device_id": device_id, "entity_id": i, "entity": e} for i, e in added.items()],
            )
        return sorted(chosen.values(), key=lambda e: (e.hlc, e.id))

    # -- import --------------------------------------------------------------------------------
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
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BundleRefused(f"Berkas {path.name} tidak dapat dibaca.") from exc
        opened = self._open(data)
        m = opened.manifest
        if m.kind == "checkout":
            return self.join_opened(opened, path, on_stage=on_stage)
        if m.kind == "return" and self.role() == ROLE_FIELD:
            raise BundleRefused("Bundel kembali dari laptop hanya dapat diimpor di kantor.")
        if m.kind == "ack" and self.role() != ROLE_FIELD:
            raise BundleRefused("Bundel ini untuk laptop lapangan, bukan untuk kantor.")
        result = self._apply(opened, path, on_stage=on_stage)
        if m.kind == "return" and make_ack:
            # Also for a bundle imported before: the laptop may have lost the first ack.
            target = ack_path or path.with_name(
                f"berdaya-ack-{m.from_name}-{self.ctx.clock.now():%Y%m%d-%H%M%S}-"
                f"{m.bundle_id[-6:]}{BUNDLE_SUFFIX}"
            )
            ack = self._export(target, m.from_device, "ack")
            result = _with_ack(result, ack)
        return result

    def join(self, path: Path, *, on_stage: StageHook | None = None) -> ImportResult:
        """Open a checkout bundle: a fresh database becomes the office's field database for that
        round (or an already joined one adds the round)."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BundleRefused(f"Berkas {path.name} tidak dapat dibaca.") from exc
        opened = self._open(data)
        if opened.manifest.kind != "checkout":
            raise BundleRefused("Berkas ini bukan bundel checkout dari kantor.")
        return self.join_opened(opened, path, on_stage=on_stage)

    def join_opened(
        self, opened: OpenedBundle, path: Path, *, on_stage: StageHook | None = None
    ) -> ImportResult:
        m = opened.manifest
        office = m.extra.get("office") or {}
        if self.role() != ROLE_FIELD:
            with self.ctx.db.session() as s:
                used = s.execute(
                    select(func.count())
                    .select_from(ChangeLog)
                    .where(
                        ChangeLog.entity.in_(list(POLICIES))  # type: ignore[attr-defined]
                    )
                ).scalar_one()
            if used:
                raise BundleRefused(
                    "Basis data ini sudah berisi data registri, jadi tidak dapat bergabung sebagai "
                    "laptop lapangan. Gunakan basis data baru di laptop."
                )
        return self._apply(opened, path, on_stage=on_stage, office=office)

    def _open(self, data: bytes) -> OpenedBundle:
        try:
            return open_bundle(
                data,
                self.ctx.device.id,
                self.devices.signing_key(),
                lambda h, m: self._sender_key(h, m),
            )
        except BundleError as exc:
            raise BundleRefused(exc.message) from exc
        except ServiceError as exc:
            raise BundleRefused(exc.message) from exc

    def _sender_key(self, header: dict[str, Any], m: Manifest) -> Any:
        from nacl.signing import VerifyKey

        if m.kind == "checkout" and self.role() != ROLE_FIELD:
            office = m.extra.get("office") or {}
            if (
                office.get("device_id") != header["from"]
                or office.get("verify_key") != m.sender_key
            ):
                raise BundleError("Bundel checkout rusak: identitas kantor tidak cocok.")
            # First contact: trust the office key the bundle declares (shown as a fingerprint
            # for the officer to compare); from now on only that key is accepted.
            return VerifyKey(unb64(m.sender_key))
        if self.role() == ROLE_FIELD and header["from"] != self._office_id():
            raise BundleError("Laptop ini hanya menerima bundel dari kantornya sendiri.")
        key = self.devices.trusted_key(header["from"])
        if b64(bytes(key)) != m.sender_key:
            raise BundleError("Kunci pengirim tidak cocok dengan perangkat yang terdaftar.")
        return key

    def _apply(
        self,
        opened: OpenedBundle,
        path: Path,
        *,
        on_stage: StageHook | None = None,
        office: dict[str, Any] | None = None,
    ) -> ImportResult:
        try:
            return self._apply_tx(opened, path, on_stage=on_stage, office=office)
        except WriteFailedError as exc:
            if "FOREIGN KEY" not in exc.detail.upper():
                raise
            raise BundleRefused(
                "Bundel tidak lengkap: ada data yang merujuk ke data lain yang belum ada di sini "
                "(mis. bundel lama dari perangkat yang dipulihkan dari cadangan). Tidak ada yang "
                "diubah; minta bundel baru dari pengirim."
            ) from exc

    def _apply_tx(
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
                return ImportResult(
                    bundle_id=m.bundle_id,
                    kind=m.kind,
                    from_device=m.from_device,
                    from_name=m.from_name,
                    already_imported=True,
                    entries=m.entries,
                    counts=m.counts,
                    open_conflicts=self._open_conflict_count(s),
                )
        try:
            incoming = [Entry.from_wire(e) for e in opened.payload.get("entries", [])]
        except BundleError as exc:
            raise BundleRefused(exc.message) from exc
        except (ValueError, TypeError, KeyError) as exc:
            raise BundleRefused("Isi bundel rusak: entri perubahan tidak lengkap.") from exc
        with self.ctx.unit_of_work(source=f"sync:{m.bundle_id}") as w:
            s = w.session
            # The driver opens the transaction lazily at the first write; the pragma only holds
            # inside a transaction, so start it with a write that changes nothing. Parents and
            # children may then arrive in any order within the bundle.
            s.execute(text("UPDATE sync_peer SET device_id = device_id WHERE 0"))
            s.execute(text("PRAGMA defer_foreign_keys = ON"))
            adopted = self._become_field(w, m, office) if office else None
            unique: dict[str, Entry] = {}
            for e in incoming:
                unique.setdefault(e.id, e)
            ids = list(unique)
            known = known_change_ids(s, ids)
            if s.execute(text("SELECT 1 FROM sync_quarantine LIMIT 1")).first() is not None:
                known |= _quarantined_ids(s, ids)
            fresh = [e for e in unique.values() if e.id not in known]
            limit = max(self.ctx.hlc.physical_ms(), _ms(self.ctx.clock.now())) + FUTURE_LIMIT_MS
            held = [e for e in fresh if _wall_ms(e.hlc) > limit]
            ok = [e for e in fresh if _wall_ms(e.hlc) <= limit]
            for e in held:
                s.add(
                    SyncQuarantine(
                        change_id=e.id,
                        bundle_id=m.bundle_id,
                        device_id=e.device_id,
                        hlc=e.hlc,
                        entry=json.dumps(e.to_wire(), ensure_ascii=False),
                        reason="Waktu perubahan lebih dari 1 hari di depan jam komputer ini.",
                        received_at=w.now(),
                    )
                )
            claim_rosters = claim_candidates(s, ok)
            claims_before = open_claims(s, list(claim_rosters))
            merger = Merger(s, w.now())
            merged = merger.apply(ok)
            if on_stage:
                on_stage("applied")
            merger.store(ok)
            if on_stage:
                on_stage("stored")
            double_claims = len(open_claims(s, list(claim_rosters)) - claims_before)
            self._update_marks(s, m)
            if ok:
                newest = max(Timestamp.decode(e.hlc) for e in ok)
                w.last_stamp = self.ctx.hlc.observe(newest)
            s.add(
                _bundle_row(
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
            open_conflicts = self._open_conflict_count(s)
        if adopted is not None:
            self.ctx.device, self.ctx.office = adopted
        return ImportResult(
            bundle_id=m.bundle_id,
            kind=m.kind,
            from_device=m.from_device,
            from_name=m.from_name,
            already_imported=False,
            entries=m.entries,
            applied=len(ok),
            inserted=merged.inserted,
            updated=merged.updated,
            pending=merged.pending,
            new_conflicts=merged.new_conflicts,
            open_conflicts=open_conflicts,
            quarantined=len(held),
            double_claims=double_claims,
            counts=m.counts,
        )

    def _become_field(
        self, w: UnitOfWork, m: Manifest, office: dict[str, Any]
    ) -> tuple[Device, OfficeProfile]:
        """Record the office, the role, the assigned name and the office profile; the caller
        adopts the returned device and profile once the transaction has committed."""
        s = w.session
        settings = s.get(Setting, SYNC_ROLE_SETTING)
        current = json.loads(settings.value) if settings else {}
        if current.get("role") == ROLE_FIELD and current.get("office_id") != office["device_id"]:
            raise BundleRefused("Laptop ini sudah bergabung dengan kantor lain.")
        if s.get(SyncDevice, office["device_id"]) is None:
            s.add(
                SyncDevice(
                    id=office["device_id"],
                    name=str(office.get("name") or "KANTOR"),
                    role=ROLE_OFFICE,
                    verify_key=office["verify_key"],
                    registered_at=w.now(),
                    registered_by=self.ctx.actor,
                )
            )
        rounds = list(current.get("rounds", []))
        if m.extra.get("round_id") and m.extra["round_id"] not in rounds:
            rounds.append(m.extra["round_id"])
        value = json.dumps({"role": ROLE_FIELD, "office_id": office["device_id"], "rounds": rounds})
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
        peer = _peer(s, m.from_device)
        if m.seq_from <= peer.received_upto + 1:
            peer.received_upto = max(peer.received_upto, m.seq_to)
        if m.created_hlc > peer.last_ack_hlc:
            # The newest word of the peer counts, even if lower: a peer restored from a backup
            # asks again for what it lost.
            peer.delivered_upto = m.received_upto
            peer.last_ack_hlc = m.created_hlc
        s.add(peer)

    # -- conflicts -----------------------------------------------------------------------------
    def _open_conflict_count(self, s: Session) -> int:
        return int(
            s.execute(
                select(func.count()).select_from(SyncConflict).where(SyncConflict.open == True)  # noqa: E712
            ).scalar_one()
        )

    def conflicts(self, *, open_only: bool = True) -> list[ConflictView]:
        with self.ctx.db.session() as s:
            stmt = select(SyncConflict)
            if open_only:
                stmt = stmt.where(SyncConflict.open == True)  # noqa: E712
            rows = [
                r[0] for r in s.execute(stmt.order_by(SyncConflict.kind, SyncConflict.detected_at))
            ]
            names = _device_names(s)
            subjects = _subjects(s, [(r.entity, r.entity_id) for r in rows])
            views = []
            for r in rows:
                current = self._current_value(s, r.entity, r.entity_id, r.field.split(","))
                views.append(
                    ConflictView(
                        id=r.id,
                        entity=r.entity,
                        entity_id=r.entity_id,
                        subject=subjects.get(r.entity_id, r.entity_id[:8]),
                        field=r.field,
                        field_label=FIELD_LABELS.get(r.field, r.field),
                        kind=r.kind,
                        base_text=value_text(json.loads(r.base)),
                        current_text=value_text(current),
                        candidates=[
                            CandidateView(
                                value=c["value"],
                                text=value_text(c["value"]),
                                device_id=c["device_id"],
                                device_name=names.get(c["device_id"], c["device_id"][:8]),
                                actor=c["actor"],
                                at=c["at"][:19].replace("T", " "),
                                applied=c["applied"],
                            )
                            for c in json.loads(r.candidates)
                        ],
                        open=r.open,
                        detected_at=r.detected_at,
                    )
                )
            return views

    def _current_value(self, s: Session, entity: str, entity_id: str, unit: list[str]) -> Any:
        if entity not in POLICIES:
            return None
        table = POLICIES[entity].table
        row = s.execute(select(table).where(table.c.id == entity_id)).first()
        if row is None:
            return None
        values = [_jsonable(row._mapping[f]) for f in unit]
        return values[0] if len(unit) == 1 else dict(zip(unit, values, strict=True))

    def resolve_conflict(self, conflict_id: str, choice: int, note: str | None = None) -> None:
        """A supervisor's decision: the chosen candidate's value, written as a logged `resolve`
        change that every device will receive and that closes the conflict everywhere."""
        with self.ctx.unit_of_work(source=note or "keputusan supervisor") as w:
            s = w.session
            row = s.get(SyncConflict, conflict_id)
            if row is None:
                raise ServiceError("Konflik tidak ditemukan.")
            if not row.open:
                raise ServiceError("Konflik ini sudah diputuskan.")
            candidates = json.loads(row.candidates)
            if not 0 <= choice < len(candidates):
                raise ServiceError("Pilihan nilai tidak ada.")
            unit = row.field.split(",")
            chosen = candidates[choice]["value"]
            chosen_values = chosen if len(unit) > 1 else {unit[0]: chosen}
            current = self._current_value(s, row.entity, row.entity_id, unit)
            current_values = current if len(unit) > 1 else {unit[0]: current}
            w.log(
                row.entity,
                row.entity_id,
                RESOLVE_OP,
                {f: [current_values.get(f), chosen_values.get(f)] for f in unit},
            )
            s.flush()
            Merger(s, w.now()).refold(row.entity, [row.entity_id])

    def rebuild_conflicts(self) -> int:
        """Re-derive every entity's row and conflicts from the log (after an upgrade, or to
        compare databases); returns the number of open conflicts."""
        with self.ctx.unit_of_work() as w:
            s = w.session
            rows = s.execute(
                text(
                    "SELECT entity, entity_id FROM change_log GROUP BY entity, entity_id "
                    "HAVING count(*) > 1"
                )
            ).all()
            by_entity: dict[str, list[str]] = defaultdict(list)
            for entity, entity_id in rows:
                if entity in POLICIES:
                    by_entity[entity].append(entity_id)
            merger = Merger(s, w.now())
            for entity, ids in by_entity.items():
                merger.refold(entity, ids)
            return self._open_conflict_count(s)

    # -- quarantine ----------------------------------------------------------------------------
    def quarantine(self) -> list[QuarantineView]:
        with self.ctx.db.session() as s:
            names = _device_names(s)
            rows = [r[0] for r in s.execute(select(SyncQuarantine).order_by(SyncQuarantine.hlc))]
            entries = [Entry.from_wire(json.loads(r.entry)) for r in rows]
            subjects = _subjects(s, [(e.entity, e.entity_id) for e in entries])
            out = []
            for r, e in zip(rows, entries, strict=True):
                summary = "; ".join(
                    f"{FIELD_LABELS.get(k, k)}: {value_text(v[1])}"
                    for k, v in e.fields.items()
                    if k != "id"
                )
                out.append(
                    QuarantineView(
                        change_id=r.change_id,
                        device_name=names.get(r.device_id, r.device_id[:8]),
                        entity=e.entity,
                        entity_label=ENTITY_LABELS.get(e.entity, e.entity),
                        entity_id=e.entity_id,
                        subject=subjects.get(e.entity_id, e.entity_id[:8]),
                        summary=summary,
                        stamped_at=datetime.fromtimestamp(_wall_ms(r.hlc) / 1000, UTC),
                        reason=r.reason,
                        status=r.status,
                    )
                )
            return out

    def decide_quarantine(self, change_id: str, release: bool) -> None:
        """Release (re-record the change now, with this device's clock) or discard it."""
        with self.ctx.unit_of_work(source="karantina") as w:
            s = w.session
            row = s.get(SyncQuarantine, change_id)
            if row is None or row.status != "held":
                raise ServiceError("Perubahan karantina tidak ditemukan atau sudah diputuskan.")
            row.status = "released" if release else "discarded"
            row.decided_at = w.now()
            row.decided_by = self.ctx.actor
            s.add(row)
            e = Entry.from_wire(json.loads(row.entry))
            if release and e.entity in POLICIES:
                current = self._current_value(s, e.entity, e.entity_id, list(e.fields))
                values = current if isinstance(current, dict) else {}
                if len(e.fields) == 1 and not isinstance(current, dict):
                    values = {next(iter(e.fields)): current}
                changes = {
                    f: [None if e.is_create else values.get(f), v[1]] for f, v in e.fields.items()
                }
                entry = w.log(e.entity, e.entity_id, e.op, changes)
                s.flush()
                Merger(s, w.now()).refold(e.entity, [e.entity_id])
                del entry
            w.log(
                "sync_quarantine",
                change_id,
                "release" if release else "discard",
                {"status": ["held", row.status]},
            )

    # -- history and progress ------------------------------------------------------------------
    def history(self, limit: int = 500) -> list[BundleView]:
        with self.ctx.db.session() as s:
            names = _device_names(s)
            rows = [
                r[0]
                for r in s.execute(
                    select(SyncBundle).order_by(SyncBundle.processed_at.desc()).limit(limit)  # type: ignore[attr-defined]
                )
            ]
            me = self.ctx.device.id
            return [
                BundleView(
                    id=r.id,
                    direction=r.direction,
                    kind=r.kind,
                    peer_id=r.to_device if r.from_device == me else r.from_device,
                    peer_name=names.get(r.to_device if r.from_device == me else r.from_device, "?"),
                    processed_at=r.processed_at,
                    entries=r.entries,
                    applied=r.applied,
                    conflicts=r.conflicts,
                    quarantined=r.quarantined,
                    double_claims=r.double_claims,
                    size_bytes=r.size_bytes,
                    file_name=r.file_name,
                )
                for r in rows
            ]

    def peers(self) -> list[PeerView]:
        with self.ctx.db.session() as s:
            devices = [r[0] for r in s.execute(select(SyncDevice).order_by(SyncDevice.name))]
            out = []
            for d in devices:
                peer = s.get(SyncPeer, d.id) or SyncPeer(device_id=d.id)
                if self.role() == ROLE_FIELD:
                    pending_stmt = (
                        select(func.count())
                        .select_from(ChangeLog)
                        .where(
                            ChangeLog.seq > peer.delivered_upto,  # type: ignore[operator]
                            ChangeLog.device_id == self.ctx.device.id,
                            ChangeLog.entity.in_(list(POLICIES)),  # type: ignore[attr-defined]
                        )
                    )
                    pending = int(s.execute(pending_stmt).scalar_one())
                else:
                    pending = 0
                last = s.execute(
                    select(func.max(SyncBundle.processed_at)).where(
                        (SyncBundle.from_device == d.id) | (SyncBundle.to_device == d.id)
                    )
                ).scalar_one()
                out.append(
                    PeerView(
                        device_id=d.id,
                        name=d.name,
                        role=d.role,
                        revoked=d.revoked,
                        received_upto=peer.received_upto,
                        delivered_upto=peer.delivered_upto,
                        pending_out=pending,
                        last_bundle_at=last,
                    )
                )
            return out

    def pending_count(self) -> int:
        """Own changes not yet confirmed by the office (a field laptop's 'belum terkirim')."""
        if self.role() != ROLE_FIELD:
            return 0
        with self.ctx.db.session() as s:
            peer = s.get(SyncPeer, self._office_id()) or SyncPeer(device_id="")
            return int(
                s.execute(
                    select(func.count())
                    .select_from(ChangeLog)
                    .where(
                        ChangeLog.seq > peer.delivered_upto,  # type: ignore[operator]
                        ChangeLog.device_id == self.ctx.device.id,
                        ChangeLog.entity.in_(list(POLICIES)),  # type: ignore[attr-defined]
                    )
                ).scalar_one()
            )


REF_ONLY = ":ref"  # a slice row the device holds without serving it (another point)


def registry_closure(
    s: Session, household_ids: Sequence[str], person_ids: Sequence[str]
) -> dict[str, str]:
    """Households and persons with everything that belongs to them: members, KK history,
    status history, enrolments; a person brings their household."""
    out: dict[str, str] = {}
    households = set(household_ids)
    for part in chunks(sorted(set(person_ids))):
        stmt = select(Person.id, Person.household_id).where(Person.id.in_(part))  # type: ignore[attr-defined]
        for pid, hid in s.execute(stmt):
            out[pid] = "person"
            if hid:
                households.add(hid)
    for part in chunks(sorted(households)):
        stmt = select(Household.id).where(Household.id.in_(part))  # type: ignore[attr-defined]
        for row in s.execute(stmt):
            out[row[0]] = "household"
        for model, entity in ((Person, "person"), (KkHistory, "kk_history")):
            stmt = select(model.id).where(model.household_id.in_(part))  # type: ignore[attr-defined]
            for row in s.execute(stmt):
                out[row[0]] = entity
    people = [i for i, e in out.items() if e == "person"]
    holders = [i for i, e in out.items() if e in ("person", "household")]
    for part in chunks(people):
        stmt = select(StatusHistory.id).where(StatusHistory.person_id.in_(part))  # type: ignore[attr-defined]
        for row in s.execute(stmt):
            out[row[0]] = "status_history"
    for part in chunks(holders):
        stmt = select(Enrolment.id).where(
            Enrolment.person_id.in_(part) | Enrolment.household_id.in_(part)  # type: ignore[attr-defined]
        )
        for row in s.execute(stmt):
            out[row[0]] = "enrolment"
    return out


def _missing_parents(s: Session, entities: dict[str, str], held: set[str]) -> dict[str, str]:
    """Rows these entities point to by foreign key that the device does not hold yet."""
    by_table = {p.table.name: name for name, p in POLICIES.items()}
    missing: dict[str, str] = {}
    grouped: dict[str, list[str]] = defaultdict(list)
    for entity_id, entity in entities.items():
        if entity in POLICIES:
            grouped[entity].append(entity_id)
    for entity, ids in grouped.items():
        table = POLICIES[entity].table
        links = [
            (fk.parent.name, by_table[fk.column.table.name])
            for fk in table.foreign_keys
            if fk.column.table.name in by_table
        ]
        if not links:
            continue
        stmt = select(*[table.c[c] for c, _ in links]).where(
            table.c.id.in_(bindparam("ids", expanding=True))
        )
        for part in chunks(ids):
            for row in s.execute(stmt, {"ids": list(part)}):
                for (_, parent), value in zip(links, row, strict=True):
                    if value and value not in held:
                        missing[value] = parent
    return missing


def _entry_select() -> Any:
    return select(*[getattr(ChangeLog, k) for k in ENTRY_KEYS])


def _scope_values(s: Session, entries: Sequence[Entry]) -> dict[str, tuple[str, ...]]:
    """Parent ids (household, person, round) of the entities these entries are about."""
    by_entity: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        if e.entity in POLICIES and POLICIES[e.entity].scope:
            by_entity[e.entity].add(e.entity_id)
    out: dict[str, tuple[str, ...]] = {}
    for entity, ids in by_entity.items():
        policy = POLICIES[entity]
        table = policy.table
        cols = [table.c.id, *[table.c[c] for c in policy.scope]]
        stmt = select(*cols).where(table.c.id.in_(bindparam("ids", expanding=True)))
        for part in chunks(sorted(ids)):
            for row in s.execute(stmt, {"ids": list(part)}):
                out[row[0]] = tuple(v for v in row[1:] if v)
    return out


def _created_by(s: Session, device_id: str, ids: Sequence[str]) -> set[str]:
    sql = "SELECT DISTINCT entity_id FROM change_log WHERE device_id = ? AND entity_id IN ({ids})"
    return {r[0] for r in rows_in(s, sql, ids, (device_id,))}


def _held_before(s: Session, device_id: str, ids: Sequence[str]) -> set[str]:
    sql = "SELECT entity_id FROM sync_slice WHERE device_id = ? AND entity_id IN ({ids})"
    return {r[0] for r in rows_in(s, sql, ids, (device_id,))}


def _quarantined_ids(s: Session, ids: Sequence[str]) -> set[str]:
    sql = "SELECT change_id FROM sync_quarantine WHERE change_id IN ({ids})"
    return {r[0] for r in rows_in(s, sql, ids)}


def _peer(s: Session, device_id: str) -> SyncPeer:
    peer = s.get(SyncPeer, device_id)
    if peer is None:
        peer = SyncPeer(device_id=device_id)
        s.add(peer)
    return peer


def _bundle_row(
    m: Manifest,
    direction: str,
    path: Path,
    size: int,
    now: datetime,
    **counts: int,
) -> SyncBundle:
    return SyncBundle(
        id=m.bundle_id,
        direction=direction,
        kind=m.kind,
        from_device=m.from_device,
        to_device=m.to_device,
        created_hlc=m.created_hlc,
        seq_from=m.seq_from,
        seq_to=m.seq_to,
        entries=m.entries,
        counts=json.dumps(m.counts, sort_keys=True),
        file_name=Path(path).name,
        size_bytes=size,
        processed_at=now,
        **counts,
    )


def _with_ack(result: ImportResult, ack: ExportResult) -> ImportResult:
    data = dict(result.__dict__)
    data["ack"] = ack
    return ImportResult(**data)


def _write_atomic(path: Path, data: bytes) -> None:
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
        raise ServiceError(f"Bundel tidak dapat ditulis ke {path}: {exc.strerror or exc}") from exc


def _wall_ms(hlc: str) -> int:
    return int(hlc[:13]) if hlc[:13].isdigit() else 0


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _device_names(s: Session) -> dict[str, str]:
    names = {r.id: r.name for r in (row[0] for row in s.execute(select(SyncDevice)))}
    device = s.get(Setting, "device")
    if device is not None:
        data = json.loads(device.value)
        names.setdefault(data.get("id", ""), data.get("name") or "INI")
    return names


def _subjects(s: Session, keys: Sequence[tuple[str, str]]) -> dict[str, str]:
    """A human label for each entity in the conflict list."""
    out: dict[str, str] = {}
    persons = [i for e, i in keys if e == "person"]
    households = [i for e, i in keys if e == "household"]
    enrolments = [i for e, i in keys if e == "enrolment"]
    for part in chunks(persons):
        for pid, name, nik in s.execute(
            select(Person.id, Person.name, Person.nik).where(Person.id.in_(part))
        ):  # type: ignore[attr-defined]
            out[pid] = f"{name} ({nik or 'tanpa NIK'})"
    for part in chunks(households):
        stmt = (
            select(Household.id, Household.kk_number, Person.name)
            .join(Person, Person.id == Household.head_person_id, isouter=True)
            .where(Household.id.in_(part))  # type: ignore[attr-defined]
        )
        for hid, kk, head in s.execute(stmt):
            out[hid] = f"KK {kk}" + (f" ({head})" if head else "")
    for part in chunks(enrolments):
        stmt = (
            select(Enrolment.id, Enrolment.program_code, Person.name)
            .join(Person, Person.id == Enrolment.person_id, isouter=True)
            .where(Enrolment.id.in_(part))  # type: ignore[attr-defined]
        )
        for eid, program, name in s.execute(stmt):
            out[eid] = f"{program}" + (f" — {name}" if name else "")
    return out
