"""``antre sla``: a day built through the real hub logic (in-process, injected wall and monotonic
clocks, an SQLite file), online requests beside it, then the report's exact figures."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from broker.hub.commands import Hub
from broker.reports.sla import Breach, Stats, as_json, build_report
from broker.reports.sla_text import render_text
from shared.contract import topics as contract
from shared.store import online
from shared.store.db import write_transaction
from tests.broker.hub.test_sla_clock import Clocks, make_hub, press, run, wib

HOURS = {"mon": "08:00-16:00", "tue": "08:00-16:00", "wed": "08:00-16:00", "thu": "08:00-16:00"}


def issue(hub: Hub, service: str) -> str:
    raw = contract.encode({"request_id": uuid.uuid4().hex, "service": service})
    pubs = hub.kiosk_request("k1", raw)
    return json.loads(next(p.payload for p in pubs if p.topic.endswith("/response")))["ticket"]


def until(hub: Hub, clocks: Clocks, hour: int, minute: int) -> list[dict]:
    """Run the timing pass every 5 s up to hh:mm on the 24th (a multiple of 5 s away)."""
    return run(hub, clocks, (wib(24, hour, minute) - clocks.wall).total_seconds(), step=5)


def build_the_day(tmp_path: Path, url: str | None = None) -> tuple[Hub, list[tuple[str, str]]]:
    """Tuesday 24 November 2026, desks 1 and 2 (both serve A and B), breach at 10 minutes."""
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, hours=HOURS, desks=2, url=url)
    alerts: list[dict] = []
    assert issue(hub, "A") == "A-001"  # 09:00, head of A: its clock starts
    alerts += until(hub, clocks, 9, 1)
    assert issue(hub, "A") == "A-002"  # 09:01, behind A-001 (still waiting): no clock yet
    alerts += until(hub, clocks, 9, 2)
    assert issue(hub, "B") == "B-001"  # 09:02, head of B
    alerts += until(hub, clocks, 9, 3)
    assert press(hub, "1", "next")["ticket"] == "A-001"  # raw 3:00, clock 3:00
    alerts += until(hub, clocks, 9, 5)
    assert press(hub, "2", "next")["ticket"] == "A-002"  # raw 4:00, clock 0 (A-001 not finished)
    alerts += until(hub, clocks, 9, 15)  # B-001: warning 09:10, breach 09:12
    assert press(hub, "1", "next")["ticket"] == "B-001"  # A-001 done; B-001 raw 13:00, clock 13:00
    alerts += until(hub, clocks, 9, 16)
    assert issue(hub, "A") == "A-003"  # 09:16, behind A-002 (at desk 2): no clock yet
    alerts += until(hub, clocks, 9, 20)
    assert press(hub, "2", "noshow")["ticket"] == "A-002"  # A-003's clock starts at 09:20
    alerts += until(hub, clocks, 9, 21)
    assert press(hub, "2", "next")["ticket"] == "A-003"  # raw 5:00, clock 1:00
    alerts += until(hub, clocks, 9, 24)
    assert press(hub, "1", "finish")["ticket"] == "B-001"
    alerts += until(hub, clocks, 9, 25)
    transfer = {"action": "transfer", "request_id": "t1", "to_service": "B"}
    assert press(hub, "2", transfer)["to_service"] == "B"  # A-003 enters B at 09:25, its clock starts
    alerts += until(hub, clocks, 9, 27)
    assert press(hub, "1", "next")["ticket"] == "A-003"  # in B: raw 2:00, clock 2:00
    alerts += until(hub, clocks, 9, 30)
    assert press(hub, "1", "finish")["ticket"] == "A-003"
    alerts += until(hub, clocks, 9, 31)
    assert issue(hub, "B") == "B-002"  # 09:31, never called: warning 09:39, breach 09:41
    alerts += until(hub, clocks, 9, 45)
    return hub, [(a["ticket"], a["level"]) for a in alerts]


def add_online_requests(hub: Hub) -> list[str]:
    """Four requests complete on Thursday the 19th, so due on Tuesday the 24th; one due later."""
    policy = online.OnlinePolicy.from_settings(hub.settings)
    numbers = []
    with write_transaction(hub.engine) as session:
        for n in range(4):
            row = online.add_request(session, policy, channel="email", contact=f"v{n}@example.id",
                                     subject="PDRB", now=wib(19, 10, n))  # fmt: skip
            assert row.due_date.isoformat() == "2026-11-24"
            numbers.append(row.number)
        later = online.add_request(session, policy, channel="web", contact="form-7", subject="IPM",
                                   now=wib(20, 10, 0))  # fmt: skip
        assert later.due_date.isoformat() == "2026-11-25"
        online.reply(session, numbers[0], wib(23, 14, 0))  # met, the day before
        online.close(session, numbers[1], wib(24, 15, 59))  # met: closed on the due day itself
        # numbers[2] is answered a day late (below); numbers[3] never
    return numbers


def test_the_report_of_a_day_built_through_the_hub(tmp_path: Path, db_url: str) -> None:
    """On SQLite and PostgreSQL (the idle-desk figure reads ``desk_history``)."""
    hub, alerts = build_the_day(tmp_path, db_url)
    assert alerts == [("B-001", "warning"), ("B-001", "breach"), ("B-002", "warning"), ("B-002", "breach")]
    numbers = add_online_requests(hub)

    at_the_end = wib(24, 9, 45)
    with Session(hub.engine) as session:
        day = build_report(session, hub.settings, at_the_end.date(), at_the_end)
    assert (day.tickets, day.tickets_by_service, day.passes, day.called) == (5, {"A": 3, "B": 2}, 6, 5)
    # Raw waits 3:00, 4:00, 13:00, 5:00, 2:00; the standard's clock 3:00, 0, 13:00, 1:00, 2:00.
    assert day.raw_wait == Stats(5, 240.0, 780.0, 780.0)
    assert day.clock_at_call == Stats(5, 120.0, 780.0, 780.0)
    assert (day.met, day.breached, day.not_called, day.noshows, day.transfers) == (4, 2, 0, 1, 1)
    assert day.breaches == [
        Breach("B-001", "B", "1", 13.0, True),
        Breach("B-002", "B", None, 14.0, False),  # 09:31 to 09:45, still waiting
    ]
    # The idle-desk figure: both desks are button-only, open from their first next (desk 1 09:03,
    # desk 2 09:05, desk_history), never closed. One of them idle: 09:20-09:21 (desk 2, after the
    # no-show), then from 09:24 on (desk 1 09:24-09:27, desk 2 from 09:25). A-003 in A (09:16-09:21):
    # 1:00; A-003 in B (09:25-09:27): 2:00; B-002 (09:31-09:45): 14:00. The others waited while
    # the open desks were busy.
    assert day.idle_desk == Stats(3, 120.0, 840.0, 840.0)
    assert (day.online.due, day.online.met, day.online.late, day.online.pending) == (4, 2, 0, 2)
    assert day.online.pending_numbers == numbers[2:]

    # Two days later: B-002 waited until closing (16:00) and was never called; two requests late.
    with write_transaction(hub.engine) as session:
        online.reply(session, numbers[2], wib(25, 8, 0), officer_id="o1")
    later = wib(26, 12, 0)
    with Session(hub.engine) as session:
        day = build_report(session, hub.settings, at_the_end.date(), later)
    assert day.breaches[1] == Breach("B-002", "B", None, 389.0, False)
    assert day.idle_desk == Stats(3, 120.0, 389 * 60.0, 389 * 60.0)  # B-002: desk 2 idle until 16:00
    assert (day.online.met, day.online.late, day.online.pending) == (2, 2, 0)
    assert day.online.late_numbers == numbers[2:]

    data = as_json(day)
    assert data["met_share"] == round(4 / 6, 4) and data["raw_wait"]["median"] == 240.0
    assert json.loads(json.dumps(data)) == data  # plain JSON
    text = render_text(day, "BPS Kabupaten Tulang Bawang", "en")
    assert text.splitlines()[0] == (
        "Service standard, Tuesday, 24 November 2026 (Asia/Jakarta)  BPS Kabupaten Tulang Bawang"
    )
    expected = """
  tickets issued                         5   (A 3, B 2)
  queue passes (a transfer adds one)     6
  called                                 5
  waited while a desk was idle           3
                                      median     p90     max
  raw wait (to the call)                4:00   13:00   13:00
  standard's clock at the call          2:00   13:00   13:00
  wait while a desk was idle            2:00  389:00  389:00
  met the 10-minute standard             4   of 6 (66.7%)
  breached                               2
  never called (no breach)               0
  no-shows                               1
  transfers                              1

  Breaches      service  desk    minutes
    B-001       B        1          13.0
    B-002       B        -         389.0  never called

Online requests due this day
  due                                    4
  met (answered or closed in time)       2
  late                                   2   {late}
  not answered yet, still in time        0
""".format(late=", ".join(numbers[2:]))
    assert text.endswith(expected)
    indonesian = render_text(day, "BPS Kabupaten Tulang Bawang")  # the office reads Indonesian first
    assert indonesian.splitlines()[0] == (
        "Standar pelayanan, Selasa, 24 November 2026 (Asia/Jakarta)  BPS Kabupaten Tulang Bawang"
    )
    words = [" ".join(line.split()) for line in indonesian.splitlines()]
    for line in (
        "memenuhi standar 10 menit 4 dari 6 (66.7%)",
        "melewati standar 2",
        "B-002 B - 389.0 tidak pernah dipanggil",
        "Permintaan daring jatuh tempo hari ini",
    ):
        assert line in words, line
    assert "example.id" not in text and "PDRB" not in text and "example.id" not in json.dumps(data)


def test_a_day_without_anything(tmp_path: Path) -> None:
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks)
    with Session(hub.engine) as session:
        day = build_report(session, hub.settings, wib(24, 9, 0).date(), clocks.now())
    assert (day.tickets, day.met, day.breached, day.raw_wait) == (0, 0, 0, Stats(0, None, None, None))
    assert "met the 10-minute standard             0   of 0\n" in render_text(day, language="en")
    assert as_json(day)["met_share"] is None
