"""The one way a command runs on the database: open it, run the command's body, close it again.

Every command that refuses prints the refusal (in the user's language) on stderr and returns an
exit code; only which refusals a command catches and which exit code each one means differ
between the command groups, so those are the parameters.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop_app.cli import open_command_context
from desktop_app.domain.errors import Refusal
from desktop_app.i18n import tr_refusal
from desktop_app.storage.db import StorageError

if TYPE_CHECKING:
    from desktop_app.services.context import AppContext

__all__ = ["UsageError", "refused", "run_on_database"]


class UsageError(Refusal):
    """Input the command cannot use (exit code 2), as opposed to a refusal (exit code 1)."""


def refused(exc: Refusal, exit_code: int) -> int:
    """Says on stderr why the command stopped; returns `exit_code` for the command to return."""
    print(tr_refusal(exc), file=sys.stderr)
    return exit_code


def run_on_database(
    args: argparse.Namespace,
    body: Callable[[AppContext], int],
    exit_code: Callable[[Refusal], int],
    *,
    catch: tuple[type[Refusal], ...] | None = None,
    read_only: bool = False,
) -> int:
    """Opens the command's database, runs `body` on it and always closes it again.

    A database that cannot be opened, or whose login fails (`LoginRefused`, a StorageError),
    exits with its own code (2). A refusal of a type in
    `catch` (by default the services' and the database's, `ServiceError` and `StorageError`)
    raised by `body` is printed and `exit_code(refusal)` returned; others propagate.
    """
    if catch is None:
        from desktop_app.services.context import ServiceError

        catch = (ServiceError, StorageError)
    try:
        ctx = open_command_context(args, read_only=read_only)
    except StorageError as exc:
        return refused(exc, exc.exit_code)
    try:
        return int(body(ctx))
    except catch as exc:
        return refused(exc, exit_code(exc))
    finally:
        ctx.close()
