"""Distribution points: the defaults, a points file, checks, and reading them back."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop_app.domain.errors import Refusal
from desktop_app.domain.ids import new_id
from desktop_app.domain.nik import clean_number
from desktop_app.domain.programs import Unit, get_program
from desktop_app.services.bulk import bulk_insert, chunked
from desktop_app.services.context import ServiceError, UnitOfWork
from desktop_app.services.distribution.messages import (
    INPUT_PROBLEMS,
    KELURAHAN_TWO_POINTS,
    LINE_KELURAHAN_UNKNOWN,
    LINE_KELURAHAN_UNKNOWN_HINT,
    LINE_POINT_KIND_UNKNOWN,
    LINE_POINT_NAME_EMPTY,
    POINT_KELURAHAN_UNKNOWN,
    POINT_KIND_UNKNOWN,
    POINT_NAME_REQUIRED,
    POINT_NAME_TWICE,
    POINT_NOT_FOUND,
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
    PointInput,
    PointView,
)
from desktop_app.storage.distribution_models import (
    DistributionPoint,
)


class Points(Numbering):
    """Where a round is handed out: kelurahan offices, partner shops and their recipients."""

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

    def points(self, round_id: str) -> list[PointView]:
        with self._conn() as conn:
            rows = conn.execute(
                text(
                    "SELECT p.*, (SELECT count(*) FROM distribution_assignment a "
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

    def get_point(self, round_id: str, ref: str) -> PointView:
        """A point by id, by its number in the round (1, 2, ...) or by its exact name."""
        ref = (ref or "").strip()
        points = self.points(round_id)
        for p in points:
            if ref in (p.id, str(p.no)) or ref.upper() == p.name.upper():
                return p
        names = "; ".join(f"{p.no}. {p.name}" for p in points[:30])
        raise ServiceError(POINT_NOT_FOUND, ref=ref, points=names)

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
