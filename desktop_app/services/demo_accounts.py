"""The demo database's accounts: one per role, with passwords written in the README and
docs/privacy.md so a visitor can try every role. Synthetic people; never used outside a demo."""

from __future__ import annotations

from desktop_app.domain.access import Role

# (username, full name, role, NIP, password). The administrator is created first (the first
# start of a demo database) and is the one `berdaya --demo` logs in as.
DEMO_ACCOUNTS: tuple[tuple[str, str, Role, str | None, str], ...] = (
    ("admin", "Administrator Demo", Role.ADMIN, None, "demo-admin"),
    ("operator", "Operator Kantor Demo", Role.OPERATOR, "198703152010012003", "demo-operator"),
    ("lapangan", "Petugas Lapangan Demo", Role.FIELD, None, "demo-lapangan"),
    ("peksos", "Pekerja Sosial Demo", Role.SOCIAL_WORKER, "199001202015032001", "demo-peksos"),
    ("pimpinan", "Kepala Dinas Demo", Role.HEAD, "197005121995031002", "demo-pimpinan"),
)
DEMO_LOGIN = DEMO_ACCOUNTS[0]
