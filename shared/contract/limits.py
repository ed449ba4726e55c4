"""The sizes contract v1 holds its messages to: what a receiver refuses before reading a payload,
and how much a growing state (a long queue, a schedule) may list."""

from __future__ import annotations

MAX_PAYLOAD_BYTES = 64 * 1024
MAX_PAYLOAD_DEPTH = 8  # the deepest real payload (a guest inside a request) is 2
MAX_BRACKETS = 64  # the most '[' and '{' a payload may hold (a rating with every element: ~3)
# A queue state lists the first codes only: a display shows a handful, and the message must stay
# small and cheap to build however long the queue grows.
QUEUE_STATE_HEAD = 50

SCHEDULE_DAYS = 31
"""Days a ``site/schedule`` lists, today first: enough to reach past the longest closure (Lebaran's
holidays and collective leave) to the next opening."""
