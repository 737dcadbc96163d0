"""Disability services: assistive devices (request, signed handover, receipt), lists."""

from __future__ import annotations

from datetime import date

from nacl.signing import VerifyKey

from desktop_app.domain.casework import device_handover_signed_bytes
from desktop_app.domain.receipts import decode_signature, parse_signed_code
from desktop_app.services.casework import CaseworkService
from desktop_app.services.context import AppContext
from desktop_app.services.signing import device_signing_key
from desktop_app.storage.casework_models import CaseDevice
from tests.services.casework.conftest import KEL, KEL2, PersonMaker, refused


def test_device_request_and_signed_handover(
    ctx: AppContext, svc: CaseworkService, person: PersonMaker
) -> None:
    case_id = svc.open_case(person("DISABILITAS", name="Rudi Hartono"), "DISABILITAS")
    with refused("casework.device_kind_unknown"):
        svc.request_device(case_id, "sepeda")
    device_id = svc.request_device(case_id, "kursi_roda", spec="ukuran dewasa")
    number = svc.hand_over_device(device_id, received_by="Sulastri (istri)")
    assert number.startswith(f"AB2026-{ctx.device.name}-") and number.endswith("000001")
    second = svc.hand_over_device(svc.request_device(case_id, "tongkat"))
    assert second.endswith("000002")
    with refused("casework.device_not_requested"):
        svc.hand_over_device(device_id)
    detail = svc.get_case(case_id)
    assert [d.status for d in detail.devices] == ["diserahkan", "diserahkan"]
    assert [a.kind for a in detail.activities] == ["bantuan", "bantuan"]

    receipt = svc.device_receipt(device_id)
    assert receipt.received_by == "Sulastri (istri)" and receipt.device == "Kursi roda"
    code = parse_signed_code(receipt.qr_payload)
    assert code is not None and code.number == number and code.signature is not None
    with ctx.db.session() as s:
        row = s.get(CaseDevice, device_id)
        assert row is not None
        fields = row.model_dump()
    verify = VerifyKey(bytes(device_signing_key(ctx).verify_key))
    verify.verify(device_handover_signed_bytes(fields), decode_signature(row.signature or ""))


def test_cancel_and_receipt_only_when_delivered(svc: CaseworkService, person: PersonMaker) -> None:
    case_id = svc.open_case(person("DISABILITAS"), "DISABILITAS")
    device_id = svc.request_device(case_id, "alat_bantu_dengar")
    with refused("casework.device_not_delivered"):
        svc.device_receipt(device_id)
    svc.cancel_device_request(device_id, "Sudah mendapat dari BPJS")
    assert svc.devices(case_id)[0].status == "batal"
    with refused("casework.device_not_requested"):
        svc.hand_over_device(device_id)
    with refused("casework.device_not_found"):
        svc.hand_over_device("none")


def test_lists_by_kelurahan_and_ragam(svc: CaseworkService, person: PersonMaker) -> None:
    a = svc.open_case(person("DISABILITAS", name="Ani"), "DISABILITAS", opened_on=date(2026, 10, 1))
    b = svc.open_case(
        person(
            "DISABILITAS",
            name="Bayu",
            kel=KEL2,
            details={"ragam": ["sensorik_netra", "fisik"], "degree": "ganda"},
        ),
        "DISABILITAS",
    )
    svc.record_assessment(
        a, {"ragam": ["mental"], "tingkat": "sedang"}, assessed_on=date(2026, 11, 1)
    )
    svc.hand_over_device(svc.request_device(b, "tongkat_netra"))
    rows = svc.disability_list()
    assert [(r.person_name, r.ragam) for r in rows] == [
        ("Ani", ("mental",)),  # the assessment wins over the enrolment
        ("Bayu", ("fisik", "sensorik_netra")),
    ]
    assert rows[1].devices_delivered == 1 and rows[0].severity == "sedang"
    assert [r.case_id for r in svc.disability_list(kelurahan_code=KEL)] == [a]
    assert [r.case_id for r in svc.disability_list(ragam="fisik")] == [b]
    with refused("casework.ragam_unknown"):
        svc.disability_list(ragam="lain")
    table = svc.disability_table()
    assert table["Gedog"]["mental"] == 1 and sum(table["Gedog"].values()) == 1
