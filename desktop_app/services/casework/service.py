"""`CaseworkService`, assembled from one class per responsibility.

Each part builds on the one before it: common (permissions, checks) < cases < assessments
< plans < activities < queries < sihore < disability < children.
"""

from __future__ import annotations

from desktop_app.services.casework.children import ChildrenOps

__all__ = ["CaseworkService"]


class CaseworkService(ChildrenOps):
    """Casework for Si Hore, disability services and children. Every call requires CASEWORK
    (plus RESTRICTED_VIEW for a restricted program's records; `case_counts` needs only
    REPORTS_VIEW); every write is one unit of work with change-log rows; refusals are coded
    (`casework.*`, messages.py)."""
