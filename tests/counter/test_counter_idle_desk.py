"""The idle-desk figure at the REAL counter app (docs/clocks.md, parallel desks): a visitor
waiting while a desk serving their service is open with nobody at it, through the real hub and
broker. Screenshots go to artifacts/counter/."""

from __future__ import annotations

import os

import pytest

from tests.counter.conftest import shot_path
from tests.counter.test_counter_app import shows, sign_in
from tests.support import Probe

LIBFAKETIME = next(
    (p for p in ("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                 "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1") if os.path.exists(p)),
    None,
)  # fmt: skip


def idle_chips(data: dict) -> dict[str, str]:
    return {chip["code"]: chip["idle"] for chip in data["widgets"]["waiting_list"]["details"]}


@pytest.mark.skipif(LIBFAKETIME is None, reason="libfaketime is not installed (apt-get install -y faketime)")
def test_the_idle_desk_is_told_and_the_wait_beside_it_shown(counter_site, app_factory, probe: Probe) -> None:
    """A-001, A-002 and B-001 wait; Budi opens desk 1 (A and B): his desk is idle while they wait,
    and the list says so. Rina opens desk 2 on a PC whose clock runs 4 minutes ahead: it reads the
    figure as it will be 4 minutes on if nobody is called (the hub's figure, running on while a
    desk is idle), so its chips say "kosong 4 mnt". Budi calls A-001: his list now names desk 2 as
    the idle one. Rina calls A-002: no desk idle for A any more, and none for B either."""
    for service in ("A", "A", "B"):
        probe.issue(service)
    budi = app_factory()
    sign_in(budi)
    data = shows(budi, "waiting_idle_A", "Meja Anda kosong, 2 menunggu")
    assert data["widgets"]["waiting_idle_B"]["text"] == "Meja Anda kosong, 1 menunggu"
    assert idle_chips(data) == {"A-001": "", "A-002": "", "B-001": ""}  # not a minute yet

    ahead = {"LD_PRELOAD": str(LIBFAKETIME), "FAKETIME": "+4m", "FAKETIME_DONT_FAKE_MONOTONIC": "1"}
    rina = app_factory(desk="2", env=ahead)
    sign_in(rina, "rina", "135724")
    data = shows(rina, "waiting_idle_A", "Meja Anda kosong, 2 menunggu · terlama 4 mnt saat meja kosong")
    assert idle_chips(data) == {"A-001": "kosong 4 mnt", "A-002": "kosong 4 mnt", "B-001": "kosong 4 mnt"}
    rina.shot(shot_path("43_idle_desk_wait"))

    budi.tap("btn_next")
    shows(budi, "visitor_code", "A-001")
    data = shows(budi, "waiting_idle_A", "Meja kosong: Meja 2")
    assert data["widgets"]["waiting_idle_B"]["text"] == "Meja kosong: Meja 2"
    budi.shot(shot_path("44_idle_desk_other"))

    rina.tap("btn_next")
    shows(rina, "visitor_code", "A-002")
    data = shows(budi, "waiting_idle_B", "")
    assert data["widgets"]["waiting_idle_A"]["text"] == ""
