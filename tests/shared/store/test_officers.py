"""Staff accounts: the secret policy by role, add / disable / enable / reset with their sessions
revoked and a line in the access log each, and the config sync (removed config officers
deactivated and signed out, console officers untouched)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from shared.domain import secrets_policy as sp
from shared.domain.pins import hash_pin
from shared.store import access_log, officers, staff_sessions
from shared.store.db import make_engine, upgrade, write_transaction
from shared.store.keys import SiteKey
from shared.store.models import OfficerRow

KEY = SiteKey(b"k" * 32)
T0 = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
CONFIG = [
    {"id": "budi", "name": "Budi Santoso", "pin_hash": hash_pin("246813", iterations=1000)},
    {"id": "rina", "name": "Rina", "pin_hash": hash_pin("135724", iterations=1000), "role": "supervisor"},
]


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


def log_lines(engine: Engine) -> list[tuple[str, str, str]]:
    with Session(engine) as session:
        return [(r.actor, r.action, r.subject) for r in access_log.rows(session)]


@pytest.mark.parametrize(
    ("role", "secret", "code"),
    [("officer", "2468", "pin_shape"), ("officer", "12345a", "pin_shape"),
     ("officer", "123456789", "pin_shape"),
     ("officer", "١٢٣٤٥٦", "pin_shape"),  # Arabic-Indic digits are not ASCII digits
     ("supervisor", "pendek", "passphrase_short"), ("technician", "x" * 129, "passphrase_long"),
     ("supervisor", "kopi pagi\tdi kantor", "passphrase_control"), ("boss", "whatever it is", "bad_role")],
)  # fmt: skip
def test_the_secret_policy_refuses_with_a_sentence_in_both_languages(
    role: str, secret: str, code: str
) -> None:
    with pytest.raises(sp.SecretRefused) as refused:
        sp.check_secret(role, secret)
    assert refused.value.code == code
    assert refused.value.message("id") != refused.value.message("en")
    assert refused.value.message("id").endswith(".") and refused.value.message("en").endswith(".")


def test_good_secrets_hash_and_verify_and_the_dummy_never_matches() -> None:
    stored = sp.hash_secret("officer", "246813", iterations=1000)
    assert sp.verify_secret("246813", stored) and not sp.verify_secret("246814", stored)
    phrase = "kopi pagi di kantor BPS"
    assert sp.verify_secret(phrase, sp.hash_secret("supervisor", phrase, iterations=1000))
    assert not sp.dummy_verify("246813", 1000)
    assert sp.short_pin("2468") and not sp.short_pin("246813") and not sp.short_pin("kopi")
    assert "Minta supervisor" in sp.refusal_text("weak_pin") and "Ask a supervisor" in sp.refusal_text(
        "weak_pin", "en"
    )


def test_add_disable_enable_reset_revoke_and_log(engine: Engine) -> None:
    with write_transaction(engine) as session:
        officers.add(session, KEY, "supervisor/ani", T0, officer_id="dewi", name="Dewi", role="officer",
                     secret="975310", iterations=1000)  # fmt: skip
        with pytest.raises(officers.OfficerError) as refused:
            officers.add(session, KEY, "supervisor/ani", T0, officer_id="dewi", name="Dewi", role="officer",
                         secret="975310", iterations=1000)  # fmt: skip
        assert refused.value.code == "exists"
        for bad_id in ("d", "dewi lestari", "dewi@bps", "-x"):
            with pytest.raises(officers.OfficerError):
                officers.add(
                    session, KEY, "a", T0, officer_id=bad_id, name="D", role="officer", secret="975310"
                )
        with pytest.raises(officers.OfficerError) as refused:
            officers.add(
                session, KEY, "a", T0, officer_id="eka", name="Eka", role="supervisor", secret="975310"
            )
        assert refused.value.code == "passphrase_short" and "12" in refused.value.message("id")
        desk_token, _ = staff_sessions.create(session, "dewi", staff_sessions.DESK, T0, desk="1")
    with write_transaction(engine) as session:
        assert officers.set_active(session, KEY, "supervisor/ani", T0, "dewi", False) == 1
        assert staff_sessions.lookup(session, desk_token, T0).reason == staff_sessions.REVOKED_DISABLED
        row = session.get(OfficerRow, "dewi")
        assert row is not None and not row.active and row.disabled_at == T0
        officers.set_active(session, KEY, "supervisor/ani", T0, "dewi", True)
        again, _ = staff_sessions.create(session, "dewi", staff_sessions.DESK, T0, desk="1")
        assert (
            officers.reset_secret(session, KEY, "supervisor/ani", T0, "dewi", "864200", iterations=1000) == 1
        )
        assert staff_sessions.lookup(session, again, T0).reason == staff_sessions.PIN_RESET
        assert sp.verify_secret("864200", session.get(OfficerRow, "dewi").pin_hash)  # type: ignore[union-attr]
        with pytest.raises(officers.OfficerError):
            officers.reset_secret(session, KEY, "supervisor/ani", T0, "dewi", "1234")
        with pytest.raises(officers.OfficerError) as refused:
            officers.set_active(session, KEY, "supervisor/ani", T0, "nobody", False)
        assert refused.value.code == "unknown_officer"
    assert log_lines(engine) == [
        ("supervisor/ani", "account_change", "officer dewi added as officer"),
        ("supervisor/ani", "account_change", "officer dewi disabled, 1 session(s) ended"),
        ("supervisor/ani", "account_change", "officer dewi enabled"),
        ("supervisor/ani", "account_change", "officer dewi secret reset, 1 session(s) ended"),
    ]
    with Session(engine) as session:
        assert access_log.verify(session, KEY) == []


def test_the_config_sync_deactivates_removed_config_officers_only(engine: Engine) -> None:
    with write_transaction(engine) as session:
        result = officers.sync_from_config(session, KEY, CONFIG, T0)
        assert result.added == ["budi", "rina"]
        assert session.get(OfficerRow, "rina").role == "supervisor"  # type: ignore[union-attr]
        officers.add(session, KEY, "supervisor/rina", T0, officer_id="dewi", name="Dewi", role="officer",
                     secret="975310", iterations=1000)  # fmt: skip
        budi_token, _ = staff_sessions.create(session, "budi", staff_sessions.DESK, T0, desk="1")
    later = T0 + timedelta(days=1)
    with write_transaction(engine) as session:
        assert officers.sync_from_config(session, KEY, CONFIG, later).updated == []  # nothing changed
        result = officers.sync_from_config(session, KEY, CONFIG[1:], later)  # budi removed from the TOML
        assert result.deactivated == ["budi"] and result.ended_sessions == 1
        found = staff_sessions.lookup(session, budi_token, later)
        assert (found.code, found.reason) == (staff_sessions.SESSION_REVOKED, staff_sessions.REVOKED_REMOVED)
        assert not session.get(OfficerRow, "budi").active  # type: ignore[union-attr]
        assert session.get(OfficerRow, "dewi").active  # type: ignore[union-attr]  # the console's: untouched
        # Back in the config: active again. A disable in the console holds over a sync.
        officers.sync_from_config(session, KEY, CONFIG, later)
        assert session.get(OfficerRow, "budi").active  # type: ignore[union-attr]
        officers.set_active(session, KEY, "supervisor/rina", later, "budi", False)
        officers.sync_from_config(session, KEY, CONFIG, later)
        assert not session.get(OfficerRow, "budi").active  # type: ignore[union-attr]
    lines = log_lines(engine)
    assert ("config", "account_change", "officer budi removed from the config, 1 session(s) ended") in lines
    assert ("config", "account_change", "officer budi from the config: active") in lines
