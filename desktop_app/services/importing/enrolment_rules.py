"""What an import may enrol, and the programme a participant list is about.

- **Permissions.** Nothing restricted is imported past the clerk's permissions: an enrolment in
  a restricted programme (domain/access.py is_restricted_program: disability, home care,
  children's programmes), or a suggestion to enrol in one (a list's Cacat column suggests the
  disability register), needs Permission.RESTRICTED_VIEW. Without it those enrolments and
  suggestions are left out and the rest of the row imports; the report says how many were left
  out per programme, never who (a line on the row would itself disclose the restricted fact).
- **A participant list's programme** (OpenSID "peserta program bantuan": the title row, the
  export's Program sheet, or a Program column; blocks.list_program): when the catalogue has it,
  it is the enrolment target of an enrolment import whose clerk chose no programme, and a
  suggestion to enrol (reviewed by a person) in a person or household import; otherwise the
  report names it and nothing is enrolled.

The planner (plan.py) asks; this module only decides and counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.domain.access import Permission, is_restricted_program
from desktop_app.domain.nik import Issue
from desktop_app.domain.programs import PROGRAMS
from desktop_app.services.context import AppContext
from desktop_app.services.importing.fields import RowResult
from desktop_app.services.importing.messages import warning_issue
from desktop_app.services.importing.parse import Candidate, program_code

if TYPE_CHECKING:
    from desktop_app.services.importing.plan import Existing, PendingOp

__all__ = ["EnrolmentRules"]


class EnrolmentRules:
    """One plan's decisions on enrolments; ``notes()`` gives the report's lines."""

    def __init__(self, ctx: AppContext, list_program: str = "") -> None:
        self.ctx = ctx
        self.title_program = list_program or None
        self._allowed: dict[str, bool] = {}
        self._left_out: dict[str, int] = {}  # programme code -> rows left out
        self._unknown: dict[str, int] = {}  # list programme name -> rows
        self._codes: dict[str, str | None] = {}

    def may_enrol(self, code: str) -> bool:
        """True when the clerk may enrol in (or be shown a suggestion for) ``code``; a refusal
        is counted for the report."""
        allowed = self._allowed.get(code)
        if allowed is None:
            allowed = not is_restricted_program(code) or self.ctx.can(Permission.RESTRICTED_VIEW)
            self._allowed[code] = allowed
        if not allowed:
            self._left_out[code] = self._left_out.get(code, 0) + 1
        return allowed

    def list_program(self, cand: Candidate) -> tuple[str | None, str | None]:
        """(name, catalogue code or None) of the programme the list names for this row; a name
        the catalogue lacks is counted for the report."""
        name = cand.list_program or self.title_program
        if name is None:
            return None, None
        if name not in self._codes:
            self._codes[name] = program_code(name)
        code = self._codes[name]
        if code is None:
            self._unknown[name] = self._unknown.get(name, 0) + 1
        return name, code

    def suggest_list_program(
        self, cand: Candidate, op: PendingOp, result: RowResult, existing: Existing
    ) -> None:
        """A participant list imported as persons or households: its programme, when the
        catalogue has it, becomes a suggestion to enrol that a person reviews; nothing is
        enrolled. Not suggested for someone (or a KPM) already enrolled."""
        name, code = self.list_program(cand)
        if name is None or code is None:
            return
        current = op.current
        if current is not None and (
            (code, current["id"]) in existing.person_enrolled
            or (code, current["household_id"]) in existing.household_enrolled
        ):
            return
        if not self.may_enrol(code):
            return
        result.suggestions = (
            *result.suggestions,
            {
                "kind": "enrol",
                "program": code,
                "nik": cand.values.get("nik"),
                "name": result.name,
                "value": name,
                "ragam": [],
            },
        )
        result.warnings.append(
            warning_issue(
                "import.suggest_program",
                "Daftar peserta program {value}: usulan didaftarkan ke program {program}, "
                "ditinjau petugas (tidak didaftarkan otomatis).",
                value=name,
                program=PROGRAMS[code].short,
            )
        )

    def notes(self) -> list[Issue]:
        out: list[Issue] = []
        for name, rows in self._unknown.items():
            out.append(
                warning_issue(
                    "import.list_program_unknown",
                    "Daftar ini peserta program '{program}' ({n} baris), yang tidak ada di "
                    "katalog program: tidak ada yang didaftarkan ke program itu.",
                    program=name,
                    n=rows,
                )
            )
        for code, rows in self._left_out.items():
            out.append(
                warning_issue(
                    "import.restricted_left_out",
                    "{n} pendaftaran/usulan ke program {program} (data terbatas) tidak dibuat: "
                    "perlu izin melihat data terbatas. Data orangnya tetap diimpor.",
                    n=rows,
                    program=PROGRAMS[code].short if code in PROGRAMS else code,
                )
            )
        return out
