"""Who may do what: roles, permissions and restricted (specific personal) data.

UU 27/2022 (Pelindungan Data Pribadi) counts health, disability and children's data as specific
personal data: access to it is limited to the people whose work needs it. The table below is
the one rule book: services enforce it (`AppContext.require`), the GUI only hides what a role
cannot use, and docs/privacy.md prints it. Roles live in the data model by their stable codes so
a future office server can enforce the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from desktop_app.domain.programs import PROGRAMS

__all__ = [
    "RESTRICTED_PERSON_PROGRAMS",
    "RESTRICTED_PROGRAMS",
    "ROLE_LABELS",
    "ROLE_PERMISSIONS",
    "Actor",
    "Permission",
    "Role",
    "SYSTEM_ACTOR",
    "is_restricted_program",
    "lockout_seconds",
    "permissions_of",
]


class Role(StrEnum):
    ADMIN = "admin"  # Administrator
    OPERATOR = "operator"  # Operator kantor
    FIELD = "field"  # Petugas lapangan
    SOCIAL_WORKER = "social_worker"  # Pekerja sosial
    HEAD = "head"  # Pimpinan


class Permission(StrEnum):
    USERS_MANAGE = "users.manage"  # accounts, roles, password resets, the access log
    DEVICES_MANAGE = "devices.manage"  # register / revoke laptops, device keys
    PROFILE_EDIT = "profile.edit"  # office profile, settings, idle lock time
    REGISTRY_READ = "registry.read"  # see the (non-restricted) registry
    REGISTRY_EDIT = "registry.edit"  # add / change people, households, enrolments
    RESTRICTED_VIEW = "restricted.view"  # names, NIKs and case data in restricted programs
    IMPORT = "import"  # import spreadsheets into the registry
    EXPORT = "export"  # export lists (non-restricted data)
    EXPORT_RESTRICTED = "export.restricted"  # export restricted data (encrypted file, logged)
    ROUNDS_MANAGE = "rounds.manage"  # distribution rounds, points, rosters, BAST
    COUNTER = "counter"  # record receipts at the counter
    TRAINING_MANAGE = "training.manage"  # trainings, sessions, participants
    ATTENDANCE = "attendance"  # record training attendance
    PRINT = "print"  # print receipts, lists, certificates, cards
    REPORTS_VIEW = "reports.view"  # dashboard and reports
    SIGN = "sign"  # sign documents as head of office
    SUPERVISE = "supervise"  # void a receipt, override a certificate, decide double claims
    SYNC = "sync"  # make / read sync bundles (checkouts, returns)
    CASEWORK = "casework"  # casework on restricted programs (Si Hore, disability, children)
    BACKUP = "backup"  # make and restore backups


P = Permission

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.OPERATOR: frozenset(
        {
            P.REGISTRY_READ,
            P.REGISTRY_EDIT,
            P.IMPORT,
            P.EXPORT,
            P.ROUNDS_MANAGE,
            P.COUNTER,
            P.TRAINING_MANAGE,
            P.ATTENDANCE,
            P.PRINT,
            P.REPORTS_VIEW,
            P.SYNC,
            P.BACKUP,
        }
    ),
    Role.FIELD: frozenset(
        {P.REGISTRY_READ, P.COUNTER, P.ATTENDANCE, P.PRINT, P.SYNC, P.EXPORT, P.BACKUP}
    ),
    Role.SOCIAL_WORKER: frozenset(
        {
            P.REGISTRY_READ,
            P.REGISTRY_EDIT,
            P.RESTRICTED_VIEW,
            P.CASEWORK,
            P.ATTENDANCE,
            P.PRINT,
            P.EXPORT,
            P.EXPORT_RESTRICTED,
            P.REPORTS_VIEW,
            P.SYNC,
        }
    ),
    Role.HEAD: frozenset(
        {P.REGISTRY_READ, P.RESTRICTED_VIEW, P.REPORTS_VIEW, P.SIGN, P.SUPERVISE, P.PRINT}
    ),
}

ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.ADMIN: ("Administrator", "Administrator"),
    Role.OPERATOR: ("Operator kantor", "Office operator"),
    Role.FIELD: ("Petugas lapangan", "Field officer"),
    Role.SOCIAL_WORKER: ("Pekerja sosial", "Social worker"),
    Role.HEAD: ("Pimpinan", "Head of office"),
}

PERMISSION_LABELS: dict[Permission, tuple[str, str]] = {
    P.USERS_MANAGE: ("mengelola pengguna", "manage users"),
    P.DEVICES_MANAGE: ("mengelola perangkat", "manage devices"),
    P.PROFILE_EDIT: ("mengubah profil kantor dan pengaturan", "change office profile and settings"),
    P.REGISTRY_READ: ("melihat registri", "view the registry"),
    P.REGISTRY_EDIT: ("mengubah registri", "change the registry"),
    P.RESTRICTED_VIEW: ("melihat data terbatas", "view restricted data"),
    P.IMPORT: ("mengimpor data", "import data"),
    P.EXPORT: ("mengekspor data", "export data"),
    P.EXPORT_RESTRICTED: ("mengekspor data terbatas", "export restricted data"),
    P.ROUNDS_MANAGE: ("mengelola tahap penyaluran", "manage distribution rounds"),
    P.COUNTER: ("mencatat penerimaan di loket", "record receipts at the counter"),
    P.TRAINING_MANAGE: ("mengelola pelatihan", "manage trainings"),
    P.ATTENDANCE: ("mencatat kehadiran", "record attendance"),
    P.PRINT: ("mencetak dokumen", "print documents"),
    P.REPORTS_VIEW: ("melihat laporan", "view reports"),
    P.SIGN: ("menandatangani dokumen", "sign documents"),
    P.SUPERVISE: ("keputusan penyelia (batal, pengecualian, klaim ganda)", "supervisor decisions"),
    P.SYNC: ("sinkronisasi", "synchronise"),
    P.CASEWORK: ("mengelola kasus", "casework"),
    P.BACKUP: ("mencadangkan data", "back up data"),
}

# Specific personal data: the catalogue's sensitive programs (children, disability, home care
# with health conditions).
RESTRICTED_PROGRAMS: frozenset[str] = frozenset(c for c, p in PROGRAMS.items() if p.sensitive)


# Programs whose enrolment makes the whole person a restricted record (children: neglected, or
# in conflict with the law): without RESTRICTED_VIEW nobody sees their name, NIK or address. In
# the other restricted programs (disability, home care) the person stays visible, and only the
# enrolment and its details (ragam, severity, conditions) are hidden.
RESTRICTED_PERSON_PROGRAMS: frozenset[str] = frozenset({"ABH", "ANAK_TERLANTAR"})


def is_restricted_program(code: str) -> bool:
    """Unknown codes count as restricted: a program nobody classified is not shown by default."""
    program = PROGRAMS.get(code)
    return program is None or program.sensitive


def permissions_of(role: Role | str, *, supervisor: bool = False) -> frozenset[Permission]:
    """A role's permissions; `supervisor` grants SUPERVISE on top (an office coordinator)."""
    perms = ROLE_PERMISSIONS[Role(role)]
    return perms | {P.SUPERVISE} if supervisor else perms


@dataclass(frozen=True)
class Actor:
    """The person logged in: what receipts, documents and the change log name, and what they
    may do. `username` is the account's login name (stable, unique)."""

    username: str
    full_name: str
    role: Role
    nip: str | None = None
    supervisor: bool = False
    account_id: str = ""

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.role, supervisor=self.supervisor)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def display(self) -> str:
        """The officer as printed and logged: "Full Name (NIP 1985...)" when a NIP is given."""
        return f"{self.full_name} (NIP {self.nip})" if self.nip else self.full_name


# The actor of a database that has no accounts yet (a database made before accounts existed, or
# by tests and tools that work below the login): every permission, as before accounts. A
# database with at least one account never runs as this actor (AppContext refuses instead).
SYSTEM_ACTOR = Actor(username="", full_name="", role=Role.ADMIN)


FREE_ATTEMPTS = 3  # wrong passwords allowed before any wait (typos happen at a busy counter)
FIRST_LOCKOUT_SECONDS = 30
MAX_LOCKOUT_SECONDS = 15 * 60


def lockout_seconds(failures: int) -> int:
    """How long an account waits after `failures` wrong passwords in a row: nothing for the
    first three, then 30 s doubling with every further one, at most 15 minutes. Slows a guesser
    at the keyboard to a few hundred tries a day without locking a clerk out for good."""
    if failures <= FREE_ATTEMPTS:
        return 0
    return min(MAX_LOCKOUT_SECONDS, FIRST_LOCKOUT_SECONDS * 2 ** (failures - FREE_ATTEMPTS - 1))
