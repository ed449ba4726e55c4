"""SQLAlchemy 2.0 typed models: the tables that hold the truth (the broker holds none).

One module per what the tables record: ``guests`` (the guestbook), ``queue`` (tickets, queue
passes, desks), ``staff`` (accounts and sessions), ``online`` (online consultations), ``feedback``
(ratings, SKM profiles, complaints), ``privacy`` (access log, erasures), ``setup`` (the console's
setup); ``base`` holds ``Base`` and ``UTCDateTime``. Importing this package imports every one of
them, so ``Base.metadata`` (which Alembic compares with the migrations) always holds every table;
the migrations name ``shared.store.models.UTCDateTime``.

Personal data lives in ``guests`` and in the online requests' contact and messages (and in a
complaint's text and contact), so a retention purge touches those tables only.
"""

from __future__ import annotations

from shared.store.models.base import NAMING, Base, UTCDateTime
from shared.store.models.feedback import ComplaintRow, RatingRow, SkmProfileCountRow, SkmProfileRefRow
from shared.store.models.guests import GuestLookupRow, GuestRow
from shared.store.models.online import OnlineMessageRow, OnlineRequestRow
from shared.store.models.privacy import AccessLogRow, ErasureRow
from shared.store.models.queue import (
    DailySequenceRow,
    DeskHistoryRow,
    DeskRow,
    ProcessedRequestRow,
    QueuePassRow,
    TicketEventRow,
    TicketRow,
)
from shared.store.models.setup import SiteSetupLogRow, SiteSetupRow
from shared.store.models.staff import OfficerRow, StaffSessionRow

__all__ = [
    "NAMING",
    "AccessLogRow",
    "Base",
    "ComplaintRow",
    "DailySequenceRow",
    "DeskHistoryRow",
    "DeskRow",
    "ErasureRow",
    "GuestLookupRow",
    "GuestRow",
    "OfficerRow",
    "OnlineMessageRow",
    "OnlineRequestRow",
    "ProcessedRequestRow",
    "QueuePassRow",
    "RatingRow",
    "SiteSetupLogRow",
    "SiteSetupRow",
    "SkmProfileCountRow",
    "SkmProfileRefRow",
    "StaffSessionRow",
    "TicketEventRow",
    "TicketRow",
    "UTCDateTime",
]
