"""The hub as a process behind a real Mosquitto keeps each lobby device to its part (issue 15):
a rating screen's lookup is refused, a retained request is refused, never applied and not kept
for a later subscriber, and a flood of lookups from one kiosk is throttled while a visitor at
another kiosk is answered."""

from __future__ import annotations

import json
import time
import uuid

from sqlalchemy.orm import Session

from broker.hub import throttle
from shared.store import access_log
from shared.store.db import make_engine
from tests.broker.hub.test_hub_commands import GUEST
from tests.support import Probe, wait_until

DEVICES = """
[[devices]]
id = "hub"
role = "hub"

[[devices]]
id = "k1"
role = "kiosk"

[[devices]]
id = "k2"
role = "kiosk"

[[devices]]
id = "rate-2"
role = "rating"
desk = "2"
"""


def test_the_rating_screens_lookup_is_refused(hub_factory, sqlite_url: str, probe: Probe) -> None:
    hub_factory(sqlite_url, extra=DEVICES)
    lookup = {"lookup": {"id_number": "1808014101900001"}}
    assert probe.ask("rate-2", lookup)["error"]["code"] == "forbidden"
    assert probe.ask("rate-2", {"service": "A"})["error"]["code"] == "forbidden"
    # What a rating screen does is still answered (here: no such ticket), and a kiosk may look up.
    assert probe.ask("rate-2", {"rating_check": {"ticket": "A-001"}})["error"]["code"] == "unknown_ticket"
    assert probe.ask("k1", lookup)["found"] is False


def test_a_retained_request_is_refused_and_not_delivered_to_a_later_subscriber(
    hub, probe: Probe, broker
) -> None:  # type: ignore[no-untyped-def]
    rid = uuid.uuid4().hex
    mark = probe.mark()
    body = {"v": 1, "request_id": rid, "service": "A", "guest": GUEST}
    probe.client.publish(probe.t("kiosk/k1/request"), json.dumps(body), qos=1, retain=True).wait_for_publish(
        5
    )
    refused = probe.wait_for("kiosk/k1/response", lambda p: p.get("request_id") == rid, since=mark)
    assert refused["error"]["code"] == "retained"
    mark = probe.mark()
    probe.client.publish(probe.t("counter/1/cmd"), "open", qos=1, retain=True).wait_for_publish(5)
    assert probe.wait_for("counter/1/response", since=mark)["error"]["code"] == "retained"

    later = Probe(broker.port)  # a later subscriber (a restarted hub, a curious device)
    try:
        presence = later.t("presence/antre-hub-pst")
        wait_until(lambda: any(m.topic == presence for m in list(later.messages)), 5, "the retained presence")
        time.sleep(1)  # retained messages come at once on subscribing; give any stray one time
        topics = {m.topic for m in later.messages if m.retain}
        assert probe.t("kiosk/k1/request") not in topics and probe.t("counter/1/cmd") not in topics
    finally:
        later.close()
    assert probe.issue("A")["ticket"] == "A-001"  # the retained request took no number
    assert probe.wait_for("counter/1/state")["status"] == "closed"  # nor opened the desk


def test_a_thousand_lookups_from_one_kiosk_are_throttled_while_a_visitor_is_answered(
    hub_factory, sqlite_url: str, probe: Probe
) -> None:  # type: ignore[no-untyped-def]
    hub = hub_factory(sqlite_url, extra=DEVICES)  # the rates bind a deployment's devices
    assert probe.issue("A", kiosk="k2", guest=GUEST)["ticket"] == "A-001"
    mark = probe.mark()
    started = time.monotonic()
    sent = []
    for n in range(1000):
        rid = f"flood-{n}"
        sent.append(rid)
        body = {"v": 1, "request_id": rid, "lookup": {"id_number": f"18080141019{n:05d}"}}
        probe.client.publish(probe.t("kiosk/k1/request"), json.dumps(body), qos=1)
    visitor_sent = time.monotonic()
    found = probe.ask("k2", {"lookup": {"id_number": GUEST["id_number"]}}, timeout=30)
    visitor_s = time.monotonic() - visitor_sent
    assert found["found"] is True
    assert visitor_s < 10  # the issue asks 1 s; a generous bound on a loaded machine (measured: below)
    time.sleep(1)  # the flood's last answers
    elapsed = time.monotonic() - started
    answers = [
        a for a in probe.on("kiosk/k1/response", since=mark) if str(a.get("request_id")).startswith("flood-")
    ]
    looked_up = [a for a in answers if "found" in a]
    throttled = [a for a in answers if a.get("error", {}).get("code") == "too_many_requests"]
    allowed = throttle.LOOKUP_PER_KIOSK.burst + elapsed * throttle.LOOKUP_PER_KIOSK.per_s
    assert 1 <= len(looked_up) <= allowed, (len(looked_up), elapsed)
    assert throttled and all(a["error"]["retry_after_s"] >= 1 for a in throttled)
    assert len(looked_up) + len(throttled) == len(answers)  # nothing else: no busy, no storage error
    # Only the admitted lookups reached the database: the access log holds them and the visitor's.
    engine = make_engine(hub.env["ANTRE_DB_URL"])
    with Session(engine) as session:
        logged = [r for r in access_log.rows(session) if r.action == access_log.LOOKUP]
    engine.dispose()
    assert sorted({r.actor for r in logged}) == ["kiosk/k1", "kiosk/k2"]
    assert len(logged) == len(looked_up) + 1
    print(f"\n1000 lookups in {elapsed:.1f} s: {len(looked_up)} looked up, {len(throttled)} answered "
          f"too_many_requests, {1000 - len(answers)} refusals over the refusal budget; the visitor at "
          f"another kiosk answered in {visitor_s:.2f} s")  # fmt: skip
