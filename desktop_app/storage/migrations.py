"""Versioned schema upgrades.

One function per version step, each with a docstring of what it changes, run together in one
exclusive transaction (calibre's schema_upgrades pattern). Every step's DDL is frozen text: a later
change to a model needs a new step, never an edit to an old one. `tests/storage/test_schema.py`
checks that a freshly migrated database matches the SQLModel tables.

The file is copied to a backup before an older database is upgraded (see `db.open_database`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from desktop_app.storage import (
    casework_models,  # noqa: F401 - registers the casework tables
    chain,
    distribution_models,  # noqa: F401 - registers the distribution tables
    search,
    sync_models,  # noqa: F401 - registers the sync tables
    training_models,  # noqa: F401 - registers the training tables
)

# 'BDYA': marks a SQLite file as a Berdaya database (PRAGMA application_id).
APPLICATION_ID = 0x42445941

_V1_TABLES = """
CREATE TABLE change_log (
    seq INTEGER NOT NULL,
    id VARCHAR NOT NULL,
    hlc VARCHAR NOT NULL,
    device_id VARCHAR NOT NULL,
    actor VARCHAR NOT NULL,
    at DATETIME NOT NULL,
    entity VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    op VARCHAR NOT NULL,
    changes VARCHAR NOT NULL,
    source VARCHAR,
    batch_id VARCHAR,
    PRIMARY KEY (seq)
);
CREATE INDEX ix_change_log_batch_id ON change_log (batch_id);
CREATE INDEX ix_change_log_device_id ON change_log (device_id);
CREATE INDEX ix_change_log_entity_id ON change_log (entity_id);
CREATE INDEX ix_change_log_hlc ON change_log (hlc);
CREATE UNIQUE INDEX ix_change_log_id ON change_log (id);
CREATE TABLE region (
    code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    parent_code VARCHAR,
    postal_code VARCHAR,
    PRIMARY KEY (code)
);
CREATE INDEX ix_region_parent_code ON region (parent_code);
CREATE TABLE setting (
    "key" VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    PRIMARY KEY ("key")
);
CREATE TABLE household (
    id VARCHAR NOT NULL,
    kk_number VARCHAR NOT NULL,
    head_person_id VARCHAR,
    street VARCHAR,
    rt VARCHAR,
    rw VARCHAR,
    kelurahan_code VARCHAR,
    card_code VARCHAR,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(kelurahan_code) REFERENCES region (code)
);
CREATE INDEX ix_household_card_code ON household (card_code);
CREATE INDEX ix_household_head_person_id ON household (head_person_id);
CREATE INDEX ix_household_kelurahan_code ON household (kelurahan_code);
CREATE INDEX ix_household_kk_number ON household (kk_number);
CREATE TABLE kk_history (
    id VARCHAR NOT NULL,
    household_id VARCHAR NOT NULL,
    kk_number VARCHAR NOT NULL,
    valid_from DATE,
    valid_to DATE,
    reason VARCHAR,
    recorded_at DATETIME NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(household_id) REFERENCES household (id)
);
CREATE INDEX ix_kk_history_household_id ON kk_history (household_id);
CREATE INDEX ix_kk_history_kk_number ON kk_history (kk_number);
CREATE TABLE person (
    id VARCHAR NOT NULL,
    nik VARCHAR,
    name VARCHAR NOT NULL,
    sex VARCHAR NOT NULL,
    birth_place VARCHAR,
    birth_date DATE,
    household_id VARCHAR,
    relation VARCHAR,
    street VARCHAR,
    rt VARCHAR,
    rw VARCHAR,
    kelurahan_code VARCHAR,
    phone VARCHAR,
    notes VARCHAR,
    status VARCHAR NOT NULL,
    status_date DATE,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(household_id) REFERENCES household (id),
    FOREIGN KEY(kelurahan_code) REFERENCES region (code)
);
CREATE INDEX ix_person_birth_date ON person (birth_date);
CREATE INDEX ix_person_household_id ON person (household_id);
CREATE INDEX ix_person_kelurahan_code ON person (kelurahan_code);
CREATE INDEX ix_person_name ON person (name);
CREATE INDEX ix_person_nik ON person (nik);
CREATE INDEX ix_person_status ON person (status);
CREATE TABLE enrolment (
    id VARCHAR NOT NULL,
    program_code VARCHAR NOT NULL,
    person_id VARCHAR,
    household_id VARCHAR,
    start_date DATE NOT NULL,
    end_date DATE,
    end_reason VARCHAR,
    details VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(person_id) REFERENCES person (id),
    FOREIGN KEY(household_id) REFERENCES household (id)
);
CREATE INDEX ix_enrolment_household_id ON enrolment (household_id);
CREATE INDEX ix_enrolment_person_id ON enrolment (person_id);
CREATE INDEX ix_enrolment_program_code ON enrolment (program_code);
CREATE TABLE status_history (
    id VARCHAR NOT NULL,
    person_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    effective_date DATE,
    note VARCHAR,
    recorded_at DATETIME NOT NULL,
    recorded_by VARCHAR NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(person_id) REFERENCES person (id)
);
CREATE INDEX ix_status_history_person_id ON status_history (person_id);
"""


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Execute `;`-separated DDL inside the open transaction.

    sqlite3's executescript() would COMMIT first, breaking the one-transaction upgrade.
    """
    for statement in script.split(";\n"):
        if statement.strip():
            conn.execute(statement)


def _v1_registry(conn: sqlite3.Connection) -> None:
    """Registry foundation: regions, settings, households, persons, KK and status history,
    program enrolments, the change log, and the person search index."""
    run_script(conn, _V1_TABLES)
    search.create_person_index(conn)


_V2_TRAINING_TABLES = """
CREATE TABLE training (
    id VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    organiser VARCHAR NOT NULL,
    trainers VARCHAR NOT NULL,
    venue VARCHAR NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    quota INTEGER,
    threshold_pct INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    notes VARCHAR,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_training_category ON training (category);
CREATE INDEX ix_training_start_date ON training (start_date);
CREATE INDEX ix_training_status ON training (status);
CREATE TABLE training_session (
    id VARCHAR NOT NULL,
    training_id VARCHAR NOT NULL,
    session_date DATE NOT NULL,
    start_time VARCHAR,
    end_time VARCHAR,
    topic VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(training_id) REFERENCES training (id)
);
CREATE INDEX ix_training_session_training_id ON training_session (training_id);
CREATE TABLE training_participant (
    id VARCHAR NOT NULL,
    training_id VARCHAR NOT NULL,
    person_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    registered_on DATE NOT NULL,
    withdrawn_on DATE,
    withdraw_reason VARCHAR,
    nik_warning BOOLEAN NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(training_id) REFERENCES training (id),
    FOREIGN KEY(person_id) REFERENCES person (id)
);
CREATE INDEX ix_training_participant_person_id ON training_participant (person_id);
CREATE INDEX ix_training_participant_training_id ON training_participant (training_id);
CREATE TABLE attendance (
    id VARCHAR NOT NULL,
    session_id VARCHAR NOT NULL,
    participant_id VARCHAR NOT NULL,
    code VARCHAR,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(session_id) REFERENCES training_session (id),
    FOREIGN KEY(participant_id) REFERENCES training_participant (id)
);
CREATE INDEX ix_attendance_participant_id ON attendance (participant_id);
CREATE INDEX ix_attendance_session_id ON attendance (session_id);
CREATE TABLE certificate (
    id VARCHAR NOT NULL,
    number VARCHAR NOT NULL,
    training_id VARCHAR NOT NULL,
    participant_id VARCHAR NOT NULL,
    device VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    issued_on DATE NOT NULL,
    attendance_pct INTEGER NOT NULL,
    override_reason VARCHAR,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(training_id) REFERENCES training (id),
    FOREIGN KEY(participant_id) REFERENCES training_participant (id)
);
CREATE UNIQUE INDEX ix_certificate_number ON certificate (number);
CREATE INDEX ix_certificate_participant_id ON certificate (participant_id);
CREATE INDEX ix_certificate_training_id ON certificate (training_id);
"""


def _v2_training(conn: sqlite3.Connection) -> None:
    """Skills training: trainings, their sessions, participants (with withdrawal), attendance
    marks per session, and certificates with unique numbers."""
    run_script(conn, _V2_TRAINING_TABLES)


_V3_DISTRIBUTION = """
CREATE TABLE distribution_round (
    id VARCHAR NOT NULL,
    program_code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    item VARCHAR NOT NULL,
    quantity FLOAT NOT NULL,
    unit VARCHAR NOT NULL,
    start_date DATE,
    end_date DATE,
    status VARCHAR NOT NULL,
    opened_at DATETIME,
    closed_at DATETIME,
    notes VARCHAR,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_distribution_round_code ON distribution_round (code);
CREATE INDEX ix_distribution_round_program_code ON distribution_round (program_code);
CREATE TABLE distribution_counter (
    round_id VARCHAR NOT NULL,
    device_name VARCHAR NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (round_id, device_name),
    FOREIGN KEY(round_id) REFERENCES distribution_round (id)
);
CREATE TABLE distribution_point (
    id VARCHAR NOT NULL,
    round_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    address VARCHAR NOT NULL,
    kelurahan_codes VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL,
    contact_name VARCHAR NOT NULL,
    contact_title VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(round_id) REFERENCES distribution_round (id)
);
CREATE INDEX ix_distribution_point_round_id ON distribution_point (round_id);
CREATE TABLE distribution_assignment (
    id VARCHAR NOT NULL,
    round_id VARCHAR NOT NULL,
    point_id VARCHAR NOT NULL,
    household_id VARCHAR,
    person_id VARCHAR,
    created_at DATETIME NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(round_id) REFERENCES distribution_round (id),
    FOREIGN KEY(point_id) REFERENCES distribution_point (id),
    FOREIGN KEY(household_id) REFERENCES household (id),
    FOREIGN KEY(person_id) REFERENCES person (id)
);
CREATE INDEX ix_distribution_assignment_point_id ON distribution_assignment (point_id);
CREATE INDEX ix_distribution_assignment_round_id ON distribution_assignment (round_id);
CREATE TABLE distribution_roster (
    id VARCHAR NOT NULL,
    round_id VARCHAR NOT NULL,
    no INTEGER NOT NULL,
    enrolment_id VARCHAR,
    household_id VARCHAR,
    person_id VARCHAR,
    point_id VARCHAR,
    name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    nik VARCHAR,
    kk_number VARCHAR,
    card_code VARCHAR,
    street VARCHAR,
    rt VARCHAR,
    rw VARCHAR,
    kelurahan_code VARCHAR,
    active BOOLEAN NOT NULL,
    created_at DATETIME NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(round_id) REFERENCES distribution_round (id),
    FOREIGN KEY(household_id) REFERENCES household (id),
    FOREIGN KEY(person_id) REFERENCES person (id),
    FOREIGN KEY(point_id) REFERENCES distribution_point (id)
);
CREATE INDEX ix_distribution_roster_household_id ON distribution_roster (household_id);
CREATE INDEX ix_distribution_roster_person_id ON distribution_roster (person_id);
CREATE INDEX ix_distribution_roster_round_card ON distribution_roster (round_id, card_code);
CREATE INDEX ix_distribution_roster_round_kk ON distribution_roster (round_id, kk_number);
CREATE INDEX ix_distribution_roster_round_name ON distribution_roster (round_id, name_key);
CREATE INDEX ix_distribution_roster_round_nik ON distribution_roster (round_id, nik);
CREATE INDEX ix_distribution_roster_round_point ON distribution_roster (round_id, point_id, no);
CREATE TABLE distribution_mark (
    id VARCHAR NOT NULL,
    round_id VARCHAR NOT NULL,
    roster_id VARCHAR NOT NULL,
    point_id VARCHAR,
    kind VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    at DATETIME NOT NULL,
    actor VARCHAR NOT NULL,
    device_id VARCHAR NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(round_id) REFERENCES distribution_round (id),
    FOREIGN KEY(roster_id) REFERENCES distribution_roster (id),
    FOREIGN KEY(point_id) REFERENCES distribution_point (id)
);
CREATE INDEX ix_distribution_mark_roster_id ON distribution_mark (roster_id);
CREATE INDEX ix_distribution_mark_round_id ON distribution_mark (round_id);
CREATE TABLE distribution_receipt (
    id VARCHAR NOT NULL,
    number VARCHAR NOT NULL,
    round_id VARCHAR NOT NULL,
    roster_id VARCHAR NOT NULL,
    point_id VARCHAR,
    collector_name VARCHAR,
    collector_nik VARCHAR,
    collector_relation VARCHAR,
    officer VARCHAR NOT NULL,
    received_at DATETIME NOT NULL,
    device_id VARCHAR NOT NULL,
    device_name VARCHAR NOT NULL,
    verification_code VARCHAR NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(round_id) REFERENCES distribution_round (id),
    FOREIGN KEY(roster_id) REFERENCES distribution_roster (id),
    FOREIGN KEY(point_id) REFERENCES distribution_point (id)
);
CREATE UNIQUE INDEX ix_distribution_receipt_number ON distribution_receipt (number);
CREATE INDEX ix_distribution_receipt_roster_id ON distribution_receipt (roster_id);
CREATE INDEX ix_distribution_receipt_round_id ON distribution_receipt (round_id);
CREATE TABLE distribution_roster_change (
    id VARCHAR NOT NULL,
    round_id VARCHAR NOT NULL,
    roster_id VARCHAR NOT NULL,
    op VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    at DATETIME NOT NULL,
    actor VARCHAR NOT NULL,
    device_id VARCHAR NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(round_id) REFERENCES distribution_round (id),
    FOREIGN KEY(roster_id) REFERENCES distribution_roster (id)
);
CREATE INDEX ix_distribution_roster_change_roster_id ON distribution_roster_change (roster_id);
CREATE INDEX ix_distribution_roster_change_round_id ON distribution_roster_change (round_id);
CREATE TABLE distribution_receipt_void (
    id VARCHAR NOT NULL,
    receipt_id VARCHAR NOT NULL,
    round_id VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    at DATETIME NOT NULL,
    actor VARCHAR NOT NULL,
    device_id VARCHAR NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(receipt_id) REFERENCES distribution_receipt (id),
    FOREIGN KEY(round_id) REFERENCES distribution_round (id)
);
CREATE INDEX ix_distribution_receipt_void_receipt_id ON distribution_receipt_void (receipt_id);
CREATE INDEX ix_distribution_receipt_void_round_id ON distribution_receipt_void (round_id);
"""


def _v3_distribution(conn: sqlite3.Connection) -> None:
    """Distribution rounds: rounds, distribution points and per-recipient assignments, the
    roster frozen at opening with its changes, receipts, voids, non-collection marks and the
    per-device receipt counters, with the (round, code) indexes the counter's scans use."""
    run_script(conn, _V3_DISTRIBUTION)


_V4_SYNC = """
CREATE TABLE sync_device (
    id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    verify_key VARCHAR NOT NULL,
    registered_at DATETIME NOT NULL,
    registered_by VARCHAR NOT NULL,
    revoked BOOLEAN NOT NULL,
    revoked_at DATETIME,
    revoked_reason VARCHAR,
    PRIMARY KEY (id)
);
CREATE TABLE sync_peer (
    device_id VARCHAR NOT NULL,
    received_upto INTEGER NOT NULL,
    delivered_upto INTEGER NOT NULL,
    last_ack_hlc VARCHAR NOT NULL,
    last_export_seq INTEGER NOT NULL,
    PRIMARY KEY (device_id)
);
CREATE TABLE sync_slice (
    device_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    PRIMARY KEY (device_id, entity_id)
);
CREATE TABLE sync_bundle (
    id VARCHAR NOT NULL,
    direction VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    from_device VARCHAR NOT NULL,
    to_device VARCHAR NOT NULL,
    created_hlc VARCHAR NOT NULL,
    seq_from INTEGER NOT NULL,
    seq_to INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    counts VARCHAR NOT NULL,
    file_name VARCHAR,
    size_bytes INTEGER,
    processed_at DATETIME NOT NULL,
    applied INTEGER NOT NULL,
    conflicts INTEGER NOT NULL,
    quarantined INTEGER NOT NULL,
    double_claims INTEGER NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_sync_bundle_from_device ON sync_bundle (from_device);
CREATE INDEX ix_sync_bundle_to_device ON sync_bundle (to_device);
CREATE TABLE sync_conflict (
    id VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    base VARCHAR NOT NULL,
    candidates VARCHAR NOT NULL,
    current VARCHAR NOT NULL,
    open BOOLEAN NOT NULL,
    detected_at DATETIME NOT NULL,
    closed_by_change VARCHAR,
    PRIMARY KEY (id)
);
CREATE INDEX ix_sync_conflict_entity_id ON sync_conflict (entity_id);
CREATE INDEX ix_sync_conflict_open ON sync_conflict (open);
CREATE TABLE sync_quarantine (
    change_id VARCHAR NOT NULL,
    bundle_id VARCHAR NOT NULL,
    device_id VARCHAR NOT NULL,
    hlc VARCHAR NOT NULL,
    entry VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    received_at DATETIME NOT NULL,
    status VARCHAR NOT NULL,
    decided_at DATETIME,
    decided_by VARCHAR,
    PRIMARY KEY (change_id)
);
CREATE INDEX ix_sync_quarantine_bundle_id ON sync_quarantine (bundle_id);
CREATE INDEX ix_sync_quarantine_status ON sync_quarantine (status);
"""


def _v4_sync(conn: sqlite3.Connection) -> None:
    """Field sync: trusted devices and their keys, per-peer stream marks, the entities handed to
    each field device, bundles made and imported, the conflict queue, quarantined changes."""
    run_script(conn, _V4_SYNC)


_V5_DOUBLE_CLAIMS = """
CREATE TABLE double_claim_decision (
    id VARCHAR NOT NULL,
    round_id VARCHAR NOT NULL,
    roster_id VARCHAR NOT NULL,
    decision VARCHAR NOT NULL,
    receipt_ids VARCHAR NOT NULL,
    voided_receipt_id VARCHAR,
    note VARCHAR NOT NULL,
    decided_by VARCHAR NOT NULL,
    decided_at DATETIME NOT NULL,
    device_id VARCHAR NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_double_claim_decision_roster_id ON double_claim_decision (roster_id);
CREATE INDEX ix_double_claim_decision_round_id ON double_claim_decision (round_id);
"""


def _v5_double_claims(conn: sqlite3.Connection) -> None:
    """Supervisors' decisions on double claims (void one receipt, or confirm for recovery): a
    synced fact table."""
    run_script(conn, _V5_DOUBLE_CLAIMS)


_V6_LIST_INDEXES = """
CREATE INDEX ix_person_live_name ON person (name, deleted) WHERE deleted = 0;
CREATE INDEX ix_household_live_kk_number ON household (kk_number, deleted) WHERE deleted = 0;
"""


def _v6_list_indexes(conn: sqlite3.Connection) -> None:
    """Partial indexes for the registry's default lists (live persons by name, live households
    by KK). They hold `deleted`, so the list's row keys come from the index alone instead of
    160,000 table lookups. Led by the sort column, not (deleted, name): without statistics SQLite
    would pick a (deleted, ...) index for every "deleted = 0" query, e.g. counting a household's
    members by scanning every person."""
    run_script(conn, _V6_LIST_INDEXES)


_V7_RECEIPT_SIGNATURES = """
ALTER TABLE distribution_receipt ADD COLUMN signature VARCHAR;
ALTER TABLE certificate ADD COLUMN signed_by VARCHAR;
ALTER TABLE certificate ADD COLUMN signature VARCHAR;
"""


def _v7_receipt_signatures(conn: sqlite3.Connection) -> None:
    """Each device signs its receipts and certificates with its own Ed25519 key: the signature
    (unpadded base64url) beside the row, and which device signed a certificate. Rows made before
    stay NULL and verify as unsigned ("tanpa tanda tangan")."""
    run_script(conn, _V7_RECEIPT_SIGNATURES)


_V8_COLLECTOR_CORRECTIONS = """
CREATE TABLE distribution_collector_correction (
    id VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    at DATETIME NOT NULL,
    actor VARCHAR NOT NULL,
    device_id VARCHAR NOT NULL,
    hlc VARCHAR NOT NULL,
    receipt_id VARCHAR NOT NULL,
    round_id VARCHAR NOT NULL,
    collector_name VARCHAR,
    collector_nik VARCHAR,
    collector_relation VARCHAR,
    PRIMARY KEY (id),
    FOREIGN KEY(receipt_id) REFERENCES distribution_receipt (id),
    FOREIGN KEY(round_id) REFERENCES distribution_round (id)
);
CREATE INDEX ix_distribution_collector_correction_receipt_id
    ON distribution_collector_correction (receipt_id);
CREATE INDEX ix_distribution_collector_correction_round_id
    ON distribution_collector_correction (round_id);
"""


def _v8_collector_corrections(conn: sqlite3.Connection) -> None:
    """Corrections of who collected a receipt, on the day it was recorded, each with a reason:
    an appended, synced fact (the receipt row is never edited)."""
    run_script(conn, _V8_COLLECTOR_CORRECTIONS)


_V9_BAST_REGISTER = """
CREATE TABLE distribution_bast (
    id VARCHAR NOT NULL,
    number VARCHAR NOT NULL,
    round_id VARCHAR NOT NULL,
    point_id VARCHAR,
    handover_date DATE NOT NULL,
    received_qty FLOAT,
    content_hash VARCHAR NOT NULL,
    content VARCHAR NOT NULL,
    issued_at DATETIME NOT NULL,
    issued_by VARCHAR NOT NULL,
    device_id VARCHAR NOT NULL,
    device_name VARCHAR NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(round_id) REFERENCES distribution_round (id),
    FOREIGN KEY(point_id) REFERENCES distribution_point (id)
);
CREATE UNIQUE INDEX ix_distribution_bast_number ON distribution_bast (number);
CREATE INDEX ix_distribution_bast_point_id ON distribution_bast (point_id);
CREATE INDEX ix_distribution_bast_round_id ON distribution_bast (round_id);
"""


def _v9_bast_register(conn: sqlite3.Connection) -> None:
    """The register of issued BASTs (berita acara serah terima): number (with the issuing
    device's prefix), round, point, handover date, stock received, a hash of the content and who
    issued it, so a reprint of the same content keeps its number and changed content gets a new
    one."""
    run_script(conn, _V9_BAST_REGISTER)


_V10_ACCOUNTS = """
CREATE TABLE user_account (
    id VARCHAR NOT NULL,
    username VARCHAR NOT NULL,
    full_name VARCHAR NOT NULL,
    nip VARCHAR,
    role VARCHAR NOT NULL,
    supervisor BOOLEAN NOT NULL,
    password_hash VARCHAR NOT NULL,
    active BOOLEAN NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    failed_logins INTEGER NOT NULL,
    locked_until DATETIME,
    last_login_at DATETIME,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (username)
);
CREATE TABLE access_log (
    seq INTEGER NOT NULL,
    at DATETIME NOT NULL,
    username VARCHAR NOT NULL,
    actor VARCHAR NOT NULL,
    device_id VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    entity_id VARCHAR,
    detail VARCHAR NOT NULL,
    PRIMARY KEY (seq)
);
CREATE INDEX ix_access_log_at ON access_log (at);
CREATE INDEX ix_access_log_username ON access_log (username);
CREATE INDEX ix_access_log_entity_id ON access_log (entity_id);
"""


def _v10_accounts(conn: sqlite3.Connection) -> None:
    """Accounts (login, role, Argon2id hash) and the log of every look at restricted data. A
    database upgraded to this step has no account yet: the next start creates the
    administrator."""
    run_script(conn, _V10_ACCOUNTS)


_V11_CHANGE_LOG_CHAIN = """
ALTER TABLE change_log ADD COLUMN prev_hash VARCHAR;
ALTER TABLE change_log ADD COLUMN hash VARCHAR;
ALTER TABLE sync_peer ADD COLUMN chain_hash VARCHAR NOT NULL DEFAULT '';
ALTER TABLE sync_device ADD COLUMN checkout_role VARCHAR;
"""


def _v11_change_log_chain(conn: sqlite3.Connection) -> None:
    """The change log becomes tamper-evident: each entry carries the hash of its device's
    previous entry and its own hash (storage/chain.py), filled by a trigger on every insert so
    no writer can forget it. A device's last entry is found through ix_change_log_device_id:
    its keys end with the rowid, which is `seq`, so no (device_id, seq) index is needed. Existing
    entries are chained here, per device in the order they were written. `sync_peer.chain_hash`
    is the newest hash of a laptop's chain the office accepted, so a return bundle must continue
    it. `sync_device.checkout_role`: the access role a laptop was last checked out for."""
    chain.register(conn)
    run_script(conn, _V11_CHANGE_LOG_CHAIN)
    chain.chain_existing(conn)
    conn.execute(chain.TRIGGER_SQL)


_V12_CASEWORK = """
CREATE TABLE case_file (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    person_id VARCHAR NOT NULL,
    program_code VARCHAR NOT NULL,
    worker VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    opened_on DATE NOT NULL,
    closed_on DATE,
    close_reason VARCHAR,
    close_note VARCHAR,
    follow_up_on DATE,
    carer VARCHAR,
    visit_every_days INTEGER,
    last_visit_on DATE,
    stage VARCHAR,
    notes VARCHAR,
    PRIMARY KEY (id),
    FOREIGN KEY(person_id) REFERENCES person (id)
);
CREATE INDEX ix_case_file_follow_up_on ON case_file (follow_up_on);
CREATE INDEX ix_case_file_person_id ON case_file (person_id);
CREATE INDEX ix_case_file_program_code ON case_file (program_code);
CREATE INDEX ix_case_file_status ON case_file (status);
CREATE INDEX ix_case_file_worker ON case_file (worker);
CREATE TABLE case_assessment (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    case_id VARCHAR NOT NULL,
    assessed_on DATE NOT NULL,
    assessor VARCHAR NOT NULL,
    answers VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(case_id) REFERENCES case_file (id)
);
CREATE INDEX ix_case_assessment_case_id ON case_assessment (case_id);
CREATE TABLE case_plan (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    case_id VARCHAR NOT NULL,
    made_on DATE NOT NULL,
    review_on DATE,
    summary VARCHAR,
    PRIMARY KEY (id),
    FOREIGN KEY(case_id) REFERENCES case_file (id)
);
CREATE INDEX ix_case_plan_case_id ON case_plan (case_id);
CREATE TABLE case_goal (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    plan_id VARCHAR NOT NULL,
    case_id VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    target_on DATE,
    status VARCHAR NOT NULL,
    done_on DATE,
    PRIMARY KEY (id),
    FOREIGN KEY(plan_id) REFERENCES case_plan (id),
    FOREIGN KEY(case_id) REFERENCES case_file (id)
);
CREATE INDEX ix_case_goal_case_id ON case_goal (case_id);
CREATE INDEX ix_case_goal_plan_id ON case_goal (plan_id);
CREATE TABLE case_activity (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    case_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    done_on DATE NOT NULL,
    worker VARCHAR NOT NULL,
    notes VARCHAR,
    follow_up_on DATE,
    target VARCHAR,
    details VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(case_id) REFERENCES case_file (id)
);
CREATE INDEX ix_case_activity_case_id ON case_activity (case_id);
CREATE INDEX ix_case_activity_done_on ON case_activity (done_on);
CREATE TABLE case_device (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    case_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    requested_on DATE NOT NULL,
    spec VARCHAR,
    delivered_on DATE,
    received_by VARCHAR,
    officer VARCHAR,
    number VARCHAR,
    signed_by VARCHAR,
    signature VARCHAR,
    notes VARCHAR,
    PRIMARY KEY (id),
    FOREIGN KEY(case_id) REFERENCES case_file (id)
);
CREATE INDEX ix_case_device_case_id ON case_device (case_id);
CREATE INDEX ix_case_device_number ON case_device (number);
CREATE TABLE case_stage (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted BOOLEAN NOT NULL,
    hlc VARCHAR NOT NULL,
    case_id VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    started_on DATE NOT NULL,
    placement VARCHAR,
    note VARCHAR,
    PRIMARY KEY (id),
    FOREIGN KEY(case_id) REFERENCES case_file (id)
);
CREATE INDEX ix_case_stage_case_id ON case_stage (case_id);
"""


def _v12_casework(conn: sqlite3.Connection) -> None:
    """Casework for Si Hore, disability services and children (issue 15): cases (person,
    program, worker, opened/closed with reason, next follow-up, Si Hore carer and visit
    frequency, current SPPA stage), assessments (answers as JSON checked against the program's
    field definitions), plans and goals, dated activities, assistive devices with their signed
    handover, and the SPPA stage timeline of ABH cases. All synced rows with tombstones."""
    run_script(conn, _V12_CASEWORK)


_V13_UNUSED_INDEXES = """
DROP INDEX ix_change_log_hlc;
DROP INDEX ix_household_head_person_id;
"""


def _v13_unused_indexes(conn: sqlite3.Connection) -> None:
    """Drop two indexes no query reads, which every bulk import and every receipt at the counter
    kept writing (issue 17: a 160,000-row import spent more on the change log's indexes than on
    its rows).

    ix_change_log_hlc: the change log was never looked up or sorted by `hlc` in SQL. Sync
    exports and checks walk a device's entries by `seq` (ix_change_log_device_id), received
    entries are ordered by HLC in Python (sync/merge.py), and the `ORDER BY hlc` queries are on
    the roster-change tables. ix_household_head_person_id: every query joins a household to its
    head through the person's primary key (`person.id = household.head_person_id`); none looks a
    household up by its head. Dropping 50,000 log rows' hlc keys measured 1.12 -> 0.95 s CPU of
    change-log inserts."""
    run_script(conn, _V13_UNUSED_INDEXES)


def _v14_change_log_batch_index(conn: sqlite3.Connection) -> None:
    """Drop ix_change_log_batch_id, which every change-log row kept writing and no query needs
    (issue 17: the 160,000-row import's change log).

    Its one reader was the unit of work's change set (services/context.py), which reads its own
    batch back only when it issued more clock stamps than it logged rows. Every writer now
    counts what it logs (`UnitOfWork.log` / `logged` / `record`), and the sync export, which
    took a stamp for its manifest without logging anything, reads the clock directly; a batch
    read left for an unknown writer scans the log instead. Sync review groups held changes by
    the batch in the quarantined entry's JSON, not through this index. The column stays: it is
    part of every entry, its chain hash and the sync wire format."""
    conn.execute("DROP INDEX IF EXISTS ix_change_log_batch_id")


STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _v1_registry,
    2: _v2_training,
    3: _v3_distribution,
    4: _v4_sync,
    5: _v5_double_claims,
    6: _v6_list_indexes,
    7: _v7_receipt_signatures,
    8: _v8_collector_corrections,
    9: _v9_bast_register,
    10: _v10_accounts,
    11: _v11_change_log_chain,
    12: _v12_casework,
    13: _v13_unused_indexes,
    14: _v14_change_log_batch_index,
}

CURRENT_VERSION = max(STEPS)


def upgrade(conn: sqlite3.Connection, from_version: int, to_version: int | None = None) -> None:
    """Run the steps after `from_version` up to `to_version` (default: the latest) inside the
    caller's transaction."""
    target = CURRENT_VERSION if to_version is None else to_version
    for version in range(from_version + 1, target + 1):
        STEPS[version](conn)
        conn.execute(f"PRAGMA user_version = {version}")
