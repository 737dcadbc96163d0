"""The SQLCipher settings every connection of an encrypted database runs with (issue 17).

The counter's scan -> receipt on an encrypted file costs ~13 µs more per page its commit writes
(AES-256-CBC plus HMAC-SHA512 of a 4 KiB page, bench/bench_encryption.py): these tests pin the
settings that cost decides, so a driver update cannot change them unnoticed."""

from __future__ import annotations

import secrets
from pathlib import Path

from desktop_app.storage.db import open_database


def _settings(path: Path, key: bytes) -> dict[str, str]:
    db = open_database(path, key=key)
    try:
        with db.plain() as conn:
            return {
                name: str(conn.execute(f"PRAGMA {name}").fetchone()[0])
                for name in (
                    "cipher_use_hmac",
                    "cipher_page_size",
                    "cipher_memory_security",
                    "cipher_hmac_algorithm",
                    "synchronous",
                )
            }
    finally:
        db.dispose()


def test_every_page_is_authenticated_and_a_receipt_is_durable(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "enc.sqlite", secrets.token_bytes(32))
    assert settings["cipher_use_hmac"] == "1"  # tampering is found, never read as data
    assert settings["cipher_hmac_algorithm"] == "HMAC_SHA512"
    assert settings["synchronous"] == "2"  # FULL: the number shown is on disk


def test_pages_are_4_kib_as_the_file_checks_assume(tmp_path: Path) -> None:
    # storage/db.py tells an encrypted file by its whole number of 4 KiB pages.
    assert _settings(tmp_path / "enc.sqlite", secrets.token_bytes(32))["cipher_page_size"] == "4096"


def test_memory_security_is_off(tmp_path: Path) -> None:
    """SQLCipher's default since 4.5. On, it wipes and locks every allocation SQLite frees:
    +23% per commit (~5.5 µs a written page) and it cannot be turned off again in the process.
    The key itself is wiped either way, and the decrypted pages sit in the page cache anyway,
    so it protects little for its cost."""
    assert (
        _settings(tmp_path / "enc.sqlite", secrets.token_bytes(32))["cipher_memory_security"] == "0"
    )
