"""Child process of the crash test: records receipts in a loop and prints each number after
`receive` returned (the commit is durable), until it is killed.

    python -m tests.services.crash_child DB ROUND_ID CODES_FILE
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop_app.services.context import ServiceError, open_app
from desktop_app.services.distribution import DistributionService


def main() -> None:
    db, round_id, codes_file = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    ctx = open_app(db, actor="crash")
    svc = DistributionService(ctx)
    print("READY", flush=True)
    for code in codes_file.read_text().split():
        try:
            receipt = svc.receive_code(round_id, code)
        except ServiceError:
            continue  # received in an earlier life of this loop
        print(receipt.number, flush=True)
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
