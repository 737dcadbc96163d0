"""Builders for training tests: a training with sessions and synthetic participants."""

from __future__ import annotations

from datetime import date

from faker import Faker

from desktop_app.services.context import AppContext
from desktop_app.services.registry import PersonInput, RegistryService
from desktop_app.services.training import TrainingInput, TrainingService
from tests.helpers import make_nik

KEL = "35.72.03.1001"


def training_input(**overrides: object) -> TrainingInput:
    values: dict[str, object] = {
        "title": "Pelatihan Membuat Jajanan Pasar",
        "category": "Jajanan",
        "organiser": "Dinas Sosial Kota Blitar",
        "trainers": ["Sri Wahyuni", "Budi Santoso"],
        "venue": "Aula Kelurahan Sananwetan",
        "start_date": date(2026, 11, 16),
        "end_date": date(2026, 11, 20),
        "quota": None,
        "threshold_pct": 80,
    }
    values.update(overrides)
    return TrainingInput(**values)  # type: ignore[arg-type]


def new_person(ctx: AppContext, serial: int, *, nik: bool = True, seed: int = 7) -> str:
    fake = Faker("id_ID")
    fake.seed_instance(seed * 1000 + serial)
    sex = "P" if serial % 3 else "L"
    birth = date(1975 + serial % 25, 1 + serial % 12, 1 + serial % 28)
    return RegistryService(ctx).create_person(
        PersonInput(
            name=fake.name_female() if sex == "P" else fake.name_male(),
            sex=sex,
            nik=make_nik(birth, sex, serial) if nik else None,
            birth_place="Blitar",
            birth_date=birth,
            kelurahan_code=KEL,
        )
    )


def make_training(
    ctx: AppContext,
    *,
    participants: int = 5,
    sessions: int = 5,
    first_day: date = date(2026, 11, 16),
    **overrides: object,
) -> tuple[str, list[str], list[str]]:
    """A training whose sessions are daily from `first_day`; returns (training, session ids,
    participant ids)."""
    svc = TrainingService(ctx)
    training_id = svc.create_training(training_input(**overrides))
    session_ids: list[str] = []
    if sessions:
        end = date.fromordinal(first_day.toordinal() + sessions - 1)
        session_ids = svc.add_daily_sessions(
            training_id, first_day, end, start_time="08.00", end_time="12.00"
        )
    participant_ids = [
        svc.add_participant(training_id, new_person(ctx, i + 1)) for i in range(participants)
    ]
    return training_id, session_ids, participant_ids
