"""Demo trainings for the synthetic demo database.

A finished snack-making training with 80 participants over 5 sessions (realistic attendance:
most present, some excused or sick, a few absent, two who withdrew, certificates issued), one
running household-products training with today's session half marked, and one planned sewing
training. Participants come from the demo registry (adults with a NIK); if the registry is short,
synthetic persons are registered on the spot. Everything goes through TrainingService, so the
demo data is change-logged like real work.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from faker import Faker
from sqlmodel import select

from desktop_app.domain.nik import make_nik
from desktop_app.services.context import AppContext
from desktop_app.services.registry import PersonInput
from desktop_app.services.training import TrainingInput, TrainingService
from desktop_app.storage.models import Person

__all__ = ["generate_training_demo"]

VENUES = (
    "Aula Kantor Dinas Sosial Kota Blitar",
    "Balai Kelurahan Sananwetan",
    "Gedung Serbaguna Kelurahan Sentul",
)
TRAINERS = (
    ("Sri Wahyuningsih, S.Pd.", "Endang Purwati"),
    ("Yuliana Kristanti", "Dwi Hartono, S.T."),
    ("Siti Marfu'ah, S.Pd.", "Rina Oktaviani"),
)


def _candidates(ctx: AppContext, today: date, prefer_sex: str | None) -> list[str]:
    """Adults (18-60) with a NIK, women first when the training is aimed at them."""
    oldest, youngest = today.replace(year=today.year - 60), today.replace(year=today.year - 18)
    with ctx.db.session() as s:
        rows = s.exec(
            select(Person.id, Person.sex).where(
                Person.deleted == False,  # noqa: E712
                Person.status == "aktif",
                Person.nik != None,  # noqa: E711
                Person.birth_date >= oldest,  # type: ignore[operator]
                Person.birth_date <= youngest,  # type: ignore[operator]
            )
        ).all()
    preferred = [pid for pid, sex in rows if prefer_sex is None or sex == prefer_sex]
    others = [pid for pid, sex in rows if prefer_sex is not None and sex != prefer_sex]
    return preferred + others


class _Demo:
    def __init__(self, ctx: AppContext, rng: random.Random, today: date) -> None:
        self.svc = TrainingService(ctx)
        self.rng = rng
        self.fake = Faker("id_ID")
        self.fake.seed_instance(rng.randrange(2**31))
        self.today = today
        self.pool = _candidates(ctx, self.today, prefer_sex="P")
        self.rng.shuffle(self.pool)
        self.serial = 5000  # NIK serials of people registered on the spot, never reused
        self.reliability: dict[str, float] = {}

    def create(
        self,
        number: int,
        title: str,
        category: str,
        start: date,
        days: int,
        quota: int,
        topics: list[str],
        hours: tuple[str, str] = ("08:00", "12:00"),
    ) -> str:
        """A training of `days` days from `start` with one daily session per topic; `number`
        picks its trainers and venue."""
        end = start + timedelta(days=days - 1)
        training_id = self.svc.create_training(
            TrainingInput(
                title=title,
                category=category,
                organiser=self.svc.ctx.office.office_name,
                trainers=list(TRAINERS[number]),
                venue=VENUES[number],
                start_date=start,
                end_date=end,
                quota=quota,
            )
        )
        self.svc.add_daily_sessions(
            training_id, start, end, topics=topics, start_time=hours[0], end_time=hours[1]
        )
        return training_id

    def fill(self, training_id: str, count: int) -> None:
        """Registration closes a few days before the first session."""
        start = self.svc.get_training(training_id).start_date
        on = min(start - timedelta(days=self.rng.randint(3, 10)), self.today)
        taken, self.pool = self.pool[:count], self.pool[count:]
        with self.svc.ctx.unit_of_work(source="demo") as w:
            for person_id in taken:
                self.svc.add_participant(training_id, person_id, uow=w, registered_on=on)
        for _ in range(count - len(taken)):
            self.register_one(training_id, on)

    def register_one(self, training_id: str, on: date) -> None:
        """When the registry is too small (e.g. a fresh database), register a participant on
        the spot with a synthetic, well-formed NIK."""
        rng, fake = self.rng, self.fake
        kelurahan = [code for code, _name in self.svc.registry.kelurahan_options()]
        sex = "P" if rng.random() < 0.85 else "L"
        year = rng.randint(self.today.year - 55, self.today.year - 20)
        birth = date(year, rng.randint(1, 12), rng.randint(1, 28))
        kel = rng.choice(kelurahan) if kelurahan else None
        self.serial += 1
        self.svc.register_participant(
            training_id,
            PersonInput(
                # Without Faker's academic titles: few trainees are "Dr." or "S.Ked".
                name=(
                    f"{fake.first_name_female() if sex == 'P' else fake.first_name_male()} "
                    f"{fake.last_name()}"
                ),
                sex=sex,
                nik=make_nik((kel or "35.72.01")[:8], birth, sex, self.serial),
                birth_place="Blitar",
                birth_date=birth,
                street=fake.street_address(),
                kelurahan_code=kel,
            ),
            registered_on=on,
        )

    def mark(
        self, training_id: str, *, since: date, upto: date, partial_last: bool = False
    ) -> None:
        """Most people come every day; a few are often away (work, children, illness)."""
        grid = self.svc.attendance_grid(training_id)
        rng = self.rng
        for p in grid.participants:
            self.reliability.setdefault(p.id, rng.choice([0.98] * 14 + [0.9] * 4 + [0.6, 0.45]))
        sessions = [s for s in grid.sessions if since <= s.session_date <= upto]
        for index, session in enumerate(sessions):
            people = [p for p in grid.participants if p.active]
            if partial_last and index == len(sessions) - 1:
                people = people[: len(people) // 2]  # today: the clerk is halfway down the list
            marks: dict[str, str | None] = {}
            for p in people:
                if rng.random() < self.reliability[p.id]:
                    marks[p.id] = "H"
                else:
                    marks[p.id] = rng.choices(["I", "S", "A"], weights=[4, 3, 3])[0]
            self.svc.set_attendance_many(session.id, marks)


def generate_training_demo(
    ctx: AppContext, rng: random.Random, options: object = None
) -> dict[str, int]:
    """Add the demo trainings (a DEMO_EXTENSIONS hook: called with the demo's seeded random
    and options); returns counts for the demo summary."""
    # The demo's reference day, but never after the clock's: attendance for a future day is
    # refused, as it is for a clerk.
    wanted = getattr(options, "today", None) or ctx.clock.today()
    demo = _Demo(ctx, rng, min(wanted, ctx.clock.today()))
    svc, today = demo.svc, demo.today

    # 1. Finished: five days, about five weeks ago, 80 participants.
    start = today - timedelta(days=38)
    start -= timedelta(days=start.weekday())  # a Monday
    finished = demo.create(
        0,
        "Pelatihan Pembuatan Jajanan Tradisional Angkatan I",
        "Jajanan",
        start,
        5,
        80,
        [
            "Pembukaan, kebersihan dan keamanan pangan",
            "Kue basah: klepon, lemper, nagasari",
            "Kue kering dan keripik",
            "Pengemasan dan label produk",
            "Menghitung harga jual, pemasaran, penutupan",
        ],
    )
    demo.fill(finished, 80)
    demo.mark(finished, since=start, upto=start + timedelta(days=1))
    # Two people stop after the second day.
    leaving = svc.participants(finished)[-2:]
    for p, reason in zip(
        leaving, ["Mulai bekerja di pabrik", "Merawat orang tua yang sakit"], strict=True
    ):
        svc.withdraw(p.id, reason, on=start + timedelta(days=2))
    demo.mark(finished, since=start + timedelta(days=2), upto=start + timedelta(days=4))
    svc.set_status(finished, "selesai")
    certificates = len(svc.issue_certificates(finished))

    # 2. Running: household products, two days done, today's session half marked.
    run_start = today - timedelta(days=2)
    running = demo.create(
        1,
        "Pelatihan Pengolahan Produk Rumah Tangga (Sabun Cair dan Pewangi)",
        "Pengolahan produk rumah tangga",
        run_start,
        4,
        30,
        ["Bahan dan keselamatan kerja", "Sabun cair", "Pewangi pakaian", "Kemasan"],
        hours=("13:00", "16:00"),
    )
    demo.fill(running, 26)
    demo.mark(running, since=run_start, upto=today, partial_last=True)

    # 3. Planned: sewing, in two weeks, registration open.
    plan_start = today + timedelta(days=14)
    plan_start += timedelta(days=(7 - plan_start.weekday()) % 7)  # a Monday
    planned = demo.create(
        2,
        "Pelatihan Menjahit Pakaian Dasar",
        "Menjahit",
        plan_start,
        5,
        30,
        [
            "Mengenal mesin jahit dan keselamatan kerja",
            "Mengukur badan dan membuat pola dasar",
            "Menjahit rok",
            "Menjahit kemeja",
            "Finishing, menghitung biaya, penutupan",
        ],
    )
    demo.fill(planned, 12)

    return {"pelatihan": 3, "peserta pelatihan": 80 + 26 + 12, "sertifikat": certificates}
