"""The live lobby's model (``LobbyMirror``): fed the hub's own payloads, built with the contract's
builders, it answers a view with each desk, queue, clock, alert and device, and wakes waiters."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from broker.hub.change_feed import ChangeFeed, TooManySubscribers
from broker.hub.lobby_mirror import LobbyMirror
from broker.hub.publications import Publication
from broker.mosquitto.acl import Device, grants
from shared.config import Settings
from shared.contract import topics as contract
from shared.domain.queue import Desk, Service

WIB = ZoneInfo("Asia/Jakarta")
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=WIB)  # a Tuesday morning
ALL_DAY = {day: "00:00-24:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def _settings(hours: dict[str, str] | None = None, devices: list[dict] | None = None) -> Settings:
    raw = {
        "timing": {"warning_s": 480, "breach_s": 600, "opening_hours": hours or ALL_DAY},
        "officers": [{"id": "budi", "name": "Budi Santoso", "pin_hash": "x"}],
        "devices": devices or [],
    }
    return Settings(
        services=(Service("A", "Konsultasi Statistik"), Service("B", "Perpustakaan")),
        desks=(Desk("1", "Meja 1", ("A", "B")), Desk("2", "Meja 2", ("A", "B"))),
        raw=raw,
    )


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _t(key: str, **params: str) -> str:
    return contract.topic("pst", key, **params)


def _queue(service: str, clocks: list[tuple]) -> Publication:
    body = contract.queue_state(
        service,
        "Konsultasi Statistik",
        [c[0] for c in clocks],
        T0,
        clocks=[contract.waiting_clock(*c) for c in clocks],
    )
    return Publication(_t("queue_state", service=service), contract.encode(body), True)


def _desk(desk: str, status: str, ticket: str | None, since: datetime | None) -> Publication:
    body = contract.desk_state(desk, f"Meja {desk}", status, ticket, ticket and ticket[0], since)
    return Publication(_t("counter_state", desk=desk), contract.encode(body), True)


def _alert(ticket: str, level: str, clock_s: float, at: datetime) -> Publication:
    return Publication(_t("sla_alert"), contract.encode(contract.sla_alert(ticket, "A", level, clock_s, at)))


def test_a_waiting_ticket_shows_its_clock_and_a_desk_its_ticket() -> None:
    clock = Clock(T0 + timedelta(minutes=3))
    mirror = LobbyMirror(_settings(), clock)
    before = mirror.version
    mirror.feed_all(
        [
            _queue("A", [("A-002", T0 - timedelta(minutes=1), T0, None), ("A-003", T0, None, None)]),
            _desk("1", "serving", "A-001", T0 - timedelta(minutes=2)),
        ]
    )
    assert mirror.version == before + 1  # one job's publications: one change
    view = mirror.view()
    service = view.services[0]
    assert (service.prefix, service.name, service.count) == ("A", "Konsultasi Statistik", 2)
    first, second = service.waiting
    assert (first.code, first.issued_at) == ("A-002", T0 - timedelta(minutes=1))
    assert first.clock.started_at == T0
    assert first.clock.deadline == T0 + timedelta(minutes=10)
    assert first.clock.seconds_used == 180 and first.clock.seconds_left == 420
    assert first.clock.running and first.clock.level is None and not first.clock.over
    assert second.clock.started_at is None and second.clock.seconds_left is None  # someone ahead
    assert view.services[1].prefix == "B" and view.services[1].updated_at is None  # not said yet
    desk = view.desks[0]
    assert (desk.id, desk.name, desk.status, desk.ticket, desk.service) == (
        "1",
        "Meja 1",
        "serving",
        "A-001",
        "A",
    )
    assert desk.since == T0 - timedelta(minutes=2)
    assert view.desks[1].status == "unknown"
    assert view.alerts == () and not view.connected
    mirror.set_connected(True)
    assert mirror.view().connected and mirror.version == before + 2


def test_alerts_follow_the_clock_and_end_when_the_visitor_is_called() -> None:
    clock = Clock(T0 + timedelta(minutes=8, seconds=30))
    mirror = LobbyMirror(_settings(), clock)
    mirror.feed_all([_queue("A", [("A-002", T0, T0, "warning")]), _alert("A-002", "warning", 480, clock.at)])
    (alert,) = mirror.view().alerts
    assert (alert.ticket, alert.service, alert.level, alert.clock_s) == ("A-002", "A", "warning", 480)
    assert alert.at == clock.at and alert.seconds_used == 510
    clock.at = T0 + timedelta(minutes=10, seconds=5)  # past the limit before the hub's tick said so
    view = mirror.view()
    assert view.services[0].waiting[0].clock.level == "breach"
    assert view.services[0].waiting[0].clock.seconds_left == -5 and view.services[0].waiting[0].clock.over
    assert view.alerts[0].level == "breach"
    mirror.feed_all([_queue("A", [])])  # called: gone from the queue
    assert mirror.view().alerts == ()


def test_an_alert_known_from_the_queue_state_alone_is_shown() -> None:
    """After a restart the hub does not alert again: the queue state's level still shows it."""
    mirror = LobbyMirror(_settings(), Clock(T0 + timedelta(minutes=11)))
    mirror.feed_message(*_unpack(_queue("A", [("A-002", T0, T0, "breach")])))
    (alert,) = mirror.view().alerts
    assert (alert.level, alert.at, alert.clock_s, alert.seconds_used) == ("breach", None, None, 660)


def _idle_queue(at: datetime, idle_s: dict[str, float], desks: list[str]) -> Publication:
    """Queue A published at ``at``: each code with its idle-desk seconds, ``desks`` idle then."""
    clocks = [contract.waiting_clock(code, at, None, None, seconds) for code, seconds in idle_s.items()]
    body = contract.queue_state(
        "A", "Konsultasi Statistik", list(idle_s), at, clocks=clocks, idle_desks=desks
    )
    return Publication(_t("queue_state", service="A"), contract.encode(body), True)


def test_the_idle_desk_figure_runs_on_while_a_desk_is_idle_and_stops_at_the_break() -> None:
    """Published at 09:00: A-002 had waited 3:12 while a desk was idle, A-003 1:00; desk 2 is
    still idle. At 09:02 the page reads 5:12 and 3:00, the queue's longest 5:12, "Meja 2" named.
    Opening hours count, as in the report: from 11:58 to 12:30 over a 12:00 break only 2:00 more."""
    clock = Clock(T0 + timedelta(minutes=2))
    mirror = LobbyMirror(_settings(), clock)
    idle = _idle_queue(T0, {"A-002": 192, "A-003": 60}, ["2"])
    mirror.feed_all([idle, _desk("2", "idle", None, T0 - timedelta(minutes=5))])
    service = mirror.view().services[0]
    assert [w.idle_desk_s for w in service.waiting] == [312, 180]
    assert (service.idle_desks, service.idle_desk_max) == (("Meja 2",), 312)
    mirror.feed_all([_queue("A", [("A-003", T0, None, None, 60)])])  # no desk idle any more: it stands
    service = mirror.view().services[0]
    assert [w.idle_desk_s for w in service.waiting] == [60] and service.idle_desks == ()
    assert service.idle_desk_max == 60

    noon = datetime(2026, 11, 24, 11, 58, tzinfo=WIB)
    mirror = LobbyMirror(_settings({"tue": "08:00-12:00, 13:00-16:00"}), Clock(noon + timedelta(minutes=32)))
    mirror.feed_all([_idle_queue(noon, {"A-009": 0}, ["1"])])
    assert mirror.view().services[0].waiting[0].idle_desk_s == 120


def test_the_deadline_skips_a_break() -> None:
    hours = {"tue": "08:00-12:00, 13:00-16:00"}
    started = datetime(2026, 11, 24, 11, 55, tzinfo=WIB)
    mirror = LobbyMirror(_settings(hours), Clock(datetime(2026, 11, 24, 12, 30, tzinfo=WIB)))
    mirror.feed_all([_queue("A", [("A-002", started, started, None)])])
    clock = mirror.view().services[0].waiting[0].clock
    assert clock.deadline == datetime(2026, 11, 24, 13, 5, tzinfo=WIB)
    assert clock.seconds_used == 300 and clock.seconds_left == 300 and not clock.running


def test_devices_from_presence_and_status() -> None:
    clock = Clock(T0)
    devices = [
        {"id": "k1", "role": "kiosk"},
        {"id": "lobby-tv", "role": "display"},
        {"id": "b2", "role": "button", "desk": "2"},
    ]
    mirror = LobbyMirror(_settings(devices=devices), clock)
    view = mirror.view()
    assert [(d.kind, d.id, d.online, d.configured) for d in view.devices] == [
        ("kiosk", "k1", None, True),
        ("display", "lobby-tv", None, True),
        ("button", "2", None, True),
    ]
    assert mirror.feed_message(_t("presence", client_id="antre-kiosk-k1"), b"online", retain=True)
    status = contract.kiosk_status("k1", "paper_out", "A-007", T0 - timedelta(minutes=5))
    assert mirror.feed_message(_t("kiosk_status", kiosk_id="k1"), contract.encode(status), retain=True)
    voice = contract.display_status("lobby-tv", "failed", "aplay: no device", T0)
    mirror.feed_message(_t("display_status", display_id="lobby-tv"), contract.encode(voice))
    mirror.feed_message(_t("presence", client_id="antre-counter-1"), b"online", retain=True)
    mirror.feed_message(_t("presence", client_id="antre-display-pst-lobby-tv"), b"online")
    assert not mirror.feed_message(_t("presence", client_id="probe-1234"), b"online")  # not a device
    clock.at = T0 + timedelta(minutes=1)
    mirror.note_button("2")
    by_key = {(d.kind, d.id): d for d in mirror.view().devices}
    kiosk = by_key["kiosk", "k1"]
    assert kiosk.online and kiosk.printer == "paper_out" and kiosk.pending_reprint == "A-007"
    assert kiosk.status_at == T0 - timedelta(minutes=5) and kiosk.last_seen == T0  # presence came later
    assert kiosk.client_id == "antre-kiosk-k1" and not kiosk.healthy
    display = by_key["display", "lobby-tv"]
    assert display.online and display.audio == "failed" and display.audio_detail == "aplay: no device"
    assert by_key["counter", "1"].online and by_key["counter", "1"].desk == "1"
    assert (
        by_key["button", "2"].last_seen == T0 + timedelta(minutes=1) and by_key["button", "2"].online is None
    )
    mirror.feed_message(_t("presence", client_id="antre-kiosk-k1"), b"offline", retain=True)
    kiosk = {(d.kind, d.id): d for d in mirror.view().devices}["kiosk", "k1"]
    assert kiosk.online is False and kiosk.last_seen == T0  # last heard from while online


def test_officers_at_desks_are_named() -> None:
    mirror = LobbyMirror(_settings(), Clock(T0))
    version = mirror.version
    mirror.set_officers({"1": "budi", "2": "siti"})
    assert mirror.version == version + 1
    one, two = mirror.view().desks
    assert (one.officer_id, one.officer_name) == ("budi", "Budi Santoso")  # named in the config
    assert (two.officer_id, two.officer_name) == ("siti", None)  # the id is all there is
    mirror.set_officers({"1": "budi", "2": "siti"})
    assert mirror.version == version + 1  # nothing changed: no wake-up
    mirror.set_officers({"1": None, "2": "siti"}, {"siti": "Siti"})
    one, two = mirror.view().desks
    assert one.officer_id is None and two.officer_name == "Siti"


def test_no_personal_data_and_no_crash_on_junk() -> None:
    mirror = LobbyMirror(_settings(), Clock(T0))
    request = {"v": 1, "request_id": "r1", "service": "A", "guest": {"name": "Siti Aminah", "phone": "0812"}}
    version = mirror.version
    assert not mirror.feed_message(_t("kiosk_request", kiosk_id="k1"), contract.encode(request))
    for topic, payload in [
        (_t("queue_state", service="A"), b"{not json"),
        (_t("queue_state", service="A"), b'{"v":1,"waiting":"A-001","clocks":7}'),
        (_t("counter_state", desk="1"), b'{"v":1,"status":5,"since":"yesterday"}'),
        (_t("sla_alert"), b'{"v":1,"ticket":"A-1","service":"A","level":"panic"}'),
        (_t("kiosk_status", kiosk_id="k1"), b'{"v":2}'),
        ("antre/other-site/presence/antre-kiosk-k1", b"online"),
    ]:
        mirror.feed_message(topic, payload)
    view = mirror.view()
    assert "Siti" not in repr(view) and "0812" not in repr(view)
    assert not any(d.id == "k1" for d in view.devices)
    assert mirror.version >= version


def test_the_hub_account_may_read_every_device_topic() -> None:
    """The hub subscribes to presence and the status topics: its ACL grants its whole site."""
    assert grants(Device("hub", "hub"), "pst").readwrite == ("antre/pst/#",)


def _unpack(item: Publication) -> tuple[str, bytes, bool]:
    return item.topic, item.payload, item.retain


# --- the change feed ---------------------------------------------------------------------------


class LoopThread:
    """An asyncio loop in its own thread, as the web server's."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro, timeout: float = 30):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def test_a_burst_wakes_an_asyncio_waiter_once_with_the_latest_version() -> None:
    feed = ChangeFeed()
    loop = LoopThread()
    try:

        async def subscribe() -> asyncio.Queue[int]:
            return feed.subscribe()

        queue = loop.run(subscribe())
        for _ in range(100):
            feed.bump()

        async def drain() -> list[int]:
            got = [await asyncio.wait_for(queue.get(), 30)]
            await asyncio.sleep(0.05)  # anything still scheduled lands now
            while not queue.empty():
                got.append(queue.get_nowait())
            return got

        got = loop.run(drain())
        assert got[-1] == 100 and len(got) <= 2  # coalesced: one wake (two if it raced the burst)
        assert queue.maxsize == 1
        feed.unsubscribe(queue)
        assert feed.subscribers == 0
    finally:
        loop.close()


def test_a_closed_loop_is_dropped_and_subscribers_are_bounded() -> None:
    feed = ChangeFeed(max_subscribers=2)
    gone = asyncio.new_event_loop()
    feed.subscribe(gone)
    gone.close()
    feed.bump()  # its loop is closed: the subscriber goes, the bump does not fail
    assert feed.subscribers == 0
    other = asyncio.new_event_loop()
    try:
        feed.subscribe(other)
        feed.subscribe(other)
        with pytest.raises(TooManySubscribers):
            feed.subscribe(other)
    finally:
        other.close()


def test_a_thread_waits_for_the_next_version() -> None:
    feed = ChangeFeed()
    assert feed.wait(0, timeout=0.01) == 0
    threading.Timer(0.05, feed.bump).start()
    assert feed.wait(0, timeout=30) == 1


def test_a_press_without_a_configured_button_goes_to_the_desks_keypad() -> None:
    clock = Clock(T0)
    mirror = LobbyMirror(_settings(), clock)
    mirror.feed_message(_t("presence", client_id="antre-keypad-2"), b"online", retain=True)
    clock.at = T0 + timedelta(minutes=2)
    mirror.note_button("2")
    mirror.note_button("1")  # no keypad known at desk 1: a button, seen now
    by_key = {(d.kind, d.id): d for d in mirror.view().devices}
    assert by_key["keypad", "2"].last_seen == T0 + timedelta(minutes=2) and by_key["keypad", "2"].online
    assert (
        by_key["button", "1"].last_seen == T0 + timedelta(minutes=2) and by_key["button", "1"].online is None
    )
    assert ("button", "2") not in by_key


def test_feeding_and_reading_from_several_threads() -> None:
    """The worker, paho's thread and the web server's at once: every view is whole."""
    mirror = LobbyMirror(_settings(), Clock(T0 + timedelta(minutes=1)))
    errors: list[BaseException] = []

    def feed_queue() -> None:
        for n in range(300):
            codes = [(f"A-{i:03}", T0, T0 if i == n else None, None) for i in range(n, n + 5)]
            mirror.feed_all([_queue("A", codes), _desk("1", "called", f"A-{n:03}", T0)])

    def feed_devices() -> None:
        for n in range(300):
            word = b"online" if n % 2 else b"offline"
            mirror.feed_message(_t("presence", client_id=f"antre-kiosk-k{n % 7}"), word)

    def read() -> None:
        try:
            for _ in range(300):
                view = mirror.view()
                assert len(view.desks) == 2 and len(view.services) == 2
                waiting = view.services[0].waiting
                assert not waiting or len(waiting) == 5
        except BaseException as exc:  # handed to the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=f) for f in (feed_queue, feed_devices, read, read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    view = mirror.view()
    assert view.desks[0].ticket == "A-299" and view.services[0].waiting[0].code == "A-299"
    assert len([d for d in view.devices if d.kind == "kiosk"]) == 7
    assert view.version == mirror.version


def test_a_press_wakes_the_pages_once_with_its_commands_change() -> None:
    """A button's press is noted when it arrives and told with the command's own change (its job's
    ``feed_all``, even a refusal with no publication): one wake and one fragment a press."""
    clock = Clock(T0)
    mirror = LobbyMirror(_settings(), clock)
    before = mirror.version
    mirror.note_button("2")
    assert mirror.version == before  # not yet: the command follows within milliseconds
    mirror.feed_all([])  # the job of the press, refused (nobody waiting): nothing published
    assert mirror.version == before + 1
    mirror.feed_all([])  # nothing new
    assert mirror.version == before + 1
    by_key = {(d.kind, d.id): d for d in mirror.view().devices}
    assert by_key["button", "2"].last_seen == T0


def test_a_kiosk_whose_spoken_guide_is_not_heard_is_not_healthy() -> None:
    """Issue 18: the kiosk's status carries its spoken guide's sound beside the printer; a failed
    guide makes the kiosk unhealthy in the console's device list, with the player's words."""
    mirror = LobbyMirror(_settings(devices=[{"id": "k1", "role": "kiosk"}]), Clock(T0))
    mirror.feed_message(_t("presence", client_id="antre-kiosk-k1"), b"online", retain=True)
    heard = contract.kiosk_status("k1", "ready", None, T0, "ok")
    assert mirror.feed_message(_t("kiosk_status", kiosk_id="k1"), contract.encode(heard), retain=True)
    kiosk = mirror.view().devices[0]
    assert (kiosk.printer, kiosk.audio, kiosk.audio_detail, kiosk.healthy) == ("ready", "ok", None, True)
    mute = contract.kiosk_status("k1", "ready", None, T0, "failed", "aplay: main:831: audio open error")
    assert mirror.feed_message(_t("kiosk_status", kiosk_id="k1"), contract.encode(mute))
    kiosk = mirror.view().devices[0]
    assert (kiosk.audio, kiosk.audio_detail, kiosk.healthy) == (
        "failed",
        "aplay: main:831: audio open error",
        False,
    )
    older = contract.kiosk_status("k1", "ready", None, T0)  # a kiosk from before the field
    mirror.feed_message(_t("kiosk_status", kiosk_id="k1"), contract.encode(older))
    assert mirror.view().devices[0].audio is None and mirror.view().devices[0].healthy


def test_a_service_removed_on_the_setup_page_leaves_the_lobby() -> None:
    mirror = LobbyMirror(_settings(), Clock(T0))
    mirror.feed_all([_queue("C", [("C-001", T0, None, None)])])
    assert [s.prefix for s in mirror.view().services] == ["A", "B", "C"]  # a service added: shown
    before = mirror.version
    mirror.feed_all([Publication(_t("queue_state", service="C"), b"", True)])  # its state cleared
    assert [s.prefix for s in mirror.view().services] == ["A", "B"] and mirror.version == before + 1

    settings = _settings()
    desks = tuple(dataclasses.replace(d, services=("A",)) for d in settings.desks)
    only_a = dataclasses.replace(settings, services=settings.services[:1], desks=desks)
    mirror.use_settings(only_a)  # B removed too (the hub at start, with the stored setup)
    assert [s.prefix for s in mirror.view().services] == ["A"]
