"""``site/schedule``: the hub's opening ranges per date, built by ``topics.site_schedule`` and read
back whole by ``records.parse_site_schedule`` (or refused whole)."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shared.contract import records
from shared.contract import topics as contract
from shared.contract.codec import PayloadError

WIB = ZoneInfo("Asia/Jakarta")
AT = datetime(2026, 11, 27, 17, 5, tzinfo=WIB)


def test_a_schedule_round_trip_with_a_break_a_closed_day_and_midnight() -> None:
    days = {
        date(2026, 11, 28): (),
        date(2026, 11, 27): ((time(8), time(11, 30)), (time(13), time(16))),
        date(2026, 11, 29): ((time(20), None),),
    }
    payload = contract.site_schedule("Asia/Jakarta", days, AT)
    assert payload["days"] == {"2026-11-27": "08:00-11:30, 13:00-16:00", "2026-11-28": "closed",
                               "2026-11-29": "20:00-24:00"}  # fmt: skip
    schedule = records.parse_site_schedule(contract.encode(payload))
    assert schedule.tz == WIB and schedule.days == days and schedule.updated_at == AT


def test_the_contract_example_parses() -> None:
    schedule = records.parse_site_schedule(contract.SPECS["site_schedule"].example.encode())
    assert schedule.days[date(2026, 11, 28)] == ()
    assert schedule.days[date(2026, 11, 30)] == ((time(8), time(15, 30)),)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"tz": "Mars/Olympus", "days": {}}, "bad_tz"),
        ({"tz": "../../etc/passwd", "days": {}}, "bad_tz"),
        ({"days": {}}, "bad_tz"),
        ({"tz": "Asia/Jakarta", "days": ["2026-11-27"]}, "bad_days"),
        ({"tz": "Asia/Jakarta", "days": {"2026-11-27": "08:00-15:30", "besok": "closed"}}, "bad_days"),
        ({"tz": "Asia/Jakarta", "days": {"2026-11-27": "15:30-08:00"}}, "bad_days"),
        ({"tz": "Asia/Jakarta", "days": {"2026-11-27": 8}}, "bad_days"),
    ],
)
def test_one_unreadable_part_refuses_the_whole_schedule(fields: dict[str, Any], code: str) -> None:
    with pytest.raises(PayloadError) as caught:
        records.parse_site_schedule(json.dumps({"v": 1, **fields}).encode())
    assert caught.value.code == code
    assert "passwd" not in caught.value.message and "besok" not in caught.value.message


def test_the_topic_is_retained_and_carries_no_personal_data() -> None:
    spec = contract.SPECS["site_schedule"]
    assert spec.retained and not spec.personal_data
    assert contract.topic("pst", "site_schedule") == "antre/pst/site/schedule"
