"""Distribution points: the defaults, a points file, checks, and reading them back."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop_app.domain.access import Permission
from desktop_app.domain.errors import Refusal
from desktop_app.domain.ids import new_id
from desktop_app.domain.nik import clean_number
from desktop_app.domain.programs import Unit, get_program
from desktop_app.services.access import MASKED_NAME, ROUND_READERS, requires
from desktop_app.services.bulk import bulk_insert, chunked
from desktop_app.services.context import ServiceError, UnitOfWork
from desktop_app.services.distribution.messages import (
    INPUT_PROBLEMS,
    KELURAHAN_ALREADY_SERVED,
    KELURAHAN_TWO_POINTS,
    LINE_KELURAHAN_UNKNOWN,
    LINE_KELURAHAN_UNKNOWN_HINT,
    LINE_POINT_KIND_UNKNOWN,
    LINE_POINT_NAME_EMPTY,
    POINT_AREA_FROZEN,
    POINT_CODES_REQUIRED,
    POINT_EXISTS,
    POINT_KELURAHAN_UNKNOWN,
    POINT_KIND_UNKNOWN,
    POINT_NAME_REQUIRED,
    POINT_NAME_TWICE,
    POINT_NOT_FOUND,
    POINT_RECIPIENT_NOT_ON_ROSTER,
    POINT_RECIPIENT_RECEIVED,
    POINT_RECIPIENT_UNKNOWN,
    POINTS_FILE_EMPTY,
    POINTS_FILE_NO_NAME,
    POINTS_FILE_NO_POINTS,
    POINTS_FILE_UNREADABLE,
    DistributionInputError,
    problem,
)
from desktop_app.services.distribution.numbering import Numbering
from desktop_app.services.distribution.types import (
    POINT_KINDS,
    AssignResult,
    PointInput,
    PointMember,
    PointView,
    RoundStatus,
)
from desktop_app.storage.distribution_models import (
    DistributionPoint,
    RosterEntry,
)

# Assignments are facts (sync merges them as a set): moving a recipient to another point adds a
# newer one, so the current point of a recipient is its latest assignment.
_CURRENT_ASSIGNMENTS = """
    SELECT a.* FROM distribution_assignment a
    WHERE a.round_id = :r AND NOT EXISTS (
        SELECT 1 FROM distribution_assignment b
        WHERE b.round_id = a.round_id
          AND coalesce(b.household_id, '') = coalesce(a.household_id, '')
          AND coalesce(b.person_id, '') = coalesce(a.person_id, '')
          AND b.hlc > a.hlc)
"""


class Points(Numbering):
    """Where a round is handed out: kelurahan offices, partner shops and their recipients."""

    @requires(Permission.ROUNDS_MANAGE)
    def default_points(self) -> list[PointInput]:
        """One point per kelurahan of the office's city: its kelurahan office."""
        prefix = self.ctx.office.region_code + "."
        points = []
        for region in self.ctx.regions.kelurahan():
            if not region.code.startswith(prefix):
                continue
            points.append(
                PointInput(
                    name=f"Kantor Kelurahan {region.name}",
                    kind="kelurahan",
                    kelurahan_codes=(region.code,),
                    contact_name="",
                    contact_title=f"Lurah {region.name}",
                )
            )
        return points

    def _check_points(
        self, program_code: str, points: Sequence[PointInput]
    ) -> list[list[tuple[str | None, str | None]]]:
        """Validate points and resolve their recipient codes to (household, person) ids."""
        seen_names: set[str] = set()
        area: dict[str, str] = {}
        problems: list[Refusal] = []
        resolved: list[list[tuple[str | None, str | None]]] = []
        for point in points:
            label = point.name.strip()
            if not label:
                problems.append(problem(POINT_NAME_REQUIRED))
            elif label.upper() in seen_names:
                problems.append(problem(POINT_NAME_TWICE, name=label))
            seen_names.add(label.upper())
            if point.kind not in POINT_KINDS:
                problems.append(problem(POINT_KIND_UNKNOWN, kind=point.kind))
            for kel in point.kelurahan_codes:
                region = self.ctx.regions.get(kel)
                if region is None or region.level not in ("kelurahan", "desa"):
                    problems.append(problem(POINT_KELURAHAN_UNKNOWN, point=label, code=kel))
                elif kel in area:
                    problems.append(
                        problem(
                            KELURAHAN_TWO_POINTS,
                            kelurahan=region.name,
                            first=area[kel],
                            second=label,
                        )
                    )
                else:
                    area[kel] = label
            members: list[tuple[str | None, str | None]] = []
            for raw in point.recipients:
                found = self._registry_recipient(program_code, raw)
                if found is None:
                    problems.append(problem(POINT_RECIPIENT_UNKNOWN, point=label, code=raw))
                else:
                    members.append(found)
            resolved.append(members)
        if problems:
            raise DistributionInputError(INPUT_PROBLEMS, count=len(problems), problems=problems)
        return resolved

    def _registry_recipient(
        self, program_code: str, raw: str
    ) -> tuple[str | None, str | None] | None:
        """(household_id, person_id) of the recipient a KK, NIK or card code names."""
        card = re.sub(r"\s", "", str(raw or "")).upper()
        code = clean_number(card)
        household_unit = get_program(program_code).unit == Unit.HOUSEHOLD
        with self._conn() as conn:
            hh = conn.execute(
                text(
                    "SELECT id, head_person_id FROM household WHERE deleted = 0 AND "
                    "(kk_number = :c OR card_code = :card) LIMIT 1"
                ),
                {"c": code, "card": card},
            ).first()
            if hh is not None:
                return (hh[0], None) if household_unit else (hh[0], hh[1])
            person = conn.execute(
                text("SELECT id, household_id FROM person WHERE deleted = 0 AND nik = :c LIMIT 1"),
                {"c": code},
            ).first()
        if person is None:
            return None
        return (person[1], None) if household_unit else (person[1], person[0])

    def _add_point(
        self,
        w: UnitOfWork,
        round_id: str,
        point: PointInput,
        members: Sequence[tuple[str | None, str | None]],
        order: int,
    ) -> str:
        now = w.now()
        row = DistributionPoint(
            id=new_id(),
            round_id=round_id,
            name=point.name.strip(),
            kind=point.kind,
            address=point.address.strip(),
            kelurahan_codes=",".join(point.kelurahan_codes),
            sort_order=order,
            contact_name=point.contact_name.strip(),
            contact_title=point.contact_title.strip(),
            created_at=now,
            updated_at=now,
            hlc="",
        )
        w.add(row, "distribution_point")
        w.session.flush()
        rows = [
            {
                "id": new_id(),
                "round_id": round_id,
                "point_id": row.id,
                "household_id": household_id,
                "person_id": person_id,
                "created_at": now,
            }
            for household_id, person_id in members
        ]
        for batch in chunked(rows, 5000):
            bulk_insert(w, "distribution_assignment", batch)
        return row.id

    @requires(*ROUND_READERS)
    def points(self, round_id: str) -> list[PointView]:
        with self._conn() as conn:
            rows = conn.execute(
                text(
                    f"SELECT p.*, (SELECT count(*) FROM ({_CURRENT_ASSIGNMENTS}) a "
                    "WHERE a.point_id = p.id) AS assigned FROM distribution_point p "
                    "WHERE p.round_id = :r AND p.deleted = 0 ORDER BY p.sort_order, p.name"
                ),
                {"r": round_id},
            ).mappings()
            result = []
            for m in rows:
                codes = tuple(c for c in (m["kelurahan_codes"] or "").split(",") if c)
                result.append(
                    PointView(
                        id=m["id"],
                        no=m["sort_order"],
                        name=m["name"],
                        kind=m["kind"],
                        address=m["address"],
                        kelurahan_codes=codes,
                        kelurahan_names=tuple(self._kelurahan_name(c) for c in codes),
                        contact_name=m["contact_name"],
                        contact_title=m["contact_title"],
                        assigned=int(m["assigned"]),
                    )
                )
            return result

    # -- managing points: the "Titik salur" dialog ------------------------------------------
    @requires(Permission.ROUNDS_MANAGE)
    def update_point(self, round_id: str, point_id: str, point: PointInput) -> PointView:
        """Change a point's name, kind, address, owner (the BAST's second party) and title,
        and, while the round is a draft, the kelurahan it serves. Change-logged; refused on a
        closed round."""
        current = self.get_point(round_id, point_id)
        others = [p for p in self.points(round_id) if p.id != current.id]
        name = " ".join(point.name.split())
        if not name:
            raise ServiceError(POINT_NAME_REQUIRED)
        if name.upper() in {p.name.upper() for p in others}:
            raise ServiceError(POINT_EXISTS, name=name)
        if point.kind not in POINT_KINDS:
            raise ServiceError(POINT_KIND_UNKNOWN, kind=point.kind)
        codes = tuple(dict.fromkeys(point.kelurahan_codes))
        for code in codes:
            region = self.ctx.regions.get(code)
            if region is None or region.level not in ("kelurahan", "desa"):
                raise ServiceError(POINT_KELURAHAN_UNKNOWN, point=name, code=code)
        clash = [c for c in codes if any(c in p.kelurahan_codes for p in others)]
        if clash:
            names = ", ".join(self._kelurahan_name(c) for c in clash)
            raise ServiceError(KELURAHAN_ALREADY_SERVED, kelurahan=names)
        with self.ctx.unit_of_work(source="distribution") as w:
            rnd = self._lock_round(w, round_id, require_open=False)
            if set(codes) != set(current.kelurahan_codes) and rnd["status"] != "draft":
                raise ServiceError(POINT_AREA_FROZEN, point=current.name)
            row = w.session.get(DistributionPoint, current.id)
            assert row is not None
            w.update(
                row,
                "distribution_point",
                {
                    "name": name,
                    "kind": point.kind,
                    "address": " ".join(point.address.split()),
                    "kelurahan_codes": ",".join(codes),
                    "contact_name": " ".join(point.contact_name.split()),
                    "contact_title": " ".join(point.contact_title.split()),
                },
            )
        return self.get_point(round_id, current.id)

    @requires(Permission.ROUNDS_MANAGE)
    def assign_recipients(self, round_id: str, point_id: str, codes: Sequence[str]) -> AssignResult:
        """Serve these KPM (No. KK, NIK or card code each) at this point, whatever their
        kelurahan: a partner shop's card list. In a draft round this records the assignment the
        roster takes when it opens; in an open round it moves each recipient's roster entry, as
        long as they have not received yet. All or nothing: any unknown code, recipient not on
        the roster or already served refuses the whole list, each problem on its own line."""
        point = self.get_point(round_id, point_id)
        wanted = [c for c in dict.fromkeys(re.sub(r"\s", "", c) for c in codes) if c]
        if not wanted:
            raise ServiceError(POINT_CODES_REQUIRED)
        with self._conn() as conn:
            program_code = conn.execute(
                text("SELECT program_code FROM distribution_round WHERE id = :r"), {"r": round_id}
            ).scalar_one()
        household_unit = get_program(program_code).unit == Unit.HOUSEHOLD
        problems: list[Refusal] = []
        found: list[tuple[str, tuple[str | None, str | None]]] = []
        for code in wanted:
            hit = self._registry_recipient(program_code, code)
            if hit is None:
                problems.append(problem(POINT_RECIPIENT_UNKNOWN, point=point.name, code=code))
            else:
                found.append((code, hit))
        if problems:
            raise DistributionInputError(INPUT_PROBLEMS, count=len(problems), problems=problems)
        names: list[str] = []
        moved = unchanged = 0
        with self.ctx.unit_of_work(source="distribution") as w:
            rnd = self._lock_round(w, round_id, require_open=False)
            conn = w.session.connection()
            current = {
                (m["household_id"] or "", m["person_id"] or ""): m["point_id"]
                for m in conn.execute(text(_CURRENT_ASSIGNMENTS), {"r": round_id}).mappings()
            }
            facts: list[dict[str, Any]] = []
            seen: set[tuple[str, str]] = set()
            for code, (household_id, person_id) in found:
                key = (household_id or "", person_id or "")
                if key in seen:
                    continue  # a KK and its head's NIK in one list name one recipient
                seen.add(key)
                if rnd["status"] == RoundStatus.DRAFT.value:
                    names.append(self._recipient_name(conn, household_id, person_id))
                    if current.get(key) == point.id:
                        unchanged += 1
                        continue
                    moved += key in current
                else:
                    entry = self._roster_entry(
                        conn, round_id, household_id, person_id, household_unit
                    )
                    if entry is None:
                        problems.append(problem(POINT_RECIPIENT_NOT_ON_ROSTER, code=code))
                        continue
                    names.append(entry["name"])
                    if entry["point_id"] == point.id:
                        unchanged += 1
                        continue
                    receipt = self._active_receipt(conn, entry["id"])
                    if receipt is not None:
                        problems.append(
                            problem(
                                POINT_RECIPIENT_RECEIVED,
                                name=entry["name"],
                                point=receipt["point_name"] or "titik salur",
                                number=receipt["number"],
                            )
                        )
                        continue
                    row = w.session.get(RosterEntry, entry["id"])
                    assert row is not None
                    w.update(row, "distribution_roster", {"point_id": point.id}, op="point_assign")
                    moved += entry["point_id"] is not None
                facts.append(
                    {
                        "id": new_id(),
                        "round_id": round_id,
                        "point_id": point.id,
                        "household_id": household_id,
                        "person_id": None if household_unit else person_id,
                        "created_at": w.now(),
                    }
                )
            if problems:
                raise DistributionInputError(INPUT_PROBLEMS, count=len(problems), problems=problems)
            for batch in chunked(facts, 5000):
                bulk_insert(w, "distribution_assignment", batch)
        return AssignResult(tuple(names), moved, unchanged)

    @staticmethod
    def _recipient_name(conn: Any, household_id: str | None, person_id: str | None) -> str:
        key: str | None = person_id
        sql = "SELECT name FROM person WHERE id = :id"
        if not person_id:
            sql = (
                "SELECT p.name FROM household h JOIN person p ON p.id = h.head_person_id "
                "WHERE h.id = :id"
            )
            key = household_id
        row = conn.execute(text(sql), {"id": key}).first()
        return str(row[0]) if row and row[0] else "(tanpa nama)"

    @staticmethod
    def _roster_entry(
        conn: Any,
        round_id: str,
        household_id: str | None,
        person_id: str | None,
        household_unit: bool,
    ) -> dict[str, Any] | None:
        where, value = (
            ("household_id = :v", household_id) if household_unit else ("person_id = :v", person_id)
        )
        m = (
            conn.execute(
                text(
                    f"SELECT id, name, point_id FROM distribution_roster "
                    f"WHERE round_id = :r AND active = 1 AND {where}"
                ),
                {"r": round_id, "v": value},
            )
            .mappings()
            .first()
        )
        return dict(m) if m else None

    @requires(*ROUND_READERS)
    def point_members(self, round_id: str, point_id: str, limit: int = 2000) -> list[PointMember]:
        """Who is served at a point: before opening, the KPM assigned one by one; once open,
        the point's roster (by kelurahan and assigned), with whether each has received."""
        with self._conn() as conn:
            status = conn.execute(
                text("SELECT status FROM distribution_round WHERE id = :r"), {"r": round_id}
            ).scalar_one()
            if status == RoundStatus.DRAFT.value:
                rows = conn.execute(
                    text(
                        f"SELECT coalesce(p.name, head.name) AS name, "
                        f"coalesce(p.id, head.id) AS pid, "
                        f"coalesce(p.nik, head.nik) AS nik, h.kk_number, "
                        f"coalesce(p.kelurahan_code, h.kelurahan_code) AS kel, 1 AS assigned, "
                        f"0 AS received FROM ({_CURRENT_ASSIGNMENTS}) a "
                        f"LEFT JOIN household h ON h.id = a.household_id "
                        f"LEFT JOIN person head ON head.id = h.head_person_id "
                        f"LEFT JOIN person p ON p.id = a.person_id "
                        f"WHERE a.point_id = :p ORDER BY 1 LIMIT :n"
                    ),
                    {"r": round_id, "p": point_id, "n": limit},
                ).mappings()
            else:
                rows = conn.execute(
                    text(
                        "SELECT e.name, e.person_id AS pid, e.nik, e.kk_number, "
                        "e.kelurahan_code AS kel, "
                        "EXISTS (SELECT 1 FROM distribution_assignment a WHERE a.round_id = "
                        "e.round_id AND a.point_id = e.point_id AND coalesce(a.household_id, '') "
                        "= coalesce(e.household_id, '')) AS assigned, "
                        "EXISTS (SELECT 1 FROM distribution_receipt x WHERE x.roster_id = e.id "
                        "AND NOT EXISTS (SELECT 1 FROM distribution_receipt_void v "
                        "WHERE v.receipt_id = x.id)) AS received "
                        "FROM distribution_roster e WHERE e.round_id = :r AND e.point_id = :p "
                        "AND e.active = 1 ORDER BY e.no LIMIT :n"
                    ),
                    {"r": round_id, "p": point_id, "n": limit},
                ).mappings()
            return [
                PointMember(
                    name=MASKED_NAME if hidden else m["name"] or "(tanpa nama)",
                    nik=None if hidden else m["nik"],
                    kk_number=None if hidden else m["kk_number"],
                    kelurahan=self._kelurahan_name(m["kel"]) if m["kel"] else "",
                    assigned=bool(m["assigned"]),
                    received=bool(m["received"]),
                )
                for m in rows
                for hidden in (self._masked(m["pid"]),)
            ]

    @requires(*ROUND_READERS)
    def get_point(self, round_id: str, ref: str) -> PointView:
        """A point by id, by its number in the round (1, 2, ...) or by its exact name."""
        ref = (ref or "").strip()
        points = self.points(round_id)
        for p in points:
            if ref in (p.id, str(p.no)) or ref.upper() == p.name.upper():
                return p
        names = "; ".join(f"{p.no}. {p.name}" for p in points[:30])
        raise ServiceError(POINT_NOT_FOUND, ref=ref, points=names)

    @requires(Permission.ROUNDS_MANAGE)
    def points_from_file(self, path: Path | str) -> list[PointInput]:
        """Points from a CSV file (comma or semicolon separated, with a header row).

        Columns: ``nama`` (required), ``jenis`` (kelurahan/toko/lainnya), ``alamat``,
        ``kelurahan`` (codes or names, several separated by '|' or ';'), ``penanggung_jawab``,
        ``jabatan``, and ``penerima`` (a No. KK, NIK or card code assigned to that point). Rows
        with the same name describe one point, so a shop's card list is one row per recipient.
        """
        path = Path(path)
        try:
            raw = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise DistributionInputError(POINTS_FILE_UNREADABLE, path=str(path)) from exc
        lines = raw.splitlines()
        if not lines:
            raise DistributionInputError(POINTS_FILE_EMPTY, name=path.name)
        delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
        reader = csv.DictReader(lines, delimiter=delimiter)
        headers = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
        if "nama" not in headers:
            raise DistributionInputError(POINTS_FILE_NO_NAME, name=path.name)

        def col(row: dict, key: str) -> str:
            header = headers.get(key)
            return str(row.get(header) or "").strip() if header else ""

        order: list[str] = []
        data: dict[str, dict[str, Any]] = {}
        problems: list[Refusal] = []
        kab = self.ctx.office.region_code
        for line_no, row in enumerate(reader, start=2):
            name = " ".join(col(row, "nama").split())
            if not name:
                if any(str(v or "").strip() for v in row.values()):
                    problems.append(problem(LINE_POINT_NAME_EMPTY, line=line_no))
                continue
            key = name.upper()
            if key not in data:
                order.append(key)
                data[key] = {
                    "name": name,
                    "kind": "",
                    "address": "",
                    "kel": [],
                    "contact": "",
                    "title": "",
                    "recipients": [],
                }
            point = data[key]
            kind = col(row, "jenis").lower()
            if kind:
                kind = {"kantor kelurahan": "kelurahan", "toko mitra": "toko"}.get(kind, kind)
                if kind not in POINT_KINDS:
                    problems.append(problem(LINE_POINT_KIND_UNKNOWN, line=line_no, kind=kind))
                point["kind"] = point["kind"] or kind
            point["address"] = point["address"] or col(row, "alamat")
            point["contact"] = point["contact"] or col(row, "penanggung_jawab")
            point["title"] = point["title"] or col(row, "jabatan")
            for part in re.split(r"[|;]" if delimiter == "," else r"[|,]", col(row, "kelurahan")):
                part = part.strip()
                if not part:
                    continue
                region = self.ctx.regions.match_name(part, "kelurahan", parent_code=kab)
                if region is None:
                    hint = self.ctx.regions.suggest(part, "kelurahan", parent_code=kab)
                    if hint:
                        names = ", ".join(r.name for r in hint)
                        problems.append(
                            problem(
                                LINE_KELURAHAN_UNKNOWN_HINT, line=line_no, name=part, hint=names
                            )
                        )
                    else:
                        problems.append(problem(LINE_KELURAHAN_UNKNOWN, line=line_no, name=part))
                elif region.code not in point["kel"]:
                    point["kel"].append(region.code)
            recipient = re.sub(r"\s", "", col(row, "penerima"))
            if recipient:
                point["recipients"].append(recipient)
        if problems:
            raise DistributionInputError(INPUT_PROBLEMS, count=len(problems), problems=problems)
        if not order:
            raise DistributionInputError(POINTS_FILE_NO_POINTS, name=path.name)
        return [
            PointInput(
                name=data[k]["name"],
                kind=data[k]["kind"] or ("toko" if data[k]["recipients"] else "kelurahan"),
                address=data[k]["address"],
                kelurahan_codes=tuple(data[k]["kel"]),
                contact_name=data[k]["contact"],
                contact_title=data[k]["title"],
                recipients=tuple(data[k]["recipients"]),
            )
            for k in order
        ]
