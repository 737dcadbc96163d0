"""SQL the distribution service shares: a roster entry's state, list and receipt selects, and
the counter's hot-path statements (built once)."""

from __future__ import annotations

from sqlalchemy import text

__all__ = [
    "ACTIVE_RECEIPT",
    "NEXT_SEQ",
    "RECEIPT_SELECT",
    "RECORD_STATE",
    "ROSTER_SELECT",
    "STATUS_SQL",
]

# -- SQL fragments --------------------------------------------------------------------------

ACTIVE_RECEIPT = (
    "SELECT {cols} FROM distribution_receipt r WHERE r.roster_id = {e}.id "
    "AND NOT EXISTS (SELECT 1 FROM distribution_receipt_void v WHERE v.receipt_id = r.id)"
)

# The state of one roster entry: a receipt that was not voided wins; otherwise the latest mark
# recorded after the last receipt (a receipt, even voided later, supersedes earlier marks).
STATUS_SQL = f"""
CASE
  WHEN e.active = 0 THEN 'dikeluarkan'
  WHEN EXISTS ({ACTIVE_RECEIPT.format(cols="1", e="e")} AND r.collector_relation IS NULL)
    THEN 'diterima'
  WHEN EXISTS ({ACTIVE_RECEIPT.format(cols="1", e="e")} AND r.collector_relation IS NOT NULL)
    THEN 'diwakilkan'
  ELSE coalesce((SELECT m.kind FROM distribution_mark m WHERE m.roster_id = e.id
        AND m.hlc > coalesce((SELECT max(r2.hlc) FROM distribution_receipt r2
                              WHERE r2.roster_id = e.id), '')
        ORDER BY m.hlc DESC LIMIT 1), '')
END
"""

ROSTER_SELECT = f"""
SELECT e.rowid AS rowid, e.id, e.no, e.round_id, e.point_id, p.name AS point_name, e.name, e.nik,
       e.kk_number, e.card_code, e.street, e.rt, e.rw, e.kelurahan_code, e.active,
       e.household_id, e.person_id,
       ({STATUS_SQL}) AS status,
       ({ACTIVE_RECEIPT.format(cols="r.number", e="e")} LIMIT 1) AS receipt_number,
       ({ACTIVE_RECEIPT.format(cols="r.received_at", e="e")} LIMIT 1) AS received_at,
       ({ACTIVE_RECEIPT.format(cols="r.collector_name", e="e")} LIMIT 1) AS collector_name,
       (SELECT m.reason FROM distribution_mark m WHERE m.roster_id = e.id
         ORDER BY m.hlc DESC LIMIT 1) AS mark_reason
FROM distribution_roster e
LEFT JOIN distribution_point p ON p.id = e.point_id
"""

RECEIPT_SELECT = """
SELECT r.id, r.number, r.verification_code, r.signature, r.round_id, r.roster_id, r.point_id,
       p.name AS point_name, e.name AS recipient_name, r.collector_name, r.collector_nik,
       r.collector_relation, r.officer, r.received_at, r.device_name,
       (SELECT v.reason FROM distribution_receipt_void v WHERE v.receipt_id = r.id LIMIT 1)
           AS void_reason,
       EXISTS (SELECT 1 FROM distribution_receipt_void v WHERE v.receipt_id = r.id) AS voided
FROM distribution_receipt r
JOIN distribution_roster e ON e.id = r.roster_id
LEFT JOIN distribution_point p ON p.id = r.point_id
"""


# The counter's hot path: statements built once.
NEXT_SEQ = text(
    "INSERT INTO distribution_counter (round_id, device_name, last_seq) "
    "VALUES (:r, :d, 1) ON CONFLICT (round_id, device_name) "
    "DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq"
)
RECORD_STATE = text(
    """
    SELECT e.id, e.round_id, e.name, e.nik, e.kk_number, e.active, e.point_id,
           e.household_id, e.person_id, p.name AS point_name,
           d.code AS round_code, d.name AS round_name, d.status AS round_status,
           d.program_code,
           EXISTS (SELECT 1 FROM distribution_receipt x WHERE x.roster_id = e.id
                   AND NOT EXISTS (SELECT 1 FROM distribution_receipt_void v
                                   WHERE v.receipt_id = x.id)) AS received,
           who.status AS person_status, who.status_date AS person_status_date,
           who.household_id AS live_household_id
    FROM distribution_roster e
    JOIN distribution_round d ON d.id = e.round_id AND d.deleted = 0
    LEFT JOIN distribution_point p ON p.id = e.point_id
    LEFT JOIN person who ON who.id = e.person_id
    WHERE e.id = :id
    """
)
