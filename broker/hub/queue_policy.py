"""The priority lane's ordering policy of the settings in force (``[queue]``), for the hub's
command path and its timing service alike: read once per settings object, again when the
console's setup replaces the settings."""

from __future__ import annotations

from shared.config import Settings
from shared.domain.priority import PriorityPolicy

_last: tuple[Settings, PriorityPolicy] | None = None


def policy_of(settings: Settings) -> PriorityPolicy:
    global _last
    last = _last  # one read: another thread may replace it (then both compute the same policy)
    if last is None or last[0] is not settings:
        last = (settings, PriorityPolicy.from_mapping(settings.section("queue")))
        _last = last
    return last[1]
