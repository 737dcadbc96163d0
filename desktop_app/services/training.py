"""Skills training use cases: trainings, sessions, participants, attendance, certificates.

Every write is one unit of work that appends change-log rows. Reads return plain frozen
dataclasses; the document builders get the dataclasses of `desktop_app.documents.training`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from desktop_app.documents.training import (
    AttendanceRecapData,
    AttendanceSheetData,
    CertificateData,
    RecapRow,
    SheetParticipant,
    SheetSession,
    TrainingInfo,
)
from desktop_app.domain.attendance import AttendanceCode, is_complete, parse_attendance
from desktop_app.domain.nik import Issue, Severity, clean_number, has_errors, mask_nik, validate_nik
from desktop_app.domain.office import format_date_id
from desktop_app.domain.training import (
    DEFAULT_SKILL_CATEGORIES,
    TRAINING_STATUS_LABELS,
    TrainingStatus,
    can_move,
    daily_dates,
    format_certificate_number,
)
from desktop_app.services.context import AppContext, ServiceError, UnitOfWork, require_live
from desktop_app.services.registry import PersonInput, RegistryService, ValidationFailed
from desktop_app.storage.models import Enrolment, Person, Region, Setting
from desktop_app.storage.training_models import (
    Attendance,
    Certificate,
    Training,
    TrainingParticipant,
    TrainingSession,
)

SETTINGS_KEY = "training_settings"
PROGRAM_CODE = "PELATIHAN"
ACTIVE = "aktif"
WITHDRAWN = "mundur"
MIN_OVERRIDE_REASON = 10
_NO_PERSON = "Data orang tidak ditemukan."
_NO_TRAINING = "Data pelatihan tidak ditemukan."
_NO_SESSION = "Data sesi tidak ditemukan."
_NO_PARTICIPANT = "Data peserta tidak ditemukan."


# -- inputs and views ------------------------------------------------------------------------
@dataclass(frozen=True)
class TrainingSettings:
    """Office-wide training options, kept in the database so they travel with it."""

    categories: tuple[str, ...] = DEFAULT_SKILL_CATEGORIES
    # Children often have no KTP yet; an office may accept them as flagged warning cases.
    allow_without_nik: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"categories": list(self.categories), "allow_without_nik": self.allow_without_nik}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainingSettings:
        categories = tuple(
            " ".join(str(c).split()) for c in data.get("categories") or () if str(c).strip()
        )
        return cls(
            categories=categories or DEFAULT_SKILL_CATEGORIES,
            allow_without_nik=bool(data.get("allow_without_nik", False)),
        )


@dataclass
class TrainingInput:
    title: str
    category: str
    organiser: str
    trainers: Sequence[str]
    venue: str
    start_date: date
    end_date: date
    quota: int | None = None
    threshold_pct: int | None = None  # None: the office profile's completion threshold
    notes: str | None = None


@dataclass(frozen=True)
class TrainingRow:
    id: str
    title: str
    category: str
    organiser: str
    trainers: tuple[str, ...]
    venue: str
    start_date: date
    end_date: date
    quota: int | None
    threshold_pct: int
    status: str
    notes: str | None
    participants: int  # active
    sessions: int

    @property
    def status_label(self) -> str:
        return TRAINING_STATUS_LABELS[TrainingStatus(self.status)]

    @property
    def places_left(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.participants, 0)

    def to_input(self) -> TrainingInput:
        return TrainingInput(
            title=self.title,
            category=self.category,
            organiser=self.organiser,
            trainers=list(self.trainers),
            venue=self.venue,
            start_date=self.start_date,
            end_date=self.end_date,
            quota=self.quota,
            threshold_pct=self.threshold_pct,
            notes=self.notes,
        )


@dataclass(frozen=True)
class SessionView:
    id: str
    number: int  # 1-based, in date/time order
    session_date: date
    start_time: str | None
    end_time: str | None
    topic: str

    @property
    def time_range(self) -> str:
        if self.start_time and self.end_time:
            return f"{self.start_time} - {self.end_time}"
        return self.start_time or ""


@dataclass(frozen=True)
class ParticipantView:
    id: str
    person_id: str
    number: int
    name: str
    nik: str | None
    sex: str
    birth_place: str | None
    birth_date: date | None
    kelurahan: str
    status: str
    registered_on: date
    withdrawn_on: date | None
    withdraw_reason: str | None
    nik_warning: bool

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


@dataclass(frozen=True)
class ParticipantResult:
    """A participant's standing against the completion rule."""

    participant: ParticipantView
    present: int
    total_sessions: int
    pct: int  # floored: never shows 80% for 79.5%
    complete: bool
    certificate_number: str | None
    override_reason: str | None


@dataclass(frozen=True)
class AttendanceGrid:
    training: TrainingRow
    sessions: list[SessionView]
    participants: list[ParticipantView]
    marks: dict[tuple[str, str], str] = field(default_factory=dict)  # (participant, session)
    today: date = date.min

    def code(self, participant_id: str, session_id: str) -> str | None:
        return self.marks.get((participant_id, session_id))

    def present(self, participant_id: str) -> int:
        return sum(1 for s in self.sessions if self.code(participant_id, s.id) == "H")

    def pct(self, participant_id: str) -> int:
        return floor_pct(self.present(participant_id), len(self.sessions))

    def complete(self, participant_id: str) -> bool:
        codes = [self.code(participant_id, s.id) for s in self.sessions]
        return is_complete(codes, len(self.sessions), self.training.threshold_pct)

    def column_counts(self, session_id: str) -> dict[str, int]:
        counts = {c.value: 0 for c in AttendanceCode}
        for p in self.participants:
            if p.active:
                code = self.code(p.id, session_id)
                if code in counts:
                    counts[code] += 1
        return counts

    def below_rule(self) -> list[ParticipantView]:
        return [p for p in self.participants if p.active and not self.complete(p.id)]

    def is_future(self, session: SessionView) -> bool:
        return session.session_date > self.today


@dataclass(frozen=True)
class CertificateView:
    number: str
    participant_id: str
    name: str
    issued_on: date
    attendance_pct: int
    override_reason: str | None


def floor_pct(present: int, total: int) -> int:
    return 0 if total <= 0 else present * 100 // total


def _split_trainers(trainers: Sequence[str] | str) -> list[str]:
    items = trainers.splitlines() if isinstance(trainers, str) else list(trainers)
    parts: list[str] = []
    for item in items:
        parts.extend(p for p in (" ".join(x.split()) for x in str(item).split(";")) if p)
    return parts


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def _time_text(value: time | str | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value.strftime("%H:%M")
    from desktop_app.domain.training import parse_time

    parsed = parse_time(value)
    if parsed is None:
        raise ServiceError(f"Jam '{value}' tidak dikenali; tulis seperti 08.00 atau 13:30.")
    return parsed.strftime("%H:%M")


class TrainingService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.registry = RegistryService(ctx)

    # -- settings --------------------------------------------------------------------------
    def settings(self) -> TrainingSettings:
        with self.ctx.db.session() as s:
            row = s.get(Setting, SETTINGS_KEY)
            return TrainingSettings.from_dict(json.loads(row.value) if row else {})

    def save_settings(self, settings: TrainingSettings) -> None:
        settings = TrainingSettings.from_dict(settings.to_dict())
        with self.ctx.unit_of_work() as w:
            row = w.session.get(Setting, SETTINGS_KEY)
            before = json.loads(row.value) if row else {}
            after = settings.to_dict()
            if row is None:
                row = Setting(key=SETTINGS_KEY, value="{}")
            row.value = json.dumps(after, ensure_ascii=False)
            w.session.add(row)
            changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
            if changes:
                w.log("setting", SETTINGS_KEY, "update", changes)

    # -- trainings -------------------------------------------------------------------------
    def _check_training(self, inp: TrainingInput, current: Training | None = None) -> dict:
        title = _clean(inp.title)
        category = _clean(inp.category)
        organiser = _clean(inp.organiser)
        venue = _clean(inp.venue)
        trainers = _split_trainers(inp.trainers)
        problems: list[str] = []
        if not title:
            problems.append("Nama pelatihan wajib diisi.")
        if not category:
            problems.append("Kategori keterampilan wajib dipilih.")
        if not organiser:
            problems.append("Penyelenggara wajib diisi.")
        if not venue:
            problems.append("Tempat pelatihan wajib diisi.")
        if not trainers:
            problems.append("Isi paling sedikit satu nama pelatih.")
        if inp.end_date < inp.start_date:
            problems.append("Tanggal selesai tidak boleh sebelum tanggal mulai.")
        if inp.quota is not None and inp.quota < 1:
            problems.append("Kuota harus minimal 1 peserta (kosongkan bila tanpa batas).")
        threshold = (
            inp.threshold_pct
            if inp.threshold_pct is not None
            else self.ctx.office.completion_threshold_pct
        )
        if not 0 <= threshold <= 100:
            problems.append("Batas kehadiran kelulusan harus antara 0 dan 100 persen.")
        if problems:
            raise ServiceError("\n".join(problems))
        return {
            "title": title,
            "category": category,
            "organiser": organiser,
            "trainers": "\n".join(trainers),
            "venue": venue,
            "start_date": inp.start_date,
            "end_date": inp.end_date,
            "quota": inp.quota,
            "threshold_pct": int(threshold),
            "notes": _clean(inp.notes),
        }

    def create_training(self, inp: TrainingInput, *, uow: UnitOfWork | None = None) -> str:
        values = self._check_training(inp)
        with self.ctx.join_or_open(uow) as w:
            training = w.create(Training, "training", **values, status=TrainingStatus.PLANNED.value)
            return training.id

    def update_training(self, training_id: str, inp: TrainingInput) -> dict:
        values = self._check_training(inp)
        with self.ctx.unit_of_work() as w:
            training = w.require(Training, training_id, _NO_TRAINING)
            if training.status == TrainingStatus.FINISHED.value and (
                values["threshold_pct"] != training.threshold_pct
            ):
                raise ServiceError(
                    "Pelatihan sudah selesai; batas kehadiran kelulusan tidak dapat diubah lagi."
                )
            active = self._active_count(w, training_id)
            if values["quota"] is not None and values["quota"] < active:
                raise ServiceError(
                    f"Kuota {values['quota']} lebih kecil dari jumlah peserta aktif ({active})."
                )
            return w.update(training, "training", values)

    def set_status(self, training_id: str, status: TrainingStatus | str) -> None:
        target = TrainingStatus(status)
        with self.ctx.unit_of_work() as w:
            training = w.require(Training, training_id, _NO_TRAINING)
            if training.status == target.value:
                return
            if not can_move(training.status, target):
                raise ServiceError(
                    f"Status pelatihan tidak dapat diubah dari "
                    f"{TRAINING_STATUS_LABELS[TrainingStatus(training.status)]} ke "
                    f"{TRAINING_STATUS_LABELS[target]}."
                )
            if target == TrainingStatus.FINISHED:
                sessions = self._sessions(w, training_id)
                if not sessions:
                    raise ServiceError("Pelatihan belum memiliki sesi; tambahkan sesi dahulu.")
                last = max(s.session_date for s in sessions)
                if last > self.ctx.clock.today():
                    raise ServiceError(
                        f"Sesi terakhir baru pada {format_date_id(last)}; pelatihan belum dapat "
                        "dinyatakan selesai."
                    )
            w.update(training, "training", {"status": target.value}, op="status")

    def delete_training(self, training_id: str, reason: str) -> None:
        if not reason.strip():
            raise ServiceError("Alasan penghapusan wajib diisi.")
        with self.ctx.unit_of_work() as w:
            training = w.require(Training, training_id, _NO_TRAINING)
            if self._active_count(w, training_id) or self._sessions(w, training_id):
                raise ServiceError(
                    "Pelatihan yang sudah memiliki sesi atau peserta tidak dapat dihapus."
                )
            notes = f"{training.notes}\n[dihapus] {reason.strip()}" if training.notes else None
            w.update(
                training,
                "training",
                {"deleted": True, "notes": notes or f"[dihapus] {reason.strip()}"},
                op="delete",
            )

    def list_trainings(self, status: str | None = None) -> list[TrainingRow]:
        with self.ctx.db.session() as s:
            stmt = select(Training).where(Training.deleted == False)  # noqa: E712
            if status:
                stmt = stmt.where(Training.status == status)
            trainings = s.exec(stmt.order_by(Training.start_date.desc())).all()  # type: ignore[attr-defined]
            counts = dict(
                s.exec(
                    select(TrainingParticipant.training_id, func.count())
                    .where(
                        TrainingParticipant.status == ACTIVE,
                        TrainingParticipant.deleted == False,  # noqa: E712
                    )
                    .group_by(TrainingParticipant.training_id)
                ).all()
            )
            sessions = dict(
                s.exec(
                    select(TrainingSession.training_id, func.count())
                    .where(TrainingSession.deleted == False)  # noqa: E712
                    .group_by(TrainingSession.training_id)
                ).all()
            )
        return [_training_row(t, counts.get(t.id, 0), sessions.get(t.id, 0)) for t in trainings]

    def get_training(self, training_id: str) -> TrainingRow:
        with self.ctx.db.session() as s:
            t = require_live(s, Training, training_id, _NO_TRAINING)
            participants = s.exec(
                select(func.count()).where(
                    TrainingParticipant.training_id == training_id,
                    TrainingParticipant.status == ACTIVE,
                    TrainingParticipant.deleted == False,  # noqa: E712
                )
            ).one()
            sessions = s.exec(
                select(func.count()).where(
                    TrainingSession.training_id == training_id,
                    TrainingSession.deleted == False,  # noqa: E712
                )
            ).one()
        return _training_row(t, int(participants), int(sessions))

    # -- sessions --------------------------------------------------------------------------
    def add_session(
        self,
        training_id: str,
        session_date: date,
        topic: str,
        start_time: time | str | None = None,
        end_time: time | str | None = None,
    ) -> str:
        return self.add_sessions(training_id, [(session_date, topic)], start_time, end_time)[0]

    def add_sessions(
        self,
        training_id: str,
        dated_topics: Iterable[tuple[date, str]],
        start_time: time | str | None = None,
        end_time: time | str | None = None,
        *,
        uow: UnitOfWork | None = None,
    ) -> list[str]:
        start_text, end_text = _time_text(start_time), _time_text(end_time)
        if start_text and end_text and end_text <= start_text:
            raise ServiceError("Jam selesai harus sesudah jam mulai.")
        items = [(d, _clean(topic) or "") for d, topic in dated_topics]
        if not items:
            raise ServiceError("Tidak ada tanggal sesi dalam rentang itu.")
        with self.ctx.join_or_open(uow) as w:
            training = w.require(Training, training_id, _NO_TRAINING)
            if training.status == TrainingStatus.FINISHED.value:
                raise ServiceError("Pelatihan sudah selesai; sesi tidak dapat ditambah.")
            existing = {(s.session_date, s.start_time) for s in self._sessions(w, training_id)}
            ids: list[str] = []
            now = w.now()
            for session_date, topic in items:
                if (session_date, start_text) in existing:
                    raise ServiceError(
                        f"Sudah ada sesi pada {format_date_id(session_date)}"
                        + (f" pukul {start_text}" if start_text else "")
                        + "."
                    )
                existing.add((session_date, start_text))
                session = w.create(
                    TrainingSession,
                    "training_session",
                    training_id=training_id,
                    session_date=session_date,
                    start_time=start_text,
                    end_time=end_text,
                    topic=topic or f"Sesi {len(existing)}",
                    created_at=now,
                    updated_at=now,
                )
                ids.append(session.id)
            self._widen_dates(w, training, [d for d, _t in items])
            return ids

    def add_daily_sessions(
        self,
        training_id: str,
        start: date,
        end: date,
        *,
        topics: Sequence[str] = (),
        start_time: time | str | None = None,
        end_time: time | str | None = None,
        skip_weekends: bool = False,
    ) -> list[str]:
        """One session per day from `start` to `end` ("setiap hari 1-5 Desember"); topics are
        used in order, the rest are numbered."""
        if end < start:
            raise ServiceError("Tanggal akhir tidak boleh sebelum tanggal awal.")
        if (end - start).days > 366:
            raise ServiceError("Rentang tanggal terlalu panjang (lebih dari satu tahun).")
        weekdays = range(5) if skip_weekends else None
        dates = list(daily_dates(start, end, weekdays=weekdays))
        offset = len(self.sessions(training_id))
        topic_list = [t for t in (_clean(x) for x in topics) if t]
        dated = [
            (d, topic_list[i] if i < len(topic_list) else f"Sesi {offset + i + 1}")
            for i, d in enumerate(dates)
        ]
        return self.add_sessions(training_id, dated, start_time, end_time)

    def update_session(
        self,
        session_id: str,
        session_date: date,
        topic: str,
        start_time: time | str | None = None,
        end_time: time | str | None = None,
    ) -> dict:
        start_text, end_text = _time_text(start_time), _time_text(end_time)
        if start_text and end_text and end_text <= start_text:
            raise ServiceError("Jam selesai harus sesudah jam mulai.")
        if not _clean(topic):
            raise ServiceError("Topik sesi wajib diisi.")
        with self.ctx.unit_of_work() as w:
            session = w.require(TrainingSession, session_id, _NO_SESSION)
            training = w.require(Training, session.training_id, _NO_TRAINING)
            if training.status == TrainingStatus.FINISHED.value:
                raise ServiceError("Pelatihan sudah selesai; sesi tidak dapat diubah.")
            if session_date > self.ctx.clock.today() and self._has_marks(w, session_id):
                raise ServiceError(
                    "Sesi ini sudah memiliki data kehadiran; tanggalnya tidak dapat dipindah "
                    "ke masa depan."
                )
            changes = w.update(
                session,
                "training_session",
                {
                    "session_date": session_date,
                    "topic": _clean(topic),
                    "start_time": start_text,
                    "end_time": end_text,
                },
            )
            self._widen_dates(w, training, [session_date])
            return changes

    def remove_session(self, session_id: str) -> None:
        with self.ctx.unit_of_work() as w:
            session = w.require(TrainingSession, session_id, _NO_SESSION)
            training = w.require(Training, session.training_id, _NO_TRAINING)
            if training.status == TrainingStatus.FINISHED.value:
                raise ServiceError("Pelatihan sudah selesai; sesi tidak dapat dihapus.")
            if self._has_marks(w, session_id):
                raise ServiceError(
                    "Sesi ini sudah memiliki data kehadiran dan tidak dapat dihapus."
                )
            w.update(session, "training_session", {"deleted": True}, op="delete")

    def sessions(self, training_id: str) -> list[SessionView]:
        with self.ctx.db.session() as s:
            rows = self._sessions(s, training_id)
        return [_session_view(i + 1, r) for i, r in enumerate(rows)]

    # -- participants ----------------------------------------------------------------------
    def add_participant(
        self,
        training_id: str,
        person_id: str,
        *,
        uow: UnitOfWork | None = None,
        registered_on: date | None = None,
    ) -> str:
        """Put a registry person in the training. Refuses a duplicate, a full training, and a
        person without a valid NIK unless the office allows such warning cases."""
        allow_without_nik = self.settings().allow_without_nik
        with self.ctx.join_or_open(uow) as w:
            training = w.require(Training, training_id, _NO_TRAINING)
            if training.status == TrainingStatus.FINISHED.value:
                raise ServiceError("Pelatihan sudah selesai; peserta tidak dapat ditambah.")
            person = w.require(Person, person_id, _NO_PERSON)
            if person.status != "aktif":
                raise ServiceError(
                    f"{person.name} berstatus {person.status}; tidak dapat menjadi peserta."
                )
            existing = w.session.exec(
                select(TrainingParticipant).where(
                    TrainingParticipant.training_id == training_id,
                    TrainingParticipant.person_id == person_id,
                    TrainingParticipant.deleted == False,  # noqa: E712
                )
            ).first()
            if existing is not None and existing.status == ACTIVE:
                raise ServiceError(f"{person.name} sudah terdaftar sebagai peserta pelatihan ini.")
            self._check_quota(w, training)
            nik_warning = not self._nik_ok(person)
            if nik_warning and not allow_without_nik:
                raise ServiceError(
                    f"{person.name} belum memiliki NIK yang valid. Peserta tanpa NIK (mis. anak "
                    "yang belum ber-KTP) hanya dapat didaftarkan bila diizinkan di Pengaturan "
                    "pelatihan."
                )
            today = registered_on or self.ctx.clock.today()
            if existing is not None:
                # A withdrawn participant comes back on the same row: never the person twice.
                w.update(
                    existing,
                    "training_participant",
                    {
                        "status": ACTIVE,
                        "withdrawn_on": None,
                        "withdraw_reason": None,
                        "nik_warning": nik_warning,
                    },
                    op="reinstate",
                )
                return existing.id
            participant = w.create(
                TrainingParticipant,
                "training_participant",
                training_id=training_id,
                person_id=person_id,
                status=ACTIVE,
                registered_on=today,
                nik_warning=nik_warning,
            )
            self._ensure_enrolment(w, person_id, today)
            return participant.id

    def check_new_participant(self, inp: PersonInput) -> list[Issue]:
        """What registering this person on the spot would say: registry errors and warnings,
        plus the training's NIK rule."""
        issues = self.registry.check_person(inp)
        nik = clean_number(inp.nik or "")
        if not nik:
            severity = Severity.WARNING if self.settings().allow_without_nik else Severity.ERROR
            issues.append(
                Issue(
                    "training.no_nik",
                    severity,
                    "Peserta tanpa NIK: dicatat sebagai kasus peringatan."
                    if severity == Severity.WARNING
                    else "NIK wajib diisi (peserta tanpa NIK tidak diizinkan di Pengaturan "
                    "pelatihan).",
                    {},
                )
            )
        return issues

    def register_participant(
        self, training_id: str, inp: PersonInput, *, registered_on: date | None = None
    ) -> str:
        """Register a new person in the registry and add them, in one transaction."""
        nik = clean_number(inp.nik or "")
        if nik:
            other = self.registry.find_person_by_nik(nik)
            if other is not None:
                raise ServiceError(
                    f"NIK {nik} sudah terdaftar atas nama {other.name}. Cari orang tersebut di "
                    "registri dan tambahkan sebagai peserta."
                )
        elif not self.settings().allow_without_nik:
            raise ServiceError(
                "NIK wajib diisi. Peserta tanpa NIK hanya dapat didaftarkan bila diizinkan di "
                "Pengaturan pelatihan."
            )
        with self.ctx.unit_of_work(source="pendaftaran peserta pelatihan") as w:
            training = w.require(Training, training_id, _NO_TRAINING)
            self._check_quota(w, training)  # before creating a person the training can't take
            person_id = self.registry.create_person(inp, uow=w)
            w.session.flush()
            return self.add_participant(training_id, person_id, uow=w, registered_on=registered_on)

    def withdraw(self, participant_id: str, reason: str, on: date | None = None) -> None:
        reason = _clean(reason) or ""
        if not reason:
            raise ServiceError("Alasan mundur wajib diisi.")
        on = on or self.ctx.clock.today()
        if on > self.ctx.clock.today():
            raise ServiceError("Tanggal mundur tidak boleh di masa depan.")
        with self.ctx.unit_of_work() as w:
            participant = w.require(TrainingParticipant, participant_id, _NO_PARTICIPANT)
            if participant.status != ACTIVE:
                raise ServiceError("Peserta ini sudah mundur.")
            training = w.require(Training, participant.training_id, _NO_TRAINING)
            if training.status == TrainingStatus.FINISHED.value:
                raise ServiceError("Pelatihan sudah selesai; peserta tidak dapat mundur.")
            w.update(
                participant,
                "training_participant",
                {"status": WITHDRAWN, "withdrawn_on": on, "withdraw_reason": reason},
                op="withdraw",
            )

    def participants(
        self, training_id: str, include_withdrawn: bool = True
    ) -> list[ParticipantView]:
        with self.ctx.db.session() as s:
            stmt = (
                select(TrainingParticipant, Person, Region.name)
                .join(Person, Person.id == TrainingParticipant.person_id)  # type: ignore[arg-type]
                .join(Region, Region.code == Person.kelurahan_code, isouter=True)  # type: ignore[arg-type]
                .where(
                    TrainingParticipant.training_id == training_id,
                    TrainingParticipant.deleted == False,  # noqa: E712
                )
            )
            if not include_withdrawn:
                stmt = stmt.where(TrainingParticipant.status == ACTIVE)
            rows = s.exec(stmt).all()
        rows = sorted(rows, key=lambda r: (r[0].status != ACTIVE, r[1].name.upper(), r[1].id))
        return [
            ParticipantView(
                id=p.id,
                person_id=person.id,
                number=i + 1,
                name=person.name,
                nik=person.nik,
                sex=person.sex,
                birth_place=person.birth_place,
                birth_date=person.birth_date,
                kelurahan=kelurahan or "",
                status=p.status,
                registered_on=p.registered_on,
                withdrawn_on=p.withdrawn_on,
                withdraw_reason=p.withdraw_reason,
                nik_warning=p.nik_warning,
            )
            for i, (p, person, kelurahan) in enumerate(rows)
        ]

    def participant_person_ids(self, training_id: str) -> set[str]:
        """Persons already active in the training (the picker greys them out)."""
        with self.ctx.db.session() as s:
            return set(
                s.exec(
                    select(TrainingParticipant.person_id).where(
                        TrainingParticipant.training_id == training_id,
                        TrainingParticipant.status == ACTIVE,
                        TrainingParticipant.deleted == False,  # noqa: E712
                    )
                ).all()
            )

    # -- attendance ------------------------------------------------------------------------
    def set_attendance(
        self, session_id: str, participant_id: str, code: AttendanceCode | str | None
    ) -> None:
        self.set_attendance_many(session_id, {participant_id: code})

    def set_attendance_many(
        self,
        session_id: str,
        marks: Mapping[str, AttendanceCode | str | None],
        *,
        uow: UnitOfWork | None = None,
    ) -> int:
        """Record marks for one session in one transaction; returns how many changed."""
        parsed: dict[str, str | None] = {}
        for participant_id, raw in marks.items():
            if raw is None or raw == "":
                parsed[participant_id] = None
                continue
            code = parse_attendance(str(raw))
            if code is None:
                raise ServiceError(
                    f"Kode kehadiran '{raw}' tidak dikenal; gunakan H (hadir), I (izin), "
                    "S (sakit) atau A (alpa)."
                )
            parsed[participant_id] = code.value
        with self.ctx.join_or_open(uow) as w:
            session = w.require(TrainingSession, session_id, _NO_SESSION)
            training = w.require(Training, session.training_id, _NO_TRAINING)
            self._check_can_mark(training, session)
            existing = {
                a.participant_id: a
                for a in w.session.exec(
                    select(Attendance).where(
                        Attendance.session_id == session_id,
                        Attendance.deleted == False,  # noqa: E712
                    )
                ).all()
            }
            # One query for every participant: a per-row lookup would flush the pending
            # inserts each time and make "semua hadir" for 80 people crawl.
            people = {
                p.id: p
                for p in w.session.exec(
                    select(TrainingParticipant).where(
                        TrainingParticipant.id.in_(list(parsed)),  # type: ignore[attr-defined]
                        TrainingParticipant.deleted == False,  # noqa: E712
                    )
                ).all()
            }
            changed = 0
            now = w.now()
            for participant_id, code in parsed.items():
                participant = people.get(participant_id)
                if participant is None:
                    raise ServiceError("Data peserta tidak ditemukan.")
                if participant.training_id != training.id:
                    raise ServiceError("Peserta ini bukan peserta pelatihan tersebut.")
                if participant.status != ACTIVE:
                    raise ServiceError("Peserta ini sudah mundur; kehadirannya tidak dapat diubah.")
                row = existing.get(participant_id)
                if row is None:
                    if code is None:
                        continue
                    row = w.create(
                        Attendance,
                        "attendance",
                        op="mark",
                        session_id=session_id,
                        participant_id=participant_id,
                        code=code,
                        created_at=now,
                        updated_at=now,
                    )
                    existing[participant_id] = row
                    changed += 1
                elif w.update(row, "attendance", {"code": code}, op="mark"):
                    changed += 1
            if changed and training.status == TrainingStatus.PLANNED.value:
                # The first mark means the training has started; no extra click for the clerk.
                running = {"status": TrainingStatus.RUNNING.value}
                w.update(training, "training", running, op="status")
            return changed

    def mark_all_present(self, session_id: str) -> int:
        """'Semua hadir': every active participant without a mark becomes H. Marks already
        entered (izin, sakit) are kept."""
        with self.ctx.db.session() as s:
            session = require_live(s, TrainingSession, session_id, _NO_SESSION)
            marked = set(
                s.exec(
                    select(Attendance.participant_id).where(
                        Attendance.session_id == session_id,
                        Attendance.deleted == False,  # noqa: E712
                        Attendance.code != None,  # noqa: E711
                    )
                ).all()
            )
            active = s.exec(
                select(TrainingParticipant.id).where(
                    TrainingParticipant.training_id == session.training_id,
                    TrainingParticipant.status == ACTIVE,
                    TrainingParticipant.deleted == False,  # noqa: E712
                )
            ).all()
        todo = {pid: AttendanceCode.HADIR.value for pid in active if pid not in marked}
        if not todo:
            return 0
        return self.set_attendance_many(session_id, todo)

    def attendance_grid(self, training_id: str) -> AttendanceGrid:
        training = self.get_training(training_id)
        sessions = self.sessions(training_id)
        participants = self.participants(training_id)
        with self.ctx.db.session() as s:
            marks = {
                (a.participant_id, a.session_id): a.code
                for a in s.exec(
                    select(Attendance)
                    .join(TrainingSession, TrainingSession.id == Attendance.session_id)  # type: ignore[arg-type]
                    .where(
                        TrainingSession.training_id == training_id,
                        Attendance.deleted == False,  # noqa: E712
                        Attendance.code != None,  # noqa: E711
                    )
                ).all()
            }
        return AttendanceGrid(
            training=training,
            sessions=sessions,
            participants=participants,
            marks=marks,  # type: ignore[arg-type]
            today=self.ctx.clock.today(),
        )

    def results(self, training_id: str) -> list[ParticipantResult]:
        grid = self.attendance_grid(training_id)
        certs = {c.participant_id: c for c in self._certificates(training_id)}
        out = []
        for p in grid.participants:
            cert = certs.get(p.id)
            out.append(
                ParticipantResult(
                    participant=p,
                    present=grid.present(p.id),
                    total_sessions=len(grid.sessions),
                    pct=grid.pct(p.id),
                    complete=p.active and grid.complete(p.id),
                    certificate_number=cert.number if cert else None,
                    override_reason=cert.override_reason if cert else None,
                )
            )
        return out

    # -- certificates ----------------------------------------------------------------------
    def issue_certificates(self, training_id: str) -> list[str]:
        """Numbers for every active participant who meets the rule and has none yet."""
        training = self.get_training(training_id)
        self._check_can_certify(training)
        eligible = [
            r.participant.id
            for r in self.results(training_id)
            if r.complete and r.certificate_number is None
        ]
        if not eligible:
            return []
        with self.ctx.unit_of_work() as w:
            return [self._issue(w, training_id, pid, None) for pid in eligible]

    def issue_certificate_override(self, participant_id: str, reason: str) -> str:
        """A certificate below the completion rule: an administrator's decision with its
        reason, kept on the certificate and in the change log."""
        reason = _clean(reason) or ""
        if len(reason) < MIN_OVERRIDE_REASON:
            raise ServiceError(
                "Tuliskan alasan pengecualian dengan jelas (minimal "
                f"{MIN_OVERRIDE_REASON} huruf); alasan ini tercatat di riwayat perubahan."
            )
        with self.ctx.db.session() as s:
            participant = require_live(s, TrainingParticipant, participant_id, _NO_PARTICIPANT)
            training_id = participant.training_id
        training = self.get_training(training_id)
        self._check_can_certify(training)
        result = next(r for r in self.results(training_id) if r.participant.id == participant_id)
        if not result.participant.active:
            raise ServiceError("Peserta yang sudah mundur tidak dapat diberi sertifikat.")
        if result.certificate_number is not None:
            raise ServiceError(
                f"{result.participant.name} sudah memiliki sertifikat {result.certificate_number}."
            )
        if result.complete:
            raise ServiceError(
                f"{result.participant.name} memenuhi syarat kehadiran; terbitkan sertifikat biasa."
            )
        with self.ctx.unit_of_work() as w:
            number = self._issue(w, training_id, participant_id, reason)
            w.log(
                "certificate",
                number,
                "override",
                {
                    "participant": [None, result.participant.name],
                    "attendance_pct": [None, result.pct],
                    "threshold_pct": [None, training.threshold_pct],
                    "reason": [None, reason],
                },
            )
            return number

    def certificates(self, training_id: str) -> list[CertificateView]:
        names = {p.id: p.name for p in self.participants(training_id)}
        return [
            CertificateView(
                number=c.number,
                participant_id=c.participant_id,
                name=names.get(c.participant_id, ""),
                issued_on=c.issued_on,
                attendance_pct=c.attendance_pct,
                override_reason=c.override_reason,
            )
            for c in self._certificates(training_id)
        ]

    def _issue(
        self, w: UnitOfWork, training_id: str, participant_id: str, override: str | None
    ) -> str:
        device = self.ctx.office.device_name
        training = w.require(Training, training_id, _NO_TRAINING)
        # Certificates carry the closing day of the training, as offices date them, unless
        # they are issued before it (then the day they are issued).
        today = min(training.end_date, self.ctx.clock.today())
        last = w.session.exec(
            select(func.max(Certificate.sequence)).where(
                Certificate.device == device, Certificate.year == today.year
            )
        ).one()
        sequence = int(last or 0) + 1
        number = format_certificate_number(sequence, device, today)
        grid_pct = self._pct_for(w, training_id, participant_id)
        w.create(
            Certificate,
            "certificate",
            op="issue",
            number=number,
            training_id=training_id,
            participant_id=participant_id,
            device=device,
            year=today.year,
            sequence=sequence,
            issued_on=today,
            attendance_pct=grid_pct,
            override_reason=override,
        )
        w.session.flush()  # the next number in this transaction must see this one
        return number

    def _pct_for(self, w: UnitOfWork, training_id: str, participant_id: str) -> int:
        session_ids = [s.id for s in self._sessions(w, training_id)]
        present = w.session.exec(
            select(func.count()).where(
                Attendance.participant_id == participant_id,
                Attendance.session_id.in_(session_ids),  # type: ignore[attr-defined]
                Attendance.code == AttendanceCode.HADIR.value,
                Attendance.deleted == False,  # noqa: E712
            )
        ).one()
        return floor_pct(int(present), len(session_ids))

    def _certificates(self, training_id: str) -> list[Certificate]:
        with self.ctx.db.session() as s:
            return list(
                s.exec(
                    select(Certificate)
                    .where(
                        Certificate.training_id == training_id,
                        Certificate.deleted == False,  # noqa: E712
                    )
                    .order_by(Certificate.sequence)  # type: ignore[arg-type]
                ).all()
            )

    # -- document data ---------------------------------------------------------------------
    def training_info(self, training_id: str) -> TrainingInfo:
        t = self.get_training(training_id)
        return TrainingInfo(
            title=t.title,
            category=t.category,
            organiser=t.organiser,
            trainers=t.trainers,
            venue=t.venue,
            start_date=t.start_date,
            end_date=t.end_date,
            threshold_pct=t.threshold_pct,
        )

    def attendance_sheet_data(
        self, training_id: str, session_id: str | None = None
    ) -> AttendanceSheetData:
        """What a daftar hadir needs: the chosen session (or every session) and the active
        participants, numbered, with masked NIKs."""
        info = self.training_info(training_id)
        sessions = self.sessions(training_id)
        if session_id is not None:
            sessions = [s for s in sessions if s.id == session_id]
            if not sessions:
                raise ServiceError("Sesi tersebut bukan bagian dari pelatihan ini.")
        if not sessions:
            raise ServiceError("Pelatihan belum memiliki sesi; tambahkan sesi dahulu.")
        people = self.participants(training_id, include_withdrawn=False)
        return AttendanceSheetData(
            training=info,
            sessions=[_sheet_session(s) for s in sessions],
            participants=[
                SheetParticipant(
                    number=i + 1,
                    name=p.name,
                    nik_masked=mask_nik(p.nik) if p.nik else "",
                    kelurahan=p.kelurahan,
                    nik_warning=p.nik_warning,
                )
                for i, p in enumerate(people)
            ],
        )

    def recap_data(self, training_id: str) -> AttendanceRecapData:
        grid = self.attendance_grid(training_id)
        info = self.training_info(training_id)
        rows = [
            RecapRow(
                number=i + 1,
                name=p.name,
                nik_masked=mask_nik(p.nik) if p.nik else "",
                codes=tuple(grid.code(p.id, s.id) or "" for s in grid.sessions),
                present=grid.present(p.id),
                pct=grid.pct(p.id),
                complete=p.active and grid.complete(p.id),
                note=(
                    f"Mundur {format_date_id(p.withdrawn_on)}: {p.withdraw_reason}"
                    if not p.active and p.withdrawn_on
                    else ("Tanpa NIK" if p.nik_warning else "")
                ),
            )
            for i, p in enumerate(grid.participants)
        ]
        return AttendanceRecapData(
            training=info,
            sessions=[_sheet_session(s) for s in grid.sessions],
            rows=rows,
            printed_on=self.ctx.clock.today(),
        )

    def certificate_data(self, training_id: str) -> list[CertificateData]:
        info = self.training_info(training_id)
        people = {p.id: p for p in self.participants(training_id)}
        out = []
        for c in self._certificates(training_id):
            p = people[c.participant_id]
            out.append(
                CertificateData(
                    number=c.number,
                    name=p.name,
                    birth_place=p.birth_place,
                    birth_date=p.birth_date,
                    training=info,
                    attendance_pct=c.attendance_pct,
                    issued_on=c.issued_on,
                    passed=c.override_reason is None,
                )
            )
        return out

    # -- rules and helpers -----------------------------------------------------------------
    def _check_can_mark(self, training: Training, session: TrainingSession) -> None:
        if training.status == TrainingStatus.FINISHED.value:
            raise ServiceError("Pelatihan sudah selesai; kehadiran tidak dapat diubah lagi.")
        if session.session_date > self.ctx.clock.today():
            raise ServiceError(
                f"Sesi tanggal {format_date_id(session.session_date)} belum berlangsung; "
                "kehadiran untuk tanggal yang akan datang tidak dapat dicatat."
            )

    @staticmethod
    def _check_can_certify(training: TrainingRow) -> None:
        if training.status != TrainingStatus.FINISHED.value:
            raise ServiceError(
                "Sertifikat diterbitkan setelah pelatihan dinyatakan selesai "
                f"(status sekarang: {training.status_label})."
            )

    def _check_quota(self, w: UnitOfWork, training: Training) -> None:
        if training.quota is None:
            return
        active = self._active_count(w, training.id)
        if active >= training.quota:
            raise ServiceError(
                f"Kuota pelatihan sudah penuh: {active} dari {training.quota} peserta. "
                "Naikkan kuota pada data pelatihan atau tarik peserta lain terlebih dahulu."
            )

    def _nik_ok(self, person: Person) -> bool:
        if not person.nik:
            return False
        issues = validate_nik(
            person.nik,
            birth_date=person.birth_date,
            sex=person.sex if person.sex in ("L", "P") else None,
            office_province=self.ctx.office.province_code,
            today=self.ctx.clock.today(),
        )
        return not has_errors(issues)

    def _ensure_enrolment(self, w: UnitOfWork, person_id: str, on: date) -> None:
        """Participants count in the Pelatihan program, so the Registri tab shows them."""
        existing = w.session.exec(
            select(Enrolment.id).where(
                Enrolment.program_code == PROGRAM_CODE,
                Enrolment.person_id == person_id,
                Enrolment.end_date == None,  # noqa: E711
                Enrolment.deleted == False,  # noqa: E712
            )
        ).first()
        if existing is None:
            # Program rules only matter for registry membership, not for the training.
            with suppress(ValidationFailed):
                self.registry.enrol(PROGRAM_CODE, person_id=person_id, start_date=on, uow=w)

    @staticmethod
    def _widen_dates(w: UnitOfWork, training: Training, dates: Sequence[date]) -> None:
        """Sessions outside the planned dates move the training's dates with them."""
        start = min([training.start_date, *dates])
        end = max([training.end_date, *dates])
        if (start, end) != (training.start_date, training.end_date):
            w.update(training, "training", {"start_date": start, "end_date": end})

    @staticmethod
    def _active_count(w: UnitOfWork, training_id: str) -> int:
        return int(
            w.session.exec(
                select(func.count()).where(
                    TrainingParticipant.training_id == training_id,
                    TrainingParticipant.status == ACTIVE,
                    TrainingParticipant.deleted == False,  # noqa: E712
                )
            ).one()
        )

    @staticmethod
    def _has_marks(w: UnitOfWork, session_id: str) -> bool:
        return (
            w.session.exec(
                select(Attendance.id).where(
                    Attendance.session_id == session_id,
                    Attendance.code != None,  # noqa: E711
                    Attendance.deleted == False,  # noqa: E712
                )
            ).first()
            is not None
        )

    @staticmethod
    def _sessions(w: Any, training_id: str) -> list[TrainingSession]:
        session = w.session if isinstance(w, UnitOfWork) else w
        return list(
            session.exec(
                select(TrainingSession)
                .where(
                    TrainingSession.training_id == training_id,
                    TrainingSession.deleted == False,  # noqa: E712
                )
                .order_by(TrainingSession.session_date, TrainingSession.start_time)  # type: ignore[arg-type]
            ).all()
        )


def _training_row(t: Training, participants: int, sessions: int) -> TrainingRow:
    return TrainingRow(
        id=t.id,
        title=t.title,
        category=t.category,
        organiser=t.organiser,
        trainers=tuple(x for x in t.trainers.splitlines() if x.strip()),
        venue=t.venue,
        start_date=t.start_date,
        end_date=t.end_date,
        quota=t.quota,
        threshold_pct=t.threshold_pct,
        status=t.status,
        notes=t.notes,
        participants=participants,
        sessions=sessions,
    )


def _session_view(number: int, s: TrainingSession) -> SessionView:
    return SessionView(
        id=s.id,
        number=number,
        session_date=s.session_date,
        start_time=s.start_time,
        end_time=s.end_time,
        topic=s.topic,
    )


def _sheet_session(s: SessionView) -> SheetSession:
    return SheetSession(
        number=s.number,
        session_date=s.session_date,
        time_range=s.time_range,
        topic=s.topic,
    )
