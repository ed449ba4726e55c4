"""When the desk actions of issue 18 make sense for a desk's retained state: the rules the counter's
buttons follow (``CounterViewModel.can``), as one pure function. The hub checks them again and
answers a refusal code (docs/mqtt.md); these keep an officer from pressing what it would refuse.
"""

from __future__ import annotations

from collections.abc import Collection

DESK_ACTIONS = ("hold", "resume", "return", "call_ticket")  # ``repeat`` is ``recall`` at the counter
TICKET_ACTIONS = ("resume", "return", "call_ticket")  # the ones that may name a ticket
AT_DESK = ("called", "serving")


def allowed(
    action: str,
    status: str,
    *,
    current: str | None,
    parked: Collection[str],
    waiting: Collection[str],
    ticket: str | None = None,
) -> bool:
    """Whether ``action`` makes sense at a desk in ``status`` with ``current`` at it, ``parked``
    parked there and ``waiting`` the codes of its services' queues. ``ticket``: the parked visitor a
    resume or return is for (a return without one is the visitor at the desk; a resume without one
    is the only one parked), or the waiting one a call_ticket calls."""
    if action == "hold":
        return status in AT_DESK
    if action == "resume":  # only to an empty desk: the hub refuses it otherwise (desk_busy)
        wanted = ticket in parked if ticket is not None else len(parked) == 1
        return status == "idle" and wanted
    if action == "return":
        if ticket is not None and ticket != current:
            return status != "closed" and ticket in parked
        return status in AT_DESK
    if action == "call_ticket":
        return status in ("idle", *AT_DESK) and bool(waiting) and (ticket is None or ticket in waiting)
    return False
