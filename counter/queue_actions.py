"""When the queue actions make sense for a desk's retained state: the rules the counter's queue
buttons follow (``CounterViewModel.can``), as one pure function beside ``counter.desk_actions``.
The hub checks them again and answers a refusal code; these keep an officer from pressing what it
would refuse.
"""

from __future__ import annotations

QUEUE_ACTIONS = ("next", "recall", "start", "finish", "noshow", "transfer", "close", "open")


def allowed(action: str, status: str, *, recalls: int, noshow_after_recalls: int, can_transfer: bool) -> bool:
    """Whether queue ``action`` makes sense at a desk in ``status`` whose visitor was recalled
    ``recalls`` times (no-show is offered after ``noshow_after_recalls``); ``can_transfer``: there is
    another service to send the visitor to."""
    rules = {
        "next": status in ("idle", "called", "serving"),
        "recall": status == "called",
        "start": status == "called",
        "finish": status in ("called", "serving"),
        "noshow": status == "called" and recalls >= noshow_after_recalls,
        "transfer": status in ("called", "serving") and can_transfer,
        "close": status == "idle",
        "open": status == "closed",
    }
    return rules.get(action, False)
