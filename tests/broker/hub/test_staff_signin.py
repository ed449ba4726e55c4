"""The staff side's sign-in on a real database with the hub's injected clock: a taken desk and its
take-over, the same officer elsewhere, a disabled or removed account, idle and absolute expiry of
desk and console sessions (each told why), no lockout by a stranger, slowed guessing, short PINs,
and every sign-in and failure in the access log with the client address."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from broker.hub.commands import Hub
from broker.hub.staff import StaffDesk
from shared.config import ConfigError, Settings
from shared.domain import pins
from shared.domain.pins import hash_pin
from shared.store import access_log
from shared.store.db import make_engine, upgrade
from shared.store.models import DeskRow

PHRASE = "kopi pagi di kantor BPS"
CONFIG = [
    {"id": "budi", "name": "Budi Santoso", "pin_hash": hash_pin("246813", iterations=1000)},
    {"id": "rina", "name": "Rina", "pin_hash": hash_pin("135724", iterations=1000)},
    {"id": "ani", "name": "Ani", "role": "supervisor",
     "pin_hash": pins.hash_digits_or_text(PHRASE, iterations=1000)},
    {"id": "lama", "name": "Lama", "pin_hash": pins.hash_digits_or_text("2468", iterations=1000)},
]  # fmt: skip
DESK_PC, HOME = "10.0.0.21", "10.0.0.22"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def staff(tmp_path: Path, clock: Clock) -> Iterator[StaffDesk]:
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)
    hub = Hub(Settings(db_url=url, data_dir=tmp_path, timezone="Asia/Jakarta"), make_engine(url), clock=clock)
    desk = StaffDesk(hub)
    desk.sync_officers(CONFIG)
    yield desk
    hub.engine.dispose()


def code(result) -> tuple[int, str | None, str | None]:  # type: ignore[no-untyped-def]
    error = result.body.get("error", {})
    return result.status, error.get("code"), error.get("reason")


def desk_officer(staff: StaffDesk, desk: str) -> str | None:
    with Session(staff.hub.engine) as session:
        row = session.get(DeskRow, desk)
        return row.officer_id if row else None


def log(staff: StaffDesk, action: str) -> list[tuple[str, str]]:
    with Session(staff.hub.engine) as session:
        return [(r.actor, r.subject) for r in access_log.rows(session) if r.action == action]


def test_a_taken_desk_is_refused_naming_the_sitter_unless_taken_over(staff: StaffDesk) -> None:
    budi = staff.signin("1", "budi", "246813", DESK_PC).body["token"]
    refused = staff.signin("1", "rina", "135724", HOME)
    assert (
        code(refused)[:2] == (409, "desk_taken") and refused.body["error"]["officer_name"] == "Budi Santoso"
    )
    assert staff.visitor(budi).status == 200
    rina = staff.signin("1", "rina", "135724", HOME, take_over=True).body["token"]
    assert code(staff.visitor(budi)) == (401, "session_revoked", "taken_over")
    assert staff.visitor(rina).status == 200 and desk_officer(staff, "1") == "rina"


def test_the_same_officer_elsewhere_ends_the_earlier_session_and_frees_that_desk(staff: StaffDesk) -> None:
    first = staff.signin("1", "budi", "246813", DESK_PC).body["token"]
    second = staff.signin("2", "budi", "246813", HOME).body["token"]
    assert code(staff.visitor(first)) == (401, "session_revoked", "signed_in_elsewhere")
    assert staff.visitor(second).status == 200
    assert desk_officer(staff, "1") is None and desk_officer(staff, "2") == "budi"
    assert staff.signin("1", "rina", "135724", HOME).status == 200  # desk 1 is free, not taken


def test_a_disabled_officer_is_signed_out_and_cannot_sign_in(staff: StaffDesk) -> None:
    token = staff.signin("1", "budi", "246813", DESK_PC).body["token"]
    assert staff.officer_set_active("supervisor/ani", "budi", False).body == {"ended_sessions": 1}
    assert code(staff.visitor(token)) == (401, "session_revoked", "revoked_disabled")
    assert desk_officer(staff, "1") is None
    assert code(staff.signin("1", "budi", "246813", DESK_PC))[:2] == (401, "bad_pin")
    staff.officer_set_active("supervisor/ani", "budi", True)
    assert staff.signin("1", "budi", "246813", DESK_PC).status == 200


def test_an_officer_removed_from_the_config_is_signed_out_and_cannot_sign_in(staff: StaffDesk) -> None:
    token = staff.signin("1", "budi", "246813", DESK_PC).body["token"]
    assert staff.sync_officers(CONFIG[1:]).body["deactivated"] == ["budi"]
    assert code(staff.visitor(token)) == (401, "session_revoked", "revoked_removed")
    assert code(staff.signin("1", "budi", "246813", DESK_PC))[:2] == (401, "bad_pin")


def test_a_pin_reset_ends_the_sessions_and_the_new_pin_works(staff: StaffDesk) -> None:
    token = staff.signin("1", "budi", "246813", DESK_PC).body["token"]
    assert code(staff.officer_reset("supervisor/ani", "budi", "1234"))[:2] == (400, "pin_shape")
    assert staff.officer_reset("supervisor/ani", "budi", "864200").status == 200
    assert code(staff.visitor(token)) == (401, "session_revoked", "pin_reset")
    assert staff.signin("1", "budi", "864200", DESK_PC).status == 200


def test_a_desk_session_unused_for_8_hours_expires_and_frees_the_desk(staff: StaffDesk, clock: Clock) -> None:
    token = staff.signin("1", "budi", "246813", DESK_PC).body["token"]
    clock.advance(hours=1)
    assert staff.visitor(token).status == 200  # used: the 8 hours start again
    clock.advance(hours=7, minutes=59)
    assert staff.visitor(token).status == 200
    clock.advance(hours=2)
    assert staff.visitor(token).status == 200  # 11 h after the sign-in
    clock.advance(minutes=30)
    other = staff.signin("2", "rina", "135724", HOME).body["token"]
    clock.advance(hours=8)
    assert code(staff.visitor(other)) == (401, "session_expired", "expired_idle")
    assert code(staff.visitor(token)) == (401, "session_expired", "expired")  # past its 12 hours
    assert staff.signin("2", "budi", "246813", DESK_PC).status == 200  # an expired sitter holds no desk


def test_a_desk_session_used_hourly_still_ends_at_12_hours(staff: StaffDesk, clock: Clock) -> None:
    token = staff.signin("1", "budi", "246813", DESK_PC).body["token"]
    for _ in range(11):
        clock.advance(hours=1)
        assert staff.visitor(token).status == 200
    clock.advance(hours=1)
    assert code(staff.visitor(token)) == (401, "session_expired", "expired")


def test_console_sessions_any_role_idle_30_minutes_one_at_a_time(staff: StaffDesk, clock: Clock) -> None:
    answer = staff.console_signin("ani", PHRASE, HOME)
    assert answer.status == 200 and answer.body["role"] == "supervisor"
    token = answer.body["token"]
    assert staff.console_session(token).body == {
        "officer": "ani",
        "officer_name": "Ani",
        "role": "supervisor",
    }
    assert code(staff.visitor(token))[:2] == (401, "signed_out")  # a console token opens no desk
    desk_token = staff.signin("1", "ani", PHRASE, DESK_PC).body["token"]  # a supervisor may staff a desk
    assert code(staff.console_session(desk_token))[:2] == (401, "signed_out")
    clock.advance(minutes=29)
    assert staff.console_session(token).status == 200
    clock.advance(minutes=30)
    assert code(staff.console_session(token)) == (401, "session_expired", "expired_idle")
    assert staff.visitor(desk_token).status == 200  # the desk session has its own limits
    first = staff.console_signin("budi", "246813", DESK_PC).body["token"]  # an officer too
    staff.console_signin("budi", "246813", HOME)
    assert code(staff.console_session(first)) == (401, "session_revoked", "signed_in_elsewhere")
    assert staff.console_signout(first).status == 401
    assert [s.officer_id for s in staff.signed_in()] == ["ani", "budi"]


def test_a_short_old_pin_is_refused_unchecked_with_advice(staff: StaffDesk) -> None:
    refused = staff.signin("1", "lama", "2468", DESK_PC)
    assert code(refused)[:2] == (400, "weak_pin") and "supervisor" in refused.body["error"]["message"]
    assert log(staff, access_log.SIGN_IN_FAILED) == []  # not a guess at anything: nothing checked


def test_a_strangers_failures_do_not_lock_the_officer_out_even_after_a_restart(
    staff: StaffDesk, clock: Clock
) -> None:
    assert staff.signin("1", "budi", "246813", DESK_PC).status == 200  # the usual desk PC
    staff.signout(staff.signin("1", "budi", "246813", DESK_PC).body["token"])
    restarted = StaffDesk(staff.hub)  # the throttle's memory is gone; the session table is not
    slowed = 0
    for n in range(1000):
        answer = restarted.signin("2", "budi", f"{n:06d}", f"172.20.{n // 200}.{n % 200}")
        slowed += answer.status == 429
        clock.advance(seconds=2)
    assert slowed > 900
    assert restarted.signin("1", "budi", "246813", DESK_PC).status == 200


def test_guessing_from_one_address_is_slowed_and_logged_with_the_address(
    staff: StaffDesk, clock: Clock
) -> None:
    client = "10.9.9.9\n[fake] line"
    answers = [code(staff.signin("1", "rina", f"{n:06d}", client)) for n in range(7)]
    assert answers[:5] == [(401, "bad_pin", None)] * 5
    slowed = staff.signin("1", "rina", "135724", client)  # even the right PIN waits: not checked
    assert code(slowed)[:2] == (429, "slow_down") and slowed.body["error"]["retry_after"] >= 1
    clock.advance(seconds=slowed.body["error"]["retry_after"])
    assert staff.signin("1", "rina", "135724", client).status == 200
    assert [answer[:2] for answer in answers[5:]] == [(429, "slow_down")] * 2  # no time between them
    failed = log(staff, access_log.SIGN_IN_FAILED)
    assert failed == [("client/10.9.9.9\\x0a[fake]\\x20line", "officer rina at desk 1")] * 5
    assert log(staff, access_log.SIGN_IN)[-1] == ("officer/rina", "desk 1 from 10.9.9.9\\x0a[fake]\\x20line")


def test_known_and_unknown_officers_cost_the_same_check(staff: StaffDesk, monkeypatch) -> None:
    real = hashlib.pbkdf2_hmac
    rounds: list[int] = []

    def counting(name: str, secret: bytes, salt: bytes, iterations: int, *rest: object) -> bytes:
        rounds.append(iterations)
        return real(name, secret, salt, iterations, *rest)  # type: ignore[arg-type]

    staff.signin("1", "nobody", "999999", DESK_PC)  # the dummy hash is made once, then kept
    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counting)
    for officer in ("budi", "nobody"):
        rounds.clear()
        assert code(staff.signin("1", officer, "999999", DESK_PC))[:2] == (401, "bad_pin")
        assert rounds == [1000], officer


def test_the_minute_sweep_ends_sessions_that_ran_out_and_frees_their_desks(
    staff: StaffDesk, clock: Clock
) -> None:
    staff.signin("1", "budi", "246813", DESK_PC)
    staff.console_signin("ani", PHRASE, HOME)
    clock.advance(minutes=31)
    staff.expire_sessions()
    assert [s.officer_id for s in staff.signed_in()] == ["budi"] and desk_officer(staff, "1") == "budi"
    clock.advance(hours=8)
    assert staff.expire_sessions()  # the desk closed: its state is published
    assert staff.signed_in() == [] and desk_officer(staff, "1") is None


def test_a_config_officer_with_an_unknown_role_is_a_config_error(staff: StaffDesk) -> None:
    with pytest.raises(ConfigError, match="role must be one of"):
        staff.sync_officers([CONFIG[0] | {"role": "admin"}])


# --- a desk left by its officer opens with a sign-in, not with a device's password (issue 15) ------


def _press(staff: StaffDesk, desk: str, body: bytes) -> dict | None:  # type: ignore[type-arg]
    import json

    for pub in staff.hub.counter_command(desk, body):
        if pub.topic.endswith(f"counter/{desk}/response"):
            return json.loads(pub.payload)
    return None


def _status(staff: StaffDesk, desk: str) -> str | None:
    with Session(staff.hub.engine) as session:
        row = session.get(DeskRow, desk)
        return row.status if row else None


@pytest.mark.parametrize("ending", ["signed out", "idle expiry"])
def test_a_desk_left_by_its_officer_is_not_reopened_by_a_counter_or_a_button(
    staff: StaffDesk, clock: Clock, ending: str
) -> None:
    token = staff.signin("1", "budi", "246813", DESK_PC).body["token"]
    assert _status(staff, "1") == "idle"
    if ending == "signed out":
        assert staff.signout(token).status == 200
    else:  # the officer walked away: the session runs out, the desk is closed by the hub
        assert _press(staff, "1", b'{"v":1,"action":"close","request_id":"c-close"}')["ok"]
        clock.advance(hours=9)
    assert _status(staff, "1") == "closed"
    opened = _press(staff, "1", b'{"v":1,"action":"open","request_id":"c-open"}')
    assert opened is not None and opened["error"]["code"] == "sign_in_needed"
    staff.hub.counter_command("1", b"next")  # a button: no request id, no answer, no effect
    assert _status(staff, "1") == "closed"
    # The officer signs in again: the desk opens, and after a break the counter opens it again.
    token = staff.signin("1", "budi", "246813", DESK_PC).body["token"]
    assert _status(staff, "1") == "idle"
    assert _press(staff, "1", b'{"v":1,"action":"close","request_id":"c-break"}')["ok"]
    assert _press(staff, "1", b'{"v":1,"action":"open","request_id":"c-back"}')["ok"]
    assert _status(staff, "1") == "idle"


def test_a_button_only_desk_still_opens_with_next(staff: StaffDesk) -> None:
    assert _press(staff, "2", b'{"v":1,"action":"close","request_id":"c-close"}')["ok"]
    staff.hub.counter_command("2", b"next")
    assert _status(staff, "2") == "idle"  # nobody ever signed in here: the button opens it
