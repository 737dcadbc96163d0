"""The application context every service works in, and the unit of work that logs changes.

A write opens a `UnitOfWork`: one database transaction in which every changed entity appends a
change-log row (who, which device, when by wall clock and by hybrid logical clock, which entity,
fields before/after). The change log is both the audit trail and what field sync exports.

The unit of work also collects which entities it changed; after a successful commit the context
hands that `ChangeSet` to its subscribers (`AppContext.subscribe`), so a screen refreshes what a
write touched without being told by whoever made the write.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from desktop_app.domain.access import (
    PERMISSION_LABELS,
    ROLE_LABELS,
    SYSTEM_ACTOR,
    Actor,
    Permission,
)
from desktop_app.domain.clock import Clock, HybridClock, SystemClock, Timestamp
from desktop_app.domain.devices import normalise_device_name, suggest_device_name
from desktop_app.domain.errors import Refusal
from desktop_app.domain.ids import new_id
from desktop_app.domain.nik import Issue, validate_nik
from desktop_app.domain.office import OfficeProfile
from desktop_app.domain.regions import RegionCatalog
from desktop_app.i18n import resource_path
from desktop_app.services import messages as msgs
from desktop_app.storage import driver
from desktop_app.storage.db import Database, integrity_problem, open_database
from desktop_app.storage.models import AccessLog, ChangeLog, Region, Setting
from desktop_app.storage.sync_models import SyncDevice

M = TypeVar("M", bound=SQLModel)

log = logging.getLogger(__name__)

DEVICE_KEY = "device"
OFFICE_KEY = "office_profile"
HLC_KEY = "hlc_last"
# The officer's name typed on this computer: receipts, documents and the change log carry it
# (the CLI too, which has no Qt settings to read it from).
OFFICER_KEY = "officer"
# Whether this database is the office or a field laptop (written by services.sync).
SYNC_ROLE_KEY = "sync_role"
MAX_OFFICER_CHARS = 80


_SAVE_HLC = text(
    'INSERT INTO setting ("key", value) VALUES (:k, :v) '
    'ON CONFLICT ("key") DO UPDATE SET value = excluded.value'
)


def save_clock(conn: driver.Connection, stamp: Timestamp) -> None:
    """Persist the hybrid clock's newest stamp inside the caller's transaction, so a restart
    never issues a smaller one: the unit of work and the counter's plain path both call it."""
    conn.execute(_SAVE_HLC.text, {"k": HLC_KEY, "v": json.dumps(stamp.encode())})


class ServiceError(Refusal):
    """A refusal from a use case, e.g. a rule that forbids the write: raise it with a `Msg`
    (code + Indonesian and English templates) and its parameters."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(obj: SQLModel, exclude: tuple[str, ...] = ("hlc", "updated_at", "created_at")) -> dict:
    return {k: _jsonable(v) for k, v in obj.model_dump().items() if k not in exclude}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def replace_json_setting(session: Session, key: str, value: Mapping[str, Any]) -> dict[str, Any]:
    """Store `value` as the JSON setting `key` (creating the row if needed) and return what it
    replaced ({} when there was none), so the caller can log the difference."""
    row = session.get(Setting, key)
    before: dict[str, Any] = json.loads(row.value) if row else {}
    if row is None:
        row = Setting(key=key, value="{}")
    row.value = json.dumps(value, ensure_ascii=False)
    session.add(row)
    return before


@dataclass(frozen=True)
class ChangeSet:
    """What one committed unit of work changed.

    `entities` maps an entity kind, as the change log names it ("person", "household",
    "enrolment", "distribution_receipt", …), to the ids of the rows changed; `created` holds the
    subset that was created (op "create"). `source` and `batch_id` are the unit of work's.
    """

    entities: Mapping[str, frozenset[str]]
    created: Mapping[str, frozenset[str]] = field(default_factory=dict)
    source: str | None = None
    batch_id: str = ""

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.entities)

    def ids(self, kind: str) -> frozenset[str]:
        return self.entities.get(kind, frozenset())

    def created_ids(self, kind: str) -> frozenset[str]:
        return self.created.get(kind, frozenset())

    def touches(self, *kinds: str) -> bool:
        """True when any of these entity kinds changed."""
        return any(kind in self.entities for kind in kinds)

    def __bool__(self) -> bool:
        return bool(self.entities)


ChangeSubscriber = Callable[[ChangeSet], None]

# A safety net for a writer that stamps without counting what it logs: batch_id is not indexed
# (migration 14), so this scans the change log. Every writer in the app counts its rows
# (`log`, `logged`, `record`) and never reaches it; tests/sync/test_batch_reads.py checks.
_BATCH_ENTRIES = text("SELECT entity, entity_id, op FROM change_log WHERE batch_id = :b")


@dataclass(frozen=True)
class Device:
    id: str
    name: str


_RECEIPT_DEVICES = text(
    "SELECT DISTINCT device_name FROM distribution_receipt WHERE device_id != :me"
)


def device_names_in_use(session: Session, own_id: str) -> set[str]:
    """Device names this database knows belong to other devices: registered laptops and the
    office (revoked ones too: their receipt numbers exist), and the devices of receipts merged
    from elsewhere."""
    taken = {r.name for r in session.exec(select(SyncDevice).where(SyncDevice.id != own_id))}
    taken.update(name for (name,) in session.execute(_RECEIPT_DEVICES, {"me": own_id}) if name)
    return taken


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "pengguna"


@dataclass
class UnitOfWork:
    session: Session
    ctx: AppContext
    source: str | None = None
    batch_id: str = field(default_factory=new_id)
    last_stamp: Timestamp | None = None
    _changed: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _created: dict[str, set[str]] = field(default_factory=dict, repr=False)
    # Stamps issued vs. rows logged through `log`: more stamps than rows means a bulk writer
    # (services.bulk) appended change-log rows itself, so `change_set` reads them back.
    _stamped: int = field(default=0, repr=False)
    _logged: int = field(default=0, repr=False)

    def stamp(self) -> str:
        self.last_stamp = self.ctx.hlc.now()
        self._stamped += 1
        return self.last_stamp.encode()

    def stamps(self, n: int) -> list[str]:
        """``n`` clock stamps for a bulk write, as ``n`` calls of `stamp` would give."""
        out = self.ctx.hlc.now_many(n)
        if out:
            self.last_stamp = Timestamp.decode(out[-1])
        self._stamped += len(out)
        return out

    def record(self, entity: str, ids: Iterable[str], *, created: bool = False) -> None:
        """Count rows as changed by this unit of work without logging them here: for writers
        that append change-log rows under another batch (e.g. entries merged from a sync
        bundle keep their own batch ids)."""
        ids = list(ids)
        if not ids:
            return
        self._changed.setdefault(entity, set()).update(ids)
        if created:
            self._created.setdefault(entity, set()).update(ids)

    def change_set(self) -> ChangeSet:
        """The entities this unit of work changed so far (read inside its transaction)."""
        changed = {k: set(v) for k, v in self._changed.items()}
        created = {k: set(v) for k, v in self._created.items()}
        if self._stamped > self._logged:
            for entity, entity_id, op in self.session.execute(_BATCH_ENTRIES, {"b": self.batch_id}):
                changed.setdefault(entity, set()).add(entity_id)
                if op == "create":
                    created.setdefault(entity, set()).add(entity_id)
        return ChangeSet(
            entities={k: frozenset(v) for k, v in changed.items()},
            created={k: frozenset(v) for k, v in created.items()},
            source=self.source,
            batch_id=self.batch_id,
        )

    def now(self) -> datetime:
        return self.ctx.clock.now()

    def plain(self) -> driver.Connection:
        """This unit of work's own DB-API (SQLCipher) connection, inside its transaction.

        For the few hot paths where SQLAlchemy's per-statement work costs more than SQLite's
        (the counter's scan -> receipt: ~0.1 ms a statement against ~0.01 ms in SQLite).
        Statements run on it commit or roll back with the unit of work; SQL stays in
        services/storage as everywhere else.
        """
        dbapi_conn = self.session.connection().connection.driver_connection
        assert isinstance(dbapi_conn, driver.Connection)
        return dbapi_conn

    def logged(self, entity: str, ids: Sequence[str], *, created: bool = False) -> None:
        """Count change-log rows the caller appended itself through `plain` (one per id, each
        with a `stamp`), so `change_set` need not read the batch back."""
        self.record(entity, ids, created=created)
        self._logged += len(ids)

    def log(
        self,
        entity: str,
        entity_id: str,
        op: str,
        changes: Mapping[str, list[Any]],
        hlc: str | None = None,
    ) -> ChangeLog:
        entry = ChangeLog(
            id=new_id(),
            hlc=hlc or self.stamp(),
            device_id=self.ctx.device.id,
            actor=self.ctx.actor,
            at=self.now(),
            entity=entity,
            entity_id=entity_id,
            op=op,
            changes=json.dumps(dict(changes), ensure_ascii=False, sort_keys=True),
            source=self.source,
            batch_id=self.batch_id,
        )
        self.session.add(entry)
        self._logged += 1
        self.record(entity, [entity_id], created=op == "create")
        return entry

    def add(self, obj: SQLModel, entity: str, op: str = "create") -> None:
        """Insert a new synced row and log all its fields."""
        stamp = self.stamp()
        if hasattr(obj, "hlc"):
            obj.hlc = stamp
        self.session.add(obj)
        self.log(entity, obj.id, op, diff({}, snapshot(obj)), hlc=stamp)  # type: ignore[attr-defined]

    def create(self, model: type[M], entity: str, op: str = "create", **fields: Any) -> M:
        """Build, insert and log a new synced row.

        Fills what every synced row needs and callers kept repeating: a fresh UUIDv7 `id`,
        `created_at`/`updated_at` (when the table has them) and the HLC stamp.
        """
        columns = model.model_fields
        fields.setdefault("id", new_id())
        if "created_at" in columns:
            now = self.now()
            fields.setdefault("created_at", now)
            fields.setdefault("updated_at", now)
        obj = model(**fields, hlc="")
        self.add(obj, entity, op)
        return obj

    def update(
        self, obj: SQLModel, entity: str, changes: Mapping[str, Any], op: str = "update"
    ) -> dict:
        """Apply `changes` to `obj`; log only the fields that really changed."""
        before = snapshot(obj)
        for key, value in changes.items():
            setattr(obj, key, value)
        delta = diff(before, snapshot(obj))
        if delta:
            stamp = self.stamp()
            if hasattr(obj, "hlc"):
                obj.hlc = stamp
            if hasattr(obj, "updated_at"):
                obj.updated_at = self.now()
            self.session.add(obj)
            self.log(entity, obj.id, op, delta, hlc=stamp)  # type: ignore[attr-defined]
        return delta


class AppContext:
    """Database, office profile, device identity, actor and clocks for one running app."""

    def __init__(
        self, db: Database, *, actor: str | None = None, clock: Clock | None = None
    ) -> None:
        self.db = db
        self.clock: Clock = clock or SystemClock()
        self.device, self.office, last, officer = self._load_identity()
        # Explicit (the GUI's per-account name) > the name saved in this database > OS login.
        # Once somebody logs in (`set_user`), their account's full name and NIP replace it.
        self.actor = actor or officer or default_actor()
        self.user: Actor | None = None
        self.accounts_exist = self._accounts_exist()
        self.hlc = HybridClock(self.device.id, last=last)
        self._regions: RegionCatalog | None = None
        self._subscribers: list[ChangeSubscriber] = []
        self._subscribers_lock = threading.Lock()

    # -- identity and settings -------------------------------------------------------------
    def _load_identity(self) -> tuple[Device, OfficeProfile, Timestamp | None, str | None]:
        with self.db.session() as session:
            settings = {s.key: json.loads(s.value) for s in session.exec(select(Setting)).all()}
        device_data = settings.get(DEVICE_KEY)
        office = OfficeProfile.from_dict(settings.get(OFFICE_KEY) or {})
        last = Timestamp.decode(settings[HLC_KEY]) if HLC_KEY in settings else None
        officer = settings.get(OFFICER_KEY)
        officer = officer.strip() or None if isinstance(officer, str) else None
        if device_data is None:
            device_data = {"id": new_id(), "name": office.device_name}
            if not self.db.read_only:
                with self.db.transaction() as session:
                    session.add(Setting(key=DEVICE_KEY, value=json.dumps(device_data)))
                    if OFFICE_KEY not in settings:
                        session.add(Setting(key=OFFICE_KEY, value=json.dumps(office.to_dict())))
        return (
            Device(device_data["id"], device_data.get("name") or office.device_name),
            office,
            last,
            officer,
        )

    # -- who is working: accounts and permissions ------------------------------------------
    def _accounts_exist(self) -> bool:
        with self.db.session() as session:
            return session.execute(text("SELECT 1 FROM user_account LIMIT 1")).first() is not None

    def set_user(self, user: Actor | None) -> None:
        """The person now logged in (None: logged out / locked). Their name and NIP are the
        officer on everything written from now on."""
        self.user = user
        if user is not None:
            self.actor = user.display
            self.accounts_exist = True

    def current_actor(self) -> Actor:
        """Who is working. A database without any account runs as `SYSTEM_ACTOR` (all
        permissions, as before accounts existed); with accounts, nobody works unlogged."""
        if self.user is not None:
            return self.user
        if not self.accounts_exist:
            return SYSTEM_ACTOR
        raise ServiceError(msgs.LOGIN_REQUIRED)

    def can(self, permission: Permission) -> bool:
        if self.user is not None:
            return self.user.can(permission)
        return not self.accounts_exist

    def require(self, permission: Permission) -> Actor:
        """Refuse (coded `auth.permission_denied`) unless the current actor has `permission`:
        the rule lives here, in the service layer; the GUI only hides what a role cannot use."""
        actor = self.current_actor()
        if not actor.can(permission):
            role_id, role_en = ROLE_LABELS[actor.role]
            action_id, action_en = PERMISSION_LABELS[permission]
            raise ServiceError(
                msgs.PERMISSION_DENIED,
                user=actor.username,
                role=role_id,
                role_en=role_en,
                action=action_id,
                action_en=action_en,
            )
        return actor

    def log_access(
        self, action: str, entity: str, entity_id: str | None, detail: str = ""
    ) -> None:
        """Append to the access log (opening, printing, exporting a restricted record). Its own
        short transaction: the look happened even if the caller's work fails afterwards."""
        if self.db.read_only:
            return
        actor = self.user or SYSTEM_ACTOR
        with self.db.transaction() as session:
            session.add(
                AccessLog(
                    at=self.clock.now(),
                    username=actor.username,
                    actor=self.actor,
                    device_id=self.device.id,
                    action=action,
                    entity=entity,
                    entity_id=entity_id,
                    detail=detail,
                )
            )

    @property
    def regions(self) -> RegionCatalog:
        if self._regions is None:
            self._regions = RegionCatalog.from_csv(
                resource_path("wilayah", "kota_blitar_wilayah.csv")
            )
        return self._regions

    @contextmanager
    def unit_of_work(self, source: str | None = None) -> Iterator[UnitOfWork]:
        """One transaction with its change log; subscribers hear of it once it is committed."""
        with self.db.transaction() as session:
            uow = UnitOfWork(session, self, source=source)
            yield uow
            if uow.last_stamp is not None:
                # Persist the clock so a restart never issues a smaller timestamp. One upsert
                # statement: this runs on every write, including each receipt at the counter.
                # Straight to the driver: SQLAlchemy's statement machinery costs more than it.
                save_clock(uow.plain(), uow.last_stamp)
            changes = uow.change_set()
        if changes:
            self.notify(changes)

    # -- change notifications --------------------------------------------------------------
    def subscribe(self, callback: ChangeSubscriber) -> Callable[[], None]:
        """Call `callback(change_set)` after every committed unit of work that changed
        something; returns a function that unsubscribes. Callbacks run on the thread that made
        the write (often a worker), after the commit: they must be quick and must not write."""
        with self._subscribers_lock:
            self._subscribers.append(callback)
        return lambda: self.unsubscribe(callback)

    def unsubscribe(self, callback: ChangeSubscriber) -> None:
        with self._subscribers_lock:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

    def notify(self, changes: ChangeSet) -> None:
        """Tell every subscriber; one failing subscriber neither stops the others nor the
        write, which is already committed."""
        with self._subscribers_lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(changes)
            except Exception:  # noqa: BLE001 - the data is saved; a screen may just be stale
                log.exception("change subscriber %r failed", callback)

    def join_or_open(self, uow: UnitOfWork | None) -> AbstractContextManager[UnitOfWork]:
        """Join the caller's unit of work (e.g. an import batch) or open a new one."""
        return nullcontext(uow) if uow is not None else self.unit_of_work()

    def check_nik(self, nik: str, *, birth_date: date | None, sex: str | None) -> list[Issue]:
        """`validate_nik` against this office's province and the clock's today."""
        return validate_nik(
            nik,
            birth_date=birth_date,
            sex=sex,
            office_province=self.office.province_code,
            today=self.clock.today(),
        )

    def save_office_profile(self, profile: OfficeProfile) -> None:
        """Store the office profile (letterhead, head of office, this computer's name).

        Refused when the profile has an error, when the device name is another known device's
        (a registered laptop, the office a laptop joined, or a device whose receipts this
        database holds: two devices with one name would mint the same receipt numbers), and on
        a field laptop when the name differs from the one the office assigned. The device
        identity's name follows the profile, so identity files and bundles carry it."""
        self.require(Permission.PROFILE_EDIT)
        profile = dataclasses.replace(
            profile, device_name=normalise_device_name(profile.device_name)
        )
        errors = [i for i in profile.validate() if i.is_error]
        if errors:
            raise ServiceError(msgs.PROFILE_INVALID, problem=errors[0].message)
        with self.unit_of_work() as uow:
            name = profile.device_name
            stored = uow.session.get(Setting, SYNC_ROLE_KEY)
            role = json.loads(stored.value).get("role") if stored else None
            if role == "field" and name != self.device.name:
                raise ServiceError(msgs.DEVICE_NAME_ASSIGNED, name=self.device.name)
            taken = device_names_in_use(uow.session, self.device.id)
            if name in taken:
                raise ServiceError(
                    msgs.DEVICE_NAME_USED,
                    name=name,
                    suggestion=suggest_device_name(taken | {name}),
                )
            after = profile.to_dict()
            before = replace_json_setting(uow.session, OFFICE_KEY, after)
            uow.log("setting", OFFICE_KEY, "update", diff(before, after))
            if name != self.device.name:
                device_row = uow.session.get(Setting, DEVICE_KEY)
                data = json.loads(device_row.value) if device_row else {"id": self.device.id}
                uow.log("setting", DEVICE_KEY, "rename", {"name": [data.get("name"), name]})
                data["name"] = name
                replace_json_setting(uow.session, DEVICE_KEY, data)
        self.office = profile
        self.device = Device(self.device.id, profile.device_name)

    def save_officer(self, name: str) -> str:
        """Remember the officer working at this computer, for this database: the CLI and
        documents name them instead of the operating-system login."""
        name = " ".join((name or "").split())
        if not name or len(name) > MAX_OFFICER_CHARS:
            raise ServiceError(msgs.OFFICER_NAME_INVALID)
        with self.unit_of_work() as uow:
            row = uow.session.get(Setting, OFFICER_KEY)
            before = json.loads(row.value) if row else None
            if before != name:
                if row is None:
                    row = Setting(key=OFFICER_KEY, value="null")
                row.value = json.dumps(name, ensure_ascii=False)
                uow.session.add(row)
                uow.log("setting", OFFICER_KEY, "update", {"name": [before, name]})
        self.actor = name
        return name

    def ensure_regions(self) -> None:
        """Load the Kemendagri region reference into a new database."""
        with self.db.session() as session:
            if session.exec(select(Region).limit(1)).first() is not None:
                return
        if self.db.read_only:
            return
        with self.db.transaction() as session:
            for r in self.regions:
                session.add(
                    Region(
                        code=r.code,
                        name=r.name,
                        level=r.level,
                        parent_code=r.parent_code,
                        postal_code=r.postal_code,
                    )
                )

    def close(self) -> None:
        self.db.dispose()


def open_app(
    path: Path | str,
    *,
    actor: str | None = None,
    clock: Clock | None = None,
    read_only: bool = False,
    verify: str = "full",
    key: bytes | None = None,
) -> AppContext:
    """Open a database for the app or the CLI: migrate if needed, load identity and regions.

    `verify="structure"` defers the full page check to `verify_integrity()` (see
    `storage.db.open_database`). `key` opens an encrypted database (storage/keyring.py).
    """
    db = open_database(path, key=key, read_only=read_only, verify=verify)
    ctx = AppContext(db, actor=actor, clock=clock)
    ctx.ensure_regions()
    return ctx


def verify_integrity(ctx: AppContext) -> str | None:
    """The full page check of an open database, for a background job; None when healthy."""
    return integrity_problem(ctx.db.path, key=ctx.db.key)
