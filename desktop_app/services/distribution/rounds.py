"""Round lifecycle: create (draft), open (freeze the roster), close; points added late."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from desktop_app.domain.access import Permission
from desktop_app.domain.ids import new_id
from desktop_app.domain.programs import PROGRAMS, Unit, get_program
from desktop_app.domain.values import as_date
from desktop_app.services.access import ROUND_READERS, requires
from desktop_app.services.bulk import bulk_insert, chunked
from desktop_app.services.context import ServiceError
from desktop_app.services.distribution.messages import (
    END_BEFORE_START,
    ITEM_REQUIRED,
    KELURAHAN_ALREADY_SERVED,
    POINT_EXISTS,
    QUANTITY_NOT_POSITIVE,
    ROUND_ALREADY_CLOSED,
    ROUND_ALREADY_OPEN,
    ROUND_CODE_INVALID,
    ROUND_CODE_TAKEN,
    ROUND_NAME_REQUIRED,
    ROUND_NEEDS_POINT,
    ROUND_NOT_DRAFT,
    ROUND_NOT_FOUND,
    UNKNOWN_PROGRAM,
    DistributionInputError,
)
from desktop_app.services.distribution.points import Points
from desktop_app.services.distribution.types import (
    ROUND_CODE_RE,
    OpenSummary,
    PointInput,
    RoundStatus,
    RoundView,
    name_key,
)
from desktop_app.storage.distribution_models import (
    DistributionRound,
)


class Rounds(Points):
    """A round from draft to open (its roster frozen) to closed."""

    # -- rounds ----------------------------------------------------------------------------
    @requires(*ROUND_READERS)
    def list_rounds(self, program_code: str | None = None) -> list[RoundView]:
        return self._rounds(program_code=program_code)

    def _rounds(
        self, *, program_code: str | None = None, round_id: str | None = None
    ) -> list[RoundView]:
        sql = """
            SELECT d.*, (SELECT count(*) FROM distribution_point p
                          WHERE p.round_id = d.id AND p.deleted = 0) AS n_points,
                        (SELECT count(*) FROM distribution_roster e
                          WHERE e.round_id = d.id AND e.active = 1) AS n_entitled
            FROM distribution_round d WHERE d.deleted = 0
        """
        params: dict[str, Any] = {}
        if program_code:
            sql += " AND d.program_code = :prog"
            params["prog"] = program_code.upper()
        if round_id:
            sql += " AND d.id = :rid"
            params["rid"] = round_id
        sql += " ORDER BY d.created_at DESC, d.code"
        with self._conn() as conn:
            return [self._round_view(m) for m in conn.execute(text(sql), params).mappings()]

    def _round_view(self, m: Any) -> RoundView:
        program = PROGRAMS.get(m["program_code"])
        return RoundView(
            id=m["id"],
            code=m["code"],
            name=m["name"],
            program_code=m["program_code"],
            program_name=program.name if program else m["program_code"],
            item=m["item"],
            quantity=float(m["quantity"]),
            unit=m["unit"],
            start_date=as_date(m["start_date"]),
            end_date=as_date(m["end_date"]),
            status=m["status"],
            opened_at=self._local(m["opened_at"]),
            closed_at=self._local(m["closed_at"]),
            points=int(m["n_points"]),
            entitled=int(m["n_entitled"]),
        )

    @requires(*ROUND_READERS)
    def get_round(self, ref: str) -> RoundView:
        """A round by its id or its code ("RST4", case and spaces forgiven)."""
        ref = (ref or "").strip()
        with self._conn() as conn:
            row = conn.execute(
                text(
                    "SELECT id FROM distribution_round WHERE deleted = 0 AND "
                    "(id = :ref OR code = :code)"
                ),
                {"ref": ref, "code": ref.upper().replace(" ", "")},
            ).first()
        if row is None:
            raise ServiceError(ROUND_NOT_FOUND, ref=ref)
        return self._rounds(round_id=row[0])[0]

    @requires(Permission.ROUNDS_MANAGE)
    def create_round(
        self,
        *,
        program_code: str,
        name: str,
        item: str,
        quantity: float,
        unit: str,
        start_date: date | None = None,
        end_date: date | None = None,
        code: str | None = None,
        points: Sequence[PointInput] | None = None,
        notes: str | None = None,
    ) -> str:
        """A new round in draft; without points, one point per kelurahan."""
        try:
            program = get_program(program_code)
        except KeyError:
            raise DistributionInputError(
                UNKNOWN_PROGRAM, program=program_code, choices=", ".join(PROGRAMS)
            ) from None
        name = " ".join((name or "").split())
        item = " ".join((item or "").split())
        unit = " ".join((unit or "").split())
        if not name:
            raise DistributionInputError(ROUND_NAME_REQUIRED)
        if not item or not unit:
            raise DistributionInputError(ITEM_REQUIRED)
        if not quantity or quantity <= 0:
            raise DistributionInputError(QUANTITY_NOT_POSITIVE)
        if start_date and end_date and end_date < start_date:
            raise DistributionInputError(END_BEFORE_START)
        if code:
            code = code.strip().upper()
            if not ROUND_CODE_RE.match(code):
                raise DistributionInputError(ROUND_CODE_INVALID)
        else:
            code = self.suggest_code(program.code, name, start_date)
        points = list(points) if points is not None else self.default_points()
        if not points:
            raise DistributionInputError(ROUND_NEEDS_POINT)
        resolved = self._check_points(program.code, points)
        with self.ctx.unit_of_work(source="distribution") as w:
            taken = w.session.execute(
                text("SELECT 1 FROM distribution_round WHERE code = :c"), {"c": code}
            ).first()
            if taken:
                raise ServiceError(ROUND_CODE_TAKEN, code=code)
            now = w.now()
            rnd = DistributionRound(
                id=new_id(),
                program_code=program.code,
                name=name,
                code=code,
                item=item,
                quantity=float(quantity),
                unit=unit,
                start_date=start_date,
                end_date=end_date,
                status=RoundStatus.DRAFT.value,
                notes=(notes or "").strip() or None,
                created_at=now,
                updated_at=now,
                hlc="",
            )
            w.add(rnd, "distribution_round")
            w.session.flush()
            for order, (point, members) in enumerate(zip(points, resolved, strict=True), 1):
                self._add_point(w, rnd.id, point, members, order)
            return rnd.id

    @requires(Permission.ROUNDS_MANAGE)
    def add_point(self, round_ref: str, point: PointInput) -> str:
        """A further point for a draft or open round (e.g. a partner shop joins late)."""
        rnd = self.get_round(round_ref)
        self._require_writable(rnd)
        existing = self.points(rnd.id)
        taken = {k for p in existing for k in p.kelurahan_codes}
        clash = [k for k in point.kelurahan_codes if k in taken]
        if clash:
            names = ", ".join(self._kelurahan_name(k) for k in clash)
            raise ServiceError(KELURAHAN_ALREADY_SERVED, kelurahan=names)
        if point.name.strip().upper() in {p.name.upper() for p in existing}:
            raise ServiceError(POINT_EXISTS, name=point.name.strip())
        resolved = self._check_points(rnd.program_code, [point])[0]
        with self.ctx.unit_of_work(source="distribution") as w:
            return self._add_point(w, rnd.id, point, resolved, len(existing) + 1)

    # -- opening: freezing the roster ------------------------------------------------------
    @requires(Permission.ROUNDS_MANAGE)
    def open_round(self, round_ref: str) -> OpenSummary:
        """Freeze the roster from today's active enrolments and open the counter."""
        rnd = self.get_round(round_ref)
        if rnd.status != RoundStatus.DRAFT.value:
            raise ServiceError(ROUND_NOT_DRAFT, name=rnd.name, status=rnd.status_label.lower())
        program = get_program(rnd.program_code)
        today = self.ctx.clock.today()
        points = self.points(rnd.id)
        by_kel = {k: p.id for p in points for k in p.kelurahan_codes}
        point_names = {p.id: p.name for p in points}
        self.receipt_code_key()  # the office's verification key exists before the first receipt
        self.receipt_signing_key()  # and so does this device's signing key
        with self.ctx.unit_of_work(source="distribution") as w:
            m = self._lock_round(w, rnd.id, require_open=False)
            if m["status"] != RoundStatus.DRAFT.value:
                raise ServiceError(ROUND_ALREADY_OPEN, name=rnd.name)
            assigned = {
                (r[0] or "", r[1] or ""): r[2]
                for r in w.session.execute(
                    text(
                        # Oldest first: a recipient moved to another point (a newer
                        # assignment fact) ends up at the newest.
                        "SELECT household_id, person_id, point_id FROM distribution_assignment "
                        "WHERE round_id = :r ORDER BY hlc"
                    ),
                    {"r": rnd.id},
                )
            }
            candidates = self._entitled(w.session.connection(), program.code, program.unit, today)
            now = w.now()
            rows: list[dict[str, Any]] = []
            per_point: dict[str, int] = {}
            unassigned = 0
            for no, c in enumerate(candidates, start=1):
                key = (c["household_id"] or "", "" if program.unit == Unit.HOUSEHOLD else c["pid"])
                point_id = assigned.get(key) or by_kel.get(c["kelurahan_code"] or "")
                if point_id is None:
                    unassigned += 1
                else:
                    name = point_names[point_id]
                    per_point[name] = per_point.get(name, 0) + 1
                rows.append(self._roster_row(rnd.id, no, c, point_id, now))
            for batch in chunked(rows, 5000):
                bulk_insert(w, "distribution_roster", batch)
            round_row = w.session.get(DistributionRound, rnd.id)
            assert round_row is not None
            w.update(
                round_row,
                "distribution_round",
                {"status": RoundStatus.OPEN.value, "opened_at": now},
                op="open",
            )
        return OpenSummary(len(rows), per_point, unassigned)

    @staticmethod
    def _roster_row(
        round_id: str, no: int, c: dict[str, Any], point_id: str | None, now: datetime
    ) -> dict[str, Any]:
        name = c["name"] or "(tanpa nama)"
        return {
            "id": new_id(),
            "round_id": round_id,
            "no": no,
            "enrolment_id": c["enrolment_id"],
            "household_id": c["household_id"],
            "person_id": c["pid"],
            "point_id": point_id,
            "name": name,
            "name_key": name_key(name),
            "nik": c["nik"],
            "kk_number": c["kk_number"],
            "card_code": c["card_code"],
            "street": c["street"],
            "rt": c["rt"],
            "rw": c["rw"],
            "kelurahan_code": c["kelurahan_code"],
            "active": True,
            "created_at": now,
        }

    @staticmethod
    def _entitled(
        conn: Connection, program_code: str, unit: Unit, today: date, only_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Active enrolments on `today`, one per household (household programs) or person,
        in printing order: kelurahan, RW, RT, name."""
        if unit == Unit.HOUSEHOLD:
            sql = """
                SELECT min(e.id) AS enrolment_id, h.id AS household_id, head.id AS pid,
                       head.name AS name, head.nik AS nik, h.kk_number, h.card_code,
                       h.street, h.rt, h.rw, h.kelurahan_code
                FROM enrolment e
                JOIN household h ON h.id = e.household_id AND h.deleted = 0
                LEFT JOIN person head ON head.id = h.head_person_id
                WHERE e.program_code = :prog AND e.deleted = 0 AND e.start_date <= :today
                  AND (e.end_date IS NULL OR e.end_date > :today) {extra}
                GROUP BY h.id
            """
            extra = "AND h.id = :only" if only_id else ""
        else:
            sql = """
                SELECT min(e.id) AS enrolment_id, p.household_id AS household_id, p.id AS pid,
                       p.name AS name, p.nik AS nik, h.kk_number, h.card_code,
                       p.street, p.rt, p.rw, p.kelurahan_code
                FROM enrolment e
                JOIN person p ON p.id = e.person_id AND p.deleted = 0
                LEFT JOIN household h ON h.id = p.household_id
                WHERE e.program_code = :prog AND e.deleted = 0 AND e.start_date <= :today
                  AND (e.end_date IS NULL OR e.end_date > :today) {extra}
                GROUP BY p.id
            """
            extra = "AND p.id = :only" if only_id else ""
        sql = f"SELECT * FROM ({sql.format(extra=extra)}) ORDER BY kelurahan_code, rw, rt, name"
        params: dict[str, Any] = {"prog": program_code, "today": today.isoformat()}
        if only_id:
            params["only"] = only_id
        return [dict(m) for m in conn.execute(text(sql), params).mappings()]

    @requires(Permission.ROUNDS_MANAGE)
    def close_round(self, round_ref: str) -> None:
        rnd = self.get_round(round_ref)
        if rnd.status == RoundStatus.CLOSED.value:
            raise ServiceError(ROUND_ALREADY_CLOSED, name=rnd.name)
        with self.ctx.unit_of_work(source="distribution") as w:
            self._lock_round(w, rnd.id, require_open=False)
            row = w.session.get(DistributionRound, rnd.id)
            assert row is not None
            w.update(
                row,
                "distribution_round",
                {"status": RoundStatus.CLOSED.value, "closed_at": w.now()},
                op="close",
            )
