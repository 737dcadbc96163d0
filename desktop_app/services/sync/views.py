"""What sync hands its callers: results of an export or import, and rows of the review queues,
with the Indonesian labels the GUI and CLI show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = [
    "ENTITY_LABELS",
    "FIELD_LABELS",
    "BundleView",
    "CandidateView",
    "CheckoutSummary",
    "ConflictView",
    "ExportResult",
    "ImportResult",
    "JoinOffer",
    "PeerView",
    "QuarantineView",
    "nested_dict",
    "value_text",
]


def nested_dict(view: Any, items: str) -> dict[str, Any]:
    """A view's fields for JSON output, its list of item views (field `items`) as dicts too."""
    data = dict(view.__dict__)
    data[items] = [item.__dict__ for item in data[items]]
    return data


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
    checkout: CheckoutSummary | None = None  # set for a checkout bundle


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
        return nested_dict(self, "candidates")


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
    reason: str  # in Indonesian; reason_code/params render it in another language
    status: str
    reason_code: str = ""
    bundle_id: str = ""
    reason_params: dict[str, Any] = field(default_factory=dict)

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
    "distribution_collector_correction": "Koreksi pengambil",
    "distribution_bast": "Berita acara serah terima",
    "case": "Kasus",
    "case_assessment": "Asesmen kasus",
    "case_plan": "Rencana kasus",
    "case_goal": "Tujuan rencana",
    "case_activity": "Kegiatan kasus",
    "case_stage": "Tahap SPPA",
    "case_device": "Alat bantu",
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
    "worker": "Pekerja sosial",
    "status,closed_on,close_reason,close_note": "Penutupan kasus",
    "closed_on": "Tanggal ditutup",
    "close_reason": "Alasan penutupan",
    "follow_up_on": "Tindak lanjut",
    "last_visit_on": "Kunjungan terakhir",
    "carer": "Pendamping",
    "visit_every_days": "Frekuensi kunjungan",
    "stage": "Tahap SPPA",
}


def value_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(value_text(v) for v in value.values() if v is not None) or "—"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return str(value)


@dataclass(frozen=True)
class CheckoutSummary:
    """What the office shows (and prints) when a checkout is made: what the bundle carries, and
    how the laptop knows it came from this office. The fingerprint and the one-time code must
    reach the laptop by another way than the bundle's stick: the screen, paper, the phone."""

    office_name: str
    office_fingerprint: str
    join_code: str
    carries: dict[str, int]  # rows per kind: households, persons, roster entries, enrolments...
    withheld: int  # restricted-programme enrolments the device's role may not hold
    # Which fields of persons and KPM it carries and which stay at the office (sync.slices).
    fields: str = ""


@dataclass(frozen=True)
class JoinOffer:
    """A checkout about to be joined, for the person at the laptop to confirm the office."""

    bundle_id: str
    office_name: str
    office_fingerprint: str
    device_name: str
    counts: dict[str, int]
