"""The training part of the demo database."""

from __future__ import annotations

import random
from datetime import date

from desktop_app.services.context import AppContext
from desktop_app.services.demo import DemoOptions, populate_demo
from desktop_app.services.demo_training import generate_training_demo
from desktop_app.services.training import TrainingService


def test_demo_has_a_finished_a_running_and_a_planned_training(ctx: AppContext) -> None:
    summary = populate_demo(ctx, DemoOptions(scale="tiny", seed=7, today=date(2026, 11, 20)))
    svc = TrainingService(ctx)
    by_status = {t.status: t for t in svc.list_trainings()}
    assert set(by_status) == {"selesai", "berjalan", "direncanakan"}

    finished = by_status["selesai"]
    participants = svc.participants(finished.id)
    assert len(participants) == 80 and finished.sessions == 5
    assert sum(1 for p in participants if not p.active) == 2
    results = svc.results(finished.id)
    complete = [r for r in results if r.complete]
    # Realistic: most meet the rule, some do not, and every one who does has a certificate.
    assert 60 <= len(complete) < 78
    assert all(r.certificate_number for r in complete)
    assert summary["sertifikat"] == len(complete)
    codes = set(svc.attendance_grid(finished.id).marks.values())
    assert codes == {"H", "I", "S", "A"}

    running = by_status["berjalan"]
    grid = svc.attendance_grid(running.id)
    today = [s for s in grid.sessions if s.session_date == date(2026, 11, 20)]
    assert today and 0 < grid.column_counts(today[0].id)["H"] < running.participants

    planned = by_status["direncanakan"]
    assert planned.start_date > date(2026, 11, 20) and planned.participants == 12


def test_demo_fills_an_empty_registry_by_registering_on_the_spot(ctx: AppContext) -> None:
    counts = generate_training_demo(ctx, random.Random(1), DemoOptions(today=date(2026, 11, 20)))
    assert counts["pelatihan"] == 3
    svc = TrainingService(ctx)
    assert sum(t.participants for t in svc.list_trainings()) == 78 + 26 + 12
