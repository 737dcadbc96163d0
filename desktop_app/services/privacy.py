"""Personal data kept where it belongs: masked identifiers, owner-only files, a clean log, and
the incident report an administrator prints when a laptop is lost.

UU 27/2022 (Pelindungan Data Pribadi) asks for security of processing and a notice within
3×24 hours of a breach. Berdaya's own contribution:

- `mask_nik` / `mask_identifiers`: a NIK or No. KK shown as `3572********0001`, enough to tell
  two people apart on a list, not enough to impersonate either.
- `RedactingFilter` on the log handlers: no 16-digit number and no SQL bound parameters reach
  berdaya.log, whoever wrote the log call.
- `create_private` / `make_private`: exports, the log and reports readable by their owner only
  (0600 on POSIX; on Windows the per-user folders already keep other users out).
- `incident_report_pdf`: the prefilled breach report (documents/incident.py draws it).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from datetime import UTC, datetime, timedelta
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.domain.access import (
    PERMISSION_LABELS,
    RESTRICTED_PROGRAMS,
    ROLE_LABELS,
    ROLE_PERMISSIONS,
    Permission,
    Role,
)
from desktop_app.domain.clock import WIB
from desktop_app.domain.programs import PROGRAMS

if TYPE_CHECKING:
    from desktop_app.services.context import AppContext

__all__ = [
    "BREACH_NOTICE_HOURS",
    "PrivateRotatingFileHandler",
    "RedactingFilter",
    "create_private",
    "incident_report_pdf",
    "make_private",
    "mask_identifiers",
    "mask_nik",
    "notice_deadline",
    "office_time",
    "permission_table_markdown",
    "private_log_handler",
]

# UU PDP art. 46: the data subjects and the authority are told within 3×24 hours.
BREACH_NOTICE_HOURS = 3 * 24

_MASK = "*"
# A run of exactly 16 digits (NIK, No. KK): not part of a longer number (a timestamp, an id).
_SIXTEEN_DIGITS = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")
# SQLAlchemy puts the statement's bound values into its error text; the storage layer turns
# that off (hide_parameters), this is the second lock for any engine or driver that does not.
_SQL_PARAMETERS = re.compile(r"\[parameters: [^\n]*")


def mask_nik(value: str | None) -> str | None:
    """`3572011201600001` -> `3572********0001`: the region and the serial stay, the birth date
    and the rest go. A shorter or odd value keeps at most its first and last two characters."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return text
    if len(text) >= 12:
        return text[:4] + _MASK * (len(text) - 8) + text[-4:]
    if len(text) > 4:
        return text[:2] + _MASK * (len(text) - 4) + text[-2:]
    return _MASK * len(text)


def mask_identifiers(text: str) -> str:
    """`text` with every 16-digit number masked and SQL parameters dropped (for log lines)."""
    if not text:
        return text
    text = _SIXTEEN_DIGITS.sub(lambda m: m.group(1) + _MASK * 8 + m.group(2), text)
    return _SQL_PARAMETERS.sub("[parameters: hidden]", text)


class RedactingFilter(logging.Filter):
    """Masks NIKs and SQL parameters in every record a handler writes: the message with its
    arguments, the traceback and the stack. Renders the message here (the arguments may be an
    exception whose text carries a NIK), so the formatter gets finished, masked text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken log call must not hide the rest of the log
            message = str(record.msg)
        record.msg = mask_identifiers(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_identifiers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_identifiers(record.stack_info)
        return True


def make_private(path: Path) -> None:
    """Owner read/write only (0600). Windows ignores the mode bits beyond read-only; there the
    per-user folders keep other accounts out."""
    with contextlib.suppress(OSError):  # a file system without modes (FAT on a USB stick)
        os.chmod(path, 0o600)


def create_private(path: Path) -> Path:
    """Create (or empty) `path` as an owner-only file before anything is written into it, so
    no other account can open it in the moment between creation and chmod."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    make_private(path)  # an existing file keeps its old mode through O_CREAT
    return path


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose every file (the current one and each new one after a rollover) is
    created owner-only."""

    def _open(self) -> Any:
        path = Path(self.baseFilename)
        if not path.exists():
            create_private(path)
        else:
            make_private(path)
        return super()._open()


def private_log_handler(path: Path, *, max_bytes: int = 2_000_000, backups: int = 3) -> Any:
    """The app's log file handler: owner-only files, NIKs and SQL parameters masked."""
    handler = PrivateRotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    handler.addFilter(RedactingFilter())
    return handler


def office_time(ctx: AppContext, moment: datetime) -> datetime:
    """`moment` on the office's wall clock (WIB unless the clock says otherwise); a naive
    moment is taken as already being office time (what a person types)."""
    zone = getattr(ctx.clock, "tz", None) or WIB
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def notice_deadline(discovered_at: datetime) -> datetime:
    """The latest time the breach notice may go out (UU PDP art. 46: 3×24 hours)."""
    return discovered_at + timedelta(hours=BREACH_NOTICE_HOURS)


def permission_table_markdown() -> str:
    """The role × permission table of domain/access.py as Markdown: docs/privacy.md carries it
    verbatim (tests/services/test_privacy.py checks that the two agree)."""
    roles = list(Role)
    header = "| Izin (permission) | " + " | ".join(ROLE_LABELS[r][0] for r in roles) + " |"
    rule = "|---|" + "|".join(":-:" for _ in roles) + "|"
    lines = [header, rule]
    for permission in Permission:
        label_id, label_en = PERMISSION_LABELS[permission]
        marks = " | ".join("✓" if permission in ROLE_PERMISSIONS[r] else "" for r in roles)
        lines.append(f"| `{permission.value}` {label_id} ({label_en}) | {marks} |")
    return "\n".join(lines)


# -- the incident report -----------------------------------------------------------------------


def _program_counts(ctx: AppContext) -> list[tuple[str, str, int, bool]]:
    """(code, name, persons enrolled now, restricted) for every program with enrolments."""
    sql = (
        "SELECT e.program_code, count(DISTINCT coalesce(e.person_id, e.household_id))"
        " FROM enrolment e WHERE e.deleted = 0 AND e.end_date IS NULL"
        " GROUP BY e.program_code ORDER BY e.program_code"
    )
    with ctx.db.engine.connect() as conn:
        rows = [(str(r[0]), int(r[1])) for r in conn.exec_driver_sql(sql)]
    out = []
    for code, count in rows:
        program = PROGRAMS.get(code)
        out.append((code, program.name if program else code, count, code in RESTRICTED_PROGRAMS))
    return out


def _scalar(ctx: AppContext, sql: str) -> int:
    with ctx.db.engine.connect() as conn:
        value = conn.exec_driver_sql(sql).scalar()
    return int(value or 0)


def _device_info(ctx: AppContext, name: str) -> tuple[bool, bool, datetime | None]:
    """Whether this database knows the device (an office database knows its laptops), whether
    it is already revoked, and the newest change it sent here (its last sync)."""
    try:
        with ctx.db.engine.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT id, revoked FROM sync_device WHERE upper(name) = ? LIMIT 1",
                (name.upper(),),
            ).first()
            if row is None:
                return False, False, None
            last = conn.exec_driver_sql(
                "SELECT max(at) FROM change_log WHERE device_id = ?", (str(row[0]),)
            ).scalar()
    except Exception:  # an older schema without the sync tables: the device stays unknown
        return False, False, None
    return True, bool(row[1]), _as_moment(last)


def _as_moment(value: Any) -> datetime | None:
    # The change log stores UTC without its zone (SQLite has no time zones).
    if isinstance(value, str) and value:
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def incident_report_pdf(
    ctx: AppContext,
    output: Path,
    *,
    lost_device: str | None,
    discovered_at: datetime,
    description: str,
) -> Path:
    """The prefilled data-breach report (a lost or stolen laptop, a copied file): the office,
    the device, what data it held (persons per program, restricted programs flagged), the
    notice deadline (discovered + 3×24 h), the checklist of steps and the signatures.

    Needs USERS_MANAGE or PROFILE_EDIT (an administrator's task). The printing is logged in the
    access log: the report itself names no person, but says what the office holds."""
    from desktop_app.documents.incident import IncidentData, ProgramLine, incident_pdf

    if not (ctx.can(Permission.USERS_MANAGE) or ctx.can(Permission.PROFILE_EDIT)):
        ctx.require(Permission.USERS_MANAGE)  # the coded auth.permission_denied refusal
    known, revoked, last_sync = False, False, None
    if lost_device:
        known, revoked, last_sync = _device_info(ctx, lost_device)
    discovered_at = office_time(ctx, discovered_at)
    programs = [
        ProgramLine(code, name, count, restricted)
        for code, name, count, restricted in _program_counts(ctx)
    ]
    data = IncidentData(
        office=ctx.office,
        reporter=ctx.actor,
        device_name=lost_device,
        device_known=known,
        device_revoked=revoked,
        last_sync=office_time(ctx, last_sync) if last_sync else None,
        discovered_at=discovered_at,
        deadline=notice_deadline(discovered_at),
        description=description,
        persons=_scalar(ctx, "SELECT count(*) FROM person WHERE deleted = 0"),
        households=_scalar(ctx, "SELECT count(*) FROM household WHERE deleted = 0"),
        programs=programs,
        printed_at=office_time(ctx, ctx.clock.now()),
    )
    output = Path(output)
    incident_pdf(output, data)
    make_private(output)
    ctx.log_access(
        "print", "incident_report", None, detail=f"{output.name}; perangkat {lost_device or '-'}"
    )
    return output
