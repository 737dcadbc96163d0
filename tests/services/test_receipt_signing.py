"""Receipts signed by their device: verified at the counter, at import (the check the import
path calls) and on demand; old unsigned receipts verify as unsigned, forged ones do not."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.domain.clock import FixedClock
from desktop_app.domain.receipts import encode_signature, parse_signed_code, receipt_signed_bytes
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.distribution import DistributionService, ReceiptView
from desktop_app.services.signing import (
    INVALID,
    UNKNOWN,
    UNSIGNED,
    VALID,
    SignatureChecker,
    remember_signer_keys,
    signer_keys,
    verify_code_text,
    verify_receipt_entry,
)
from desktop_app.services.sync.devices import DeviceService
from tests.conftest import FIXED_NOW
from tests.services.distribution_fixtures import World
from tests.sync.helpers import Site, join, open_site, open_two_point_round, register


@dataclass
class Sites:
    office: Site
    lap1: Site
    lap2: Site
    world: World
    round_id: str
    tmp: Path
    clock: FixedClock

    def dist(self, site: Site) -> DistributionService:
        return DistributionService(site.ctx)

    def receive(self, site: Site, family: int) -> ReceiptView:
        dist = self.dist(site)
        entry = dist.scan(self.round_id, self.world.families[family].head_nik)
        return dist.receive(self.round_id, entry.id)

    def exchange(self, laptop: Site, name: str) -> None:
        result = self.office.sync.import_bundle(laptop.sync.export(self.tmp / f"{name}.bdl").path)
        laptop.sync.import_bundle(result.ack.path)


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[Sites]:
    clock = FixedClock(FIXED_NOW)
    office = open_site(tmp_path, "office", clock)
    world, rid = open_two_point_round(office)
    laps = []
    for n in (1, 2):
        lap = open_site(tmp_path, f"lap{n}", clock)
        register(office, lap, f"LAP0{n}")
        office.sync.checkout(f"LAP0{n}", tmp_path / f"co{n}.bdl", round_id="RST4")
        join(lap, tmp_path / f"co{n}.bdl", office)
        laps.append(lap)
    yield Sites(office, laps[0], laps[1], world, rid, tmp_path, clock)
    for site in (office, *laps):
        site.ctx.close()


def receipt_fields(ctx: AppContext, number: str) -> dict[str, object]:
    with ctx.db.engine.connect() as conn:
        row = conn.execute(
            text("SELECT * FROM distribution_receipt WHERE number = :n"), {"n": number}
        ).mappings()
        return dict(row.one())


def tamper(ctx: AppContext, sql: str, **params: object) -> None:
    with ctx.db.engine.begin() as conn:
        conn.execute(text(sql), params)


def other_signature(payload: str) -> str:
    """The payload with a different (well-formed) signature."""
    parsed = parse_signed_code(payload)
    assert parsed is not None and parsed.signature is not None
    flipped = bytes([parsed.signature[0] ^ 1]) + parsed.signature[1:]
    return f"BERDAYA|{parsed.number}|{encode_signature(flipped)}"


def test_a_receipt_verifies_where_it_was_made_and_says_who_when_where(sites: Sites) -> None:
    receipt = sites.receive(sites.office, 0)
    v = verify_code_text(sites.office.ctx, receipt.qr_payload)
    assert (v.status, v.exit_code, v.reason) == (VALID, 0, None)
    details = dict(v.details)
    assert details["Penerima"] == receipt.recipient_name
    assert details["Titik salur"] == receipt.point_name
    assert details["Perangkat"] == receipt.device_name
    assert details["Waktu"] == "20 November 2026 pukul 10.00"


def test_field_receipts_verify_at_the_office_and_on_the_other_laptop_offline(sites: Sites) -> None:
    r1 = sites.receive(sites.lap1, 0)
    r2 = sites.receive(sites.lap2, 1)
    office_receipt = sites.receive(sites.office, 2)
    sites.exchange(sites.lap1, "b1")
    sites.exchange(sites.lap2, "b2")
    sites.exchange(sites.lap1, "b3")  # lap1 now holds lap2's receipt and, from the ack, its key
    for code in (r1.qr_payload, r2.qr_payload):
        assert verify_code_text(sites.office.ctx, code).status == VALID
    assert verify_code_text(sites.lap1.ctx, r2.qr_payload).status == VALID
    # LAP01 was registered before LAP02's checkout: that checkout already carried its key.
    assert verify_code_text(sites.lap2.ctx, r1.qr_payload).status == VALID
    # The office's own receipt reaches the laptops with their next exchange and verifies there.
    assert verify_code_text(sites.lap1.ctx, office_receipt.qr_payload).status == VALID


def test_a_laptop_that_never_learnt_a_key_says_so_instead_of_guessing(sites: Sites) -> None:
    r1 = sites.receive(sites.lap1, 0)
    fields = receipt_fields(sites.lap1.ctx, r1.number)
    problem = verify_receipt_entry(sites.lap1.ctx, dict(fields, device_id="perangkat-asing"))
    assert problem is not None and problem.code == "signing.signer_unknown"


def test_a_forged_or_altered_receipt_is_invalid(sites: Sites) -> None:
    receipt = sites.receive(sites.office, 0)
    ctx = sites.office.ctx
    forged = verify_code_text(ctx, other_signature(receipt.qr_payload))
    assert (forged.status, forged.exit_code) == (INVALID, 1)
    assert forged.reason is not None and forged.reason.code == "signing.signature_bad"
    # Another receipt's (valid) signature on this number.
    second = sites.receive(sites.office, 2)
    swapped = f"BERDAYA|{receipt.number}|{second.signature}"
    assert verify_code_text(ctx, swapped).status == INVALID
    damaged = verify_code_text(ctx, receipt.qr_payload[:-10] + "!!!")
    assert damaged.status == INVALID and damaged.reason is not None
    assert damaged.reason.code == "signing.signature_malformed"
    # The stored facts changed behind the app's back: the printed signature no longer fits.
    tamper(
        ctx,
        "UPDATE distribution_receipt SET collector_name = 'Orang Lain' WHERE number = :n",
        n=receipt.number,
    )
    assert verify_code_text(ctx, receipt.qr_payload).status == INVALID


def test_the_counter_refuses_a_forged_receipt_qr_with_a_code(sites: Sites) -> None:
    receipt = sites.receive(sites.office, 0)
    dist = sites.dist(sites.office)
    with pytest.raises(ServiceError) as info:
        dist.scan(sites.round_id, other_signature(receipt.qr_payload))
    assert info.value.code == "signing.signature_bad"
    # An old-style QR (number and short code) for a signed receipt claims what it cannot prove.
    with pytest.raises(ServiceError) as info:
        dist.scan(sites.round_id, f"BERDAYA|{receipt.number}|{receipt.verification_code}")
    assert info.value.code == "signing.signature_missing"
    # The genuine QR, and the number typed by hand, find the recipient.
    assert dist.scan(sites.round_id, receipt.qr_payload).id == receipt.roster_id
    assert dist.scan(sites.round_id, receipt.number).id == receipt.roster_id


def test_old_unsigned_receipts_verify_as_unsigned_not_invalid(sites: Sites) -> None:
    receipt = sites.receive(sites.office, 0)
    ctx = sites.office.ctx
    tamper(
        ctx, "UPDATE distribution_receipt SET signature = NULL WHERE number = :n", n=receipt.number
    )
    old_qr = f"BERDAYA|{receipt.number}|{receipt.verification_code}"
    v = verify_code_text(ctx, old_qr)
    assert (v.status, v.exit_code, v.reason) == (UNSIGNED, 0, None)
    assert v.verdict.id.startswith("TANPA TANDA TANGAN")
    assert sites.dist(sites.office).scan(sites.round_id, old_qr).id == receipt.roster_id
    wrong = verify_code_text(ctx, f"BERDAYA|{receipt.number}|AAAAAA")
    assert wrong.status == INVALID and wrong.reason is not None
    assert wrong.reason.code == "signing.short_code_mismatch"
    # A signature on a receipt that was never signed is a forgery.
    forged = verify_code_text(ctx, other_signature(receipt.qr_payload))
    assert forged.status == INVALID and forged.reason is not None
    assert forged.reason.code == "signing.signature_bad"


def test_unknown_and_unreadable_codes(sites: Sites) -> None:
    ctx = sites.office.ctx
    v = verify_code_text(ctx, "RST4-LAP09-000001")
    assert (v.status, v.exit_code) == (UNKNOWN, 1)
    assert v.reason is not None and v.reason.code == "signing.not_found"
    for junk in ("", "halo", "BERDAYA|bukan-nomor|x", "X" * 5000):
        with pytest.raises(ServiceError) as info:
            verify_code_text(ctx, junk)
        assert info.value.code == "signing.code_unreadable"


def test_verify_receipt_entry_for_the_import_path(sites: Sites) -> None:
    r1 = sites.receive(sites.lap1, 0)
    sites.exchange(sites.lap1, "b1")
    office = sites.office.ctx
    fields = receipt_fields(office, r1.number)
    checker = SignatureChecker(office)
    assert verify_receipt_entry(office, fields, checker=checker) is None
    # The change-log spelling of the same receipt (ISO time with offset) verifies too.
    iso = dict(fields, received_at=f"{fields['received_at']}".replace(" ", "T") + "+00:00")
    assert verify_receipt_entry(office, iso, checker=checker) is None
    for change in (
        {"roster_id": "lain"},
        {"number": "RST4-LAP01-000999"},
        {"collector_name": "Orang Lain"},
        {"received_at": "2026-11-21 03:00:00"},
        {"device_id": sites.lap2.ctx.device.id},
    ):
        problem = verify_receipt_entry(office, dict(fields, **change), checker=checker)
        assert problem is not None and problem.code == "signing.signature_bad", change
    unsigned = dict(fields, signature=None)
    missing = verify_receipt_entry(office, unsigned, checker=checker)
    assert missing is not None and missing.code == "signing.signature_missing"
    assert verify_receipt_entry(office, unsigned, require_signature=False) is None
    garbage = verify_receipt_entry(office, dict(fields, signature="x" * 40), checker=checker)
    assert garbage is not None and garbage.code == "signing.signature_malformed"


def test_a_revoked_laptops_signatures_count_only_before_its_revocation(sites: Sites) -> None:
    r1 = sites.receive(sites.lap1, 0)
    sites.exchange(sites.lap1, "b1")
    office = sites.office.ctx
    fields = receipt_fields(office, r1.number)
    sites.clock.advance(hours=1)
    DeviceService(office).revoke(sites.lap1.ctx.device.id, "Laptop hilang")
    assert verify_receipt_entry(office, fields) is None
    # A stolen key signing a receipt dated after the revocation.
    key = DeviceService(sites.lap1.ctx).signing_key()
    later = dict(fields, received_at="2026-11-20 05:00:00")
    later["signature"] = encode_signature(key.sign(receipt_signed_bytes(later)).signature)
    problem = verify_receipt_entry(office, later)
    assert problem is not None and problem.code == "signing.signed_after_revoked"


def test_signer_key_lists_from_a_bundle_are_bounded_and_checked(sites: Sites) -> None:
    ctx = sites.lap1.ctx
    with ctx.db.transaction() as s:
        assert remember_signer_keys(s, "bukan daftar") == 0
        assert remember_signer_keys(s, [{"device_id": "x"}] * 3000) == 0
        kept = remember_signer_keys(
            s, [{"device_id": "a", "name": "LAP09", "verify_key": "pendek"}, 7, None]
        )
        assert kept == 0
    # Its own key and its office are still known.
    keys = signer_keys(ctx)
    assert ctx.device.id in keys and sites.office.ctx.device.id in keys


def test_receipt_views_carry_the_signature(sites: Sites) -> None:
    receipt = sites.receive(sites.office, 0)
    [view] = sites.dist(sites.office).receipts(sites.round_id, receipt.roster_id)
    assert view.signature == receipt.signature
    assert dataclasses.replace(view, signature=None).qr_payload.endswith(receipt.verification_code)


# -- training certificates -------------------------------------------------------------------
def test_certificates_are_signed_and_verify(ctx: AppContext) -> None:
    from desktop_app.services.training import TrainingService
    from tests.training_helpers import make_training

    svc = TrainingService(ctx)
    tid, sessions, parts = make_training(ctx, participants=2)
    for sid in sessions:
        for pid in parts:
            svc.set_attendance(sid, pid, "H")
    svc.set_status(tid, "selesai")
    first, second = svc.issue_certificates(tid)
    [doc, _] = svc.certificate_data(tid)
    assert doc.number == first and doc.qr_payload.startswith(f"BERDAYA|{first}|")
    v = verify_code_text(ctx, doc.qr_payload)
    assert (v.status, v.kind) == (VALID, "certificate")
    assert dict(v.details)["Nomor"] == first
    # Another certificate's signature, or the bare number, proves nothing.
    [_, doc2] = svc.certificate_data(tid)
    swapped = doc2.qr_payload.replace(second, first)
    assert verify_code_text(ctx, swapped).status == INVALID
    assert verify_code_text(ctx, first).status == UNKNOWN
    # An altered record no longer matches its printed signature.
    tamper(ctx, "UPDATE certificate SET attendance_pct = 10 WHERE number = :n", n=first)
    assert verify_code_text(ctx, doc.qr_payload).status == INVALID
    # Certificates issued before signing: the bare number in the QR, verified as unsigned.
    tamper(
        ctx,
        "UPDATE certificate SET signature = NULL, signed_by = NULL WHERE number = :n",
        n=second,
    )
    assert verify_code_text(ctx, second).status == UNSIGNED
    [_, old] = svc.certificate_data(tid)
    assert old.qr_payload == second


def test_two_programs_making_the_first_key_at_once_get_the_same_key(tmp_path: Path) -> None:
    import threading

    from desktop_app.services.context import open_app
    from desktop_app.services.signing import device_signing_key

    path = tmp_path / "baru.sqlite"
    open_app(path).close()
    apps = [open_app(path) for _ in range(3)]
    barrier = threading.Barrier(len(apps))
    keys: list[bytes] = []
    errors: list[BaseException] = []

    def make(app: AppContext) -> None:
        barrier.wait()
        try:
            keys.append(bytes(device_signing_key(app)))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=make, args=(app,)) for app in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for app in apps:
        app.close()
    assert not errors and len(set(keys)) == 1
