"""Disability services: assistive devices requested and handed over (with a signed receipt),
and the lists by kelurahan and ragam."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlmodel import col, select

from desktop_app.documents.casework import DeviceReceiptDoc, device_receipt_pdf
from desktop_app.domain.casework import DEVICE_KINDS, ActivityKind, device_handover_signed_bytes
from desktop_app.domain.programs import DISABILITY_RAGAM
from desktop_app.domain.receipts import encode_signature, format_receipt_number, signed_qr_payload
from desktop_app.services.casework import messages as m
from desktop_app.services.casework.cases import device_view
from desktop_app.services.casework.common import choice_key, load_json
from desktop_app.services.casework.sihore import SihoreOps
from desktop_app.services.casework.views import DeviceView, DisabilityRow
from desktop_app.services.context import ServiceError, UnitOfWork
from desktop_app.services.signing import device_signing_key
from desktop_app.storage.casework_models import CaseDevice

__all__ = ["DisabilityOps"]

PROGRAM = "DISABILITAS"

# Live disability cases with the person, the latest assessment's answers and the enrolment's
# details (the ragam recorded at enrolment, used until an assessment exists).
_CASES = text(
    "SELECT c.id, p.name, p.nik, p.kelurahan_code, "
    "(SELECT a.answers FROM case_assessment a WHERE a.case_id = c.id AND a.deleted = 0 "
    " ORDER BY a.assessed_on DESC, a.created_at DESC LIMIT 1), "
    "(SELECT e.details FROM enrolment e WHERE e.person_id = c.person_id "
    " AND e.program_code = 'DISABILITAS' AND e.deleted = 0 ORDER BY e.start_date DESC LIMIT 1) "
    "FROM case_file c JOIN person p ON p.id = c.person_id "
    "WHERE c.program_code = 'DISABILITAS' AND c.deleted = 0 AND c.status = :status"
)
_DEVICE_COUNTS = text(
    "SELECT d.case_id, d.status, count(*) FROM case_device d JOIN case_file c ON c.id = d.case_id "
    "WHERE c.program_code = 'DISABILITAS' AND d.deleted = 0 GROUP BY d.case_id, d.status"
)
_LAST_NUMBER = text(
    "SELECT number FROM case_device WHERE number LIKE :prefix ORDER BY number DESC LIMIT 1"
)


class DisabilityOps(SihoreOps):
    def request_device(
        self,
        case_id: str,
        kind: str,
        *,
        requested_on: date | None = None,
        spec: str | None = None,
        notes: str | None = None,
    ) -> str:
        """Record that a device (DEVICE_KINDS) is requested for a disability case."""
        self.require_casework()
        kind = choice_key(kind, DEVICE_KINDS, m.DEVICE_KIND_UNKNOWN, "kind")
        with self.ctx.unit_of_work() as uow:
            case = self.open_case_for_write(uow, case_id)
            self._require_program(case.program_code, PROGRAM)
            row = uow.create(
                CaseDevice,
                "case_device",
                case_id=case.id,
                kind=kind,
                status="diminta",
                requested_on=self.work_date(case, requested_on),
                spec=self.clean_notes(spec, 200),
                notes=self.clean_notes(notes),
            )
            return row.id

    def _requested_device(self, uow: UnitOfWork, device_id: str) -> CaseDevice:
        device = uow.session.get(CaseDevice, device_id) if device_id else None
        if device is None or device.deleted:
            raise ServiceError(m.DEVICE_NOT_FOUND)
        if device.status != "diminta":
            raise ServiceError(m.DEVICE_NOT_REQUESTED, status=device.status)
        return device

    def hand_over_device(
        self, device_id: str, *, received_by: str | None = None, delivered_on: date | None = None
    ) -> str:
        """Hand a requested device over: numbers the receipt (prefix AB + year, this device's
        name, a sequence), signs it with this device's Ed25519 key, records an "aid handed
        over" activity on the case. Returns the receipt number."""
        self.require_casework()
        signer = device_signing_key(self.ctx)
        with self.ctx.unit_of_work() as uow:
            device = self._requested_device(uow, device_id)
            case = self.open_case_for_write(uow, device.case_id)
            day = self.work_date(case, delivered_on)
            person = self.person_info(uow.session, case.person_id)
            receiver = " ".join((received_by or person.name).split())
            if not receiver:
                raise ServiceError(m.RECEIVER_REQUIRED)
            number = self._next_number(uow, day.year)
            officer = self.ctx.actor
            fields = {
                "id": device.id,
                "case_id": case.id,
                "kind": device.kind,
                "number": number,
                "delivered_on": day.isoformat(),
                "received_by": receiver,
                "officer": officer,
                "signed_by": self.ctx.device.id,
            }
            signature = encode_signature(
                signer.sign(device_handover_signed_bytes(fields)).signature
            )
            uow.update(
                device,
                "case_device",
                {
                    "status": "diserahkan",
                    "delivered_on": day,
                    "received_by": receiver,
                    "officer": officer,
                    "number": number,
                    "signed_by": self.ctx.device.id,
                    "signature": signature,
                },
                op="handover",
            )
            self.insert_activity(
                uow,
                case,
                ActivityKind.AID.value,
                done_on=day,
                notes=None,
                follow_up_on=None,
                target=None,
                details={"device_id": device.id, "kind": device.kind, "number": number},
            )
            return number

    def _next_number(self, uow: UnitOfWork, year: int) -> str:
        code = f"AB{year}"
        prefix = f"{code}-{self.ctx.device.name}-"
        last = uow.session.execute(_LAST_NUMBER, {"prefix": prefix + "%"}).scalar()
        seq = int(str(last).rsplit("-", 1)[1]) + 1 if last else 1
        return format_receipt_number(code, self.ctx.device.name, seq)

    def cancel_device_request(self, device_id: str, reason: str | None = None) -> None:
        self.require_casework()
        with self.ctx.unit_of_work() as uow:
            device = self._requested_device(uow, device_id)
            self.open_case_for_write(uow, device.case_id)
            uow.update(
                device, "case_device", {"status": "batal", "notes": self.clean_notes(reason)}
            )

    def devices(self, case_id: str) -> list[DeviceView]:
        self.require_casework()
        with self.ctx.db.session() as s:
            case = self.live_case(s, case_id)
            self.require_view(case.program_code)
            rows = s.exec(
                select(CaseDevice)
                .where(CaseDevice.case_id == case_id, CaseDevice.deleted == False)  # noqa: E712
                .order_by(col(CaseDevice.requested_on), col(CaseDevice.created_at))
            ).all()
            return [device_view(d) for d in rows]

    def device_receipt(self, device_id: str) -> DeviceReceiptDoc:
        self.require_casework()
        with self.ctx.db.session() as s:
            device = s.get(CaseDevice, device_id) if device_id else None
            if device is None or device.deleted:
                raise ServiceError(m.DEVICE_NOT_FOUND)
            case = self.live_case(s, device.case_id)
            self.require_view(case.program_code)
            if device.status != "diserahkan" or not device.number or device.delivered_on is None:
                raise ServiceError(m.DEVICE_NOT_DELIVERED)
            person = self.person_info(s, case.person_id)
            return DeviceReceiptDoc(
                number=device.number,
                person_name=person.name,
                person_nik=person.nik or "",
                address=person.address,
                kelurahan=person.kelurahan,
                device=DEVICE_KINDS.get(device.kind, device.kind),
                spec=device.spec or "",
                delivered_on=device.delivered_on,
                received_by=device.received_by or person.name,
                officer=device.officer or "",
                device_name=device.number.split("-")[1],
                qr_payload=signed_qr_payload(device.number, device.signature),
            )

    def device_receipt_pdf(self, device_id: str, path: Path) -> int:
        """The signed handover receipt (A5) of a delivered device; logged as a print."""
        doc = self.device_receipt(device_id)
        pages = device_receipt_pdf(Path(path), self.ctx.office, doc)
        self.ctx.log_access("print", "case_device", device_id, "device_receipt")
        return pages

    # -- lists -----------------------------------------------------------------------------
    def disability_list(
        self, *, kelurahan_code: str | None = None, ragam: str | None = None
    ) -> list[DisabilityRow]:
        """Open disability cases with ragam, severity and devices, by kelurahan then name;
        optionally only one kelurahan and/or one ragam (DISABILITY_RAGAM key)."""
        self.require_view(PROGRAM)
        if ragam is not None and ragam not in DISABILITY_RAGAM:
            raise ServiceError(m.RAGAM_UNKNOWN, ragam=ragam)
        with self.ctx.db.session() as s:
            cases = s.execute(_CASES, {"status": "aktif"}).all()
            device_counts: dict[str, Counter[str]] = defaultdict(Counter)
            for case_id, status, n in s.execute(_DEVICE_COUNTS):
                device_counts[case_id][status] += n
        rows: list[DisabilityRow] = []
        for case_id, name, nik, kel, answers_text, details_text in cases:
            if kelurahan_code and kel != kelurahan_code:
                continue
            answers = load_json(answers_text)
            kinds = answers.get("ragam") or load_json(details_text).get("ragam") or []
            kinds = tuple(k for k in DISABILITY_RAGAM if k in kinds)
            if ragam and ragam not in kinds:
                continue
            counts = device_counts.get(case_id, Counter())
            rows.append(
                DisabilityRow(
                    case_id=case_id,
                    person_name=name,
                    nik=nik,
                    kelurahan_code=kel,
                    kelurahan=self.kelurahan_name(kel),
                    ragam=kinds,
                    severity=answers.get("tingkat"),
                    devices_requested=counts["diminta"] + counts["diserahkan"],
                    devices_delivered=counts["diserahkan"],
                )
            )
        rows.sort(key=lambda r: (r.kelurahan, r.person_name, r.case_id))
        return rows

    def disability_table(self) -> dict[str, dict[str, int]]:
        """Open disability cases counted per kelurahan (name) and ragam: {kelurahan: {ragam:
        n}}; a person with two ragam counts under both."""
        table: dict[str, dict[str, int]] = {}
        for row in self.disability_list():
            line = table.setdefault(row.kelurahan or "-", dict.fromkeys(DISABILITY_RAGAM, 0))
            for kind in row.ragam:
                line[kind] += 1
        return dict(sorted(table.items()))
