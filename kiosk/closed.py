"""The kiosk's closed screen: whether it gives tickets now and the words that say when it opens
again. The logic is shared with the wall display (``shared.closed_notice``)."""

from shared.closed_notice import TEXTS, Closed, closed_lines, closed_now, schedule_hours

__all__ = ["TEXTS", "Closed", "closed_lines", "closed_now", "schedule_hours"]
