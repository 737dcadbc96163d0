"""SQL the distribution service shares: a roster entry's state, list and receipt selects, and
the counter's hot-path statements (built once)."""

from __future__ import annotations

from sqlalchemy import text

__all__ = [
    "ACTIVE_RECEIPT",
    "CORRECTION_JOIN",
    "effective_collector",
    "NEXT_SEQ",
    "RECEIPT_SELECT",
    "RECORD_STATE",
    "ROSTER_SELECT",
    "STATUS_SQL",
]

# -- SQL fragments --------------------------------------------------------------------------

# Who collected a receipt: the latest same-day correction (distribution_collector_correction)
# when there is one, otherwise what the receipt recorded. The receipt row itself is never edited.
_CORRECTIONS = "distribution_collector_correction"


def effective_collector(column: str, r: str = "r") -> str:
    """SQL for a receipt's collector_name/nik/relation as corrected, for receipt alias `r`."""
    return (
        f"(CASE WHEN EXISTS (SELECT 1 FROM {_CORRECTIONS} cc WHERE cc.receipt_id = {r}.id) "
        f"THEN (SELECT cc.{column} FROM {_CORRECTIONS} cc WHERE cc.receipt_id = {r}.id "
        f"ORDER BY cc.hlc DESC LIMIT 1) ELSE {r}.{column} END)"
    )


# The latest correction of receipt `r` as alias `c` (NULL columns when there is none).
CORRECTION_JOIN = (
    f"LEFT JOIN {_CORRECTIONS} c ON c.id = (SELECT cc.id FROM {_CORRECTIONS} cc "
    "WHERE cc.receipt_id = r.id ORDER BY cc.hlc DESC LIMIT 1)"
)

ACTIVE_RECEIPT = (
    "SELECT {cols} FROM distribution_receipt r WHERE r.roster_id = {e}.id "
    "AND NOT EXISTS (SELECT 1 FROM distribution_receipt_void v WHERE v.receipt_id = r.id)"
)

# The state of one roster entry: a receipt that was not voided wins; otherwise the latest mark
# recorded after the last receipt (a receipt, even voided later, supersedes earlier marks).
STATUS_SQL = f"""
CASE
  WHEN e.active = 0 THEN 'dikeluarkan'
  WHEN EXISTS ({ACTIVE_RECEIPT.format(cols="1", e="e")}
               AND {effective_collector("collector_relation")} IS NULL)
    THEN 'diterima'
  WHEN EXISTS ({ACTIVE_RECEIPT.format(cols="1", e="e")}
               AND {effective_collector("collector_relation")} IS NOT NULL)
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
       ({ACTIVE_RECEIPT.format(cols=effective_collector("collector_name"), e="e")} LIMIT 1)
           AS collector_name,
       (SELECT m.reason FROM distribution_mark m WHERE m.roster_id = e.id
         ORDER BY m.hlc DESC LIMIT 1) AS mark_reason
FROM distribution_roster e
LEFT JOIN distribution_point p ON p.id = e.point_id
"""

RECEIPT_SELECT = f"""
SELECT r.id, r.number, r.verification_code, r.signature, r.round_id, r.roster_id, r.point_id,
       p.name AS point_name, e.name AS recipient_name, e.person_id AS recipient_person_id,
       CASE WHEN c.id IS NULL THEN r.collector_name ELSE c.collector_name END AS collector_name,
       CASE WHEN c.id IS NULL THEN r.collector_nik ELSE c.collector_nik END AS collector_nik,
       CASE WHEN c.id IS NULL THEN r.collector_relation ELSE c.collector_relation END
           AS collector_relation,
       c.id IS NOT NULL AS corrected, c.reason AS correction_reason,
       r.collector_name AS recorded_collector_name, r.collector_nik AS recorded_collector_nik,
       r.collector_relation AS recorded_collector_relation,
       r.officer, r.received_at, r.device_name,
       (SELECT v.reason FROM distribution_receipt_void v WHERE v.receipt_id = r.id LIMIT 1)
           AS void_reason,
       EXISTS (SELECT 1 FROM distribution_receipt_void v WHERE v.receipt_id = r.id) AS voided
FROM distribution_receipt r
JOIN distribution_roster e ON e.id = r.roster_id
LEFT JOIN distribution_point p ON p.id = r.point_id
{CORRECTION_JOIN}
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
