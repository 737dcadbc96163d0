"""Kartu KPM codes: minted by an explicit, change-logged write with the device prefix.

`mint_cards` gives every household of a round that has no card code one (``LAP02-K000123``,
see desktop_app.domain.cards) and copies it onto the frozen roster, so the barcode printed on
the card is what the counter scans. Printing the cards (`card_docs`) only reads.
"""

from __future__ import annotations

from typing import Any

from desktop_app.domain.access import Permission
from desktop_app.domain.cards import format_card_code
from desktop_app.domain.programs import Unit, get_program
from desktop_app.services.access import requires
from desktop_app.services.distribution.reports import Reports
from desktop_app.services.distribution.types import RosterFilter, RoundStatus, RoundView
from desktop_app.storage.distribution_models import RosterEntry
from desktop_app.storage.models import Household


class Cards(Reports):
    """Who gets a card in a round, and minting the missing codes."""

    def _card_people(self, rnd: RoundView, point_id: str | None) -> list[dict[str, Any]]:
        """The round's card holders in list order: the entitled households of a draft round
        (by the point's kelurahan), the frozen roster of an open or closed one."""
        program = get_program(rnd.program_code)
        if rnd.status == RoundStatus.DRAFT.value:
            with self._conn() as conn:
                people = self._entitled(conn, program.code, program.unit, self.ctx.clock.today())
            if point_id:
                point = self.get_point(rnd.id, point_id)
                people = [p for p in people if p["kelurahan_code"] in point.kelurahan_codes]
            return people
        flt = RosterFilter(point_id=point_id)
        return [
            {
                "household_id": r.household_id,
                "pid": r.person_id,
                "name": r.name,
                "nik": r.nik,
                "kk_number": r.kk_number,
                "card_code": r.card_code,
                "street": None,
                "rt": r.rt,
                "rw": r.rw,
                "address": r.address,
                "kelurahan_code": r.kelurahan_code,
                "roster_id": r.id,
            }
            for r in self.roster_rows(self.roster_ids(rnd.id, flt))
        ]

    @requires(Permission.ROUNDS_MANAGE)
    def mint_cards(self, round_ref: str, *, point_id: str | None = None) -> int:
        """Give every household of the round (or of one point) without a card code a new one.

        A logged registry change per household (and per roster entry that carries the code);
        codes carry this device's prefix, so two laptops never mint the same one. A household
        that already has a code keeps it: only a roster entry frozen before it got one is
        brought up to date. Person programs print the NIK and mint nothing. Returns how many
        codes were minted.
        """
        rnd = self.get_round(round_ref)
        if get_program(rnd.program_code).unit != Unit.HOUSEHOLD:
            return 0
        missing = [
            p for p in self._card_people(rnd, point_id) if not p["card_code"] and p["household_id"]
        ]
        if not missing:
            return 0
        device = self._device_prefix()
        minted = 0
        with self.ctx.unit_of_work(source="distribution") as w:
            seq = self._next_card_sequence(w.session.connection(), device)
            for p in missing:
                household = w.session.get(Household, p["household_id"])
                if household is None:
                    continue
                code = household.card_code
                if not code:
                    code = format_card_code(device, seq)
                    seq += 1
                    minted += 1
                    w.update(household, "household", {"card_code": code}, op="card")
                if p.get("roster_id"):
                    entry = w.session.get(RosterEntry, p["roster_id"])
                    if entry is not None:
                        w.update(entry, "distribution_roster", {"card_code": code}, op="card")
                w.session.flush()
        return minted
