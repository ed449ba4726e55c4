"""The REAL rating screen (``antre rate``), offscreen in a subprocess, driven by touches, against a
real Mosquitto and hub: the desk finishes a visitor, the prompt opens the faces, and what the
visitor gives is read back from the hub's database. Screenshots: the test's tmp dir and
``/tmp/antre-shots/rating/``; every one passes the layout check (no cut, wrapped-word or
overlapping text)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.store.db import make_engine
from shared.store.models import ComplaintRow, RatingRow, SkmProfileCountRow, TicketRow
from tests.kiosk.rating.rating_scenarios import ANSWERS, CONTACT, PROFILE
from tests.kiosk.real_app import REPO, RealKiosk, kivy_env
from tests.kiosk.real_ports import RealConfig
from tests.support import Broker, HubProcess, Probe, full_matrix_only

SHOTS = Path("/tmp/antre-shots/rating")
pytestmark = pytest.mark.timeout(300)


@dataclass
class RatingScreen(RealKiosk):
    """``tests.kiosk.rating.rating_driver`` in a subprocess, its handshakes answered by ``run``."""

    params: dict[str, Any] = field(default_factory=dict)

    def start(self, **popen: Any) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "tests.kiosk.rating.rating_driver", self.scenario, str(self.out)]
        command += ["--mqtt", self.config.mqtt_url, "--size", self.size, "--lang", self.lang]
        command += ["--params", json.dumps(self.params)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=kivy_env(self.out / "kivy-home"), stdout=log, stderr=log, **popen
            )


def run_screen(scenario: str, broker: Broker, out: Path, actions: dict[str, Any], lang: str = "id",
               size: str = "1280x800", **params: Any) -> dict[str, Any]:  # fmt: skip
    screen = RatingScreen(scenario, out, RealConfig(broker.url, {}), size=size, lang=lang, params=params)
    screen.start()
    try:
        result = screen.run(actions)
    finally:
        screen.stop()
    assert result["ok"], f"{result.get('error')}\n{screen.log_tail()}"
    copy_shots(out, f"desk-{scenario}-{lang}-{size}")
    assert result["layout_problems"] == [], "text cut, outside the window or overlapping"
    return result


def copy_shots(out: Path, name: str) -> None:
    target = SHOTS / name
    target.mkdir(parents=True, exist_ok=True)
    for png in out.glob("*.png"):
        shutil.copy(png, target / png.name)


def rows(hub: HubProcess, model: type) -> list[Any]:
    engine = make_engine(hub.env["ANTRE_DB_URL"])
    with Session(engine) as session:
        found = session.scalars(select(model).order_by(model.id)).all()
    engine.dispose()
    return list(found)


class Desk:
    """The officer at desk 1 (through the probe): serves a visitor when the screen asks."""

    def __init__(self, probe: Probe) -> None:
        self.probe = probe
        self.code = ""

    def serve(self, _info: dict[str, Any]) -> None:
        self.code = self.probe.issue("A")["ticket"]
        assert self.probe.command("1", "next")["ticket"] == self.code
        assert self.probe.command("1", "finish")["ticket"] == self.code


def scores(row: RatingRow) -> tuple[int | None, ...]:
    return tuple(getattr(row, f"u{n}") for n in range(1, 10))


# Both shapes and both languages with two runs; the third cell in the full matrix (CI's 15 minutes).
@pytest.mark.parametrize(
    ("lang", "size"),
    [pytest.param("id", "1280x800", marks=full_matrix_only()), ("en", "1280x800"), ("id", "800x1280")],
)
def test_finishing_a_visitor_opens_the_survey_and_everything_given_is_stored(
    lang: str, size: str, broker: Broker, hub: HubProcess, probe: Probe, tmp_path: Path
) -> None:
    desk = Desk(probe)
    result = run_screen("full", broker, tmp_path / "full", {"serve": desk.serve}, lang, size, thanks_s=2)
    records = result["records"]
    assert (
        records["02_faces"]["texts"]["ticket"].startswith(("Tiket ", "Ticket "))
        and desk.code in (records["02_faces"]["texts"]["ticket"])
    )
    assert records["05_complaint_empty"]["fields"]["r_text"]["error"]
    assert records["07_complaint_contact_error"]["fields"]["r_email"]["has_error"]
    [rating] = rows(hub, RatingRow)
    assert (rating.overall, scores(rating), rating.source, rating.desk) == (5, ANSWERS, "desk", "1")
    # The profile: counted apart from the rating, its skipped item empty.
    [counted] = rows(hub, SkmProfileCountRow)
    stored = {k: getattr(counted, k) for k in ("sex", "age", "education", "occupation")}
    assert stored == {"education": "", **PROFILE} and counted.respondents == 1
    sex = records["03p_profile_1_sex"]["texts"]
    assert sex["question"] == ("Jenis kelamin Anda?" if lang == "id" else "Your sex?")
    assert (sex["answer_2"], sex["answer_3"]) == (("Perempuan" if lang == "id" else "Female"), "")
    assert records["03p_profile_3_education"]["texts"]["answer_7"] in ("S3", "Doctorate (S3)")
    [complaint] = rows(hub, ComplaintRow)
    assert records["09_done"]["texts"]["number"] == complaint.number == records["number"]
    assert (complaint.text, complaint.kind, complaint.rating_id, complaint.ticket_id) == (
        "Toilet rusak", "complaint", rating.id, rating.ticket_id,
    )  # fmt: skip
    contact = (complaint.contact_name, complaint.contact_email, complaint.contact_phone)
    assert contact == tuple(CONTACT.values())
    # The hub cleared the desk's prompt once the ticket was rated: a restarted screen does not ask.
    assert probe.latest("rate/1/prompt")["ticket"] is None
    assert records["10_thanks"]["screen"] == "rating_thanks"


def test_one_tap_then_no_touch_keeps_the_overall_only(
    broker: Broker, hub: HubProcess, probe: Probe, tmp_path: Path
) -> None:
    desk = Desk(probe)
    result = run_screen(
        "one_tap_then_idle", broker, tmp_path / "one", {"serve": desk.serve}, idle_timeout_s=2
    )
    assert result["records"]["given"] == {} and result["records"]["01_idle_after_timeout"]["screen"] == (
        "rating_idle"
    )
    [rating] = rows(hub, RatingRow)
    assert (rating.overall, scores(rating)) == (4, (None,) * 9)


def test_everything_skipped_stores_no_rating_row(
    broker: Broker, hub: HubProcess, probe: Probe, tmp_path: Path
) -> None:
    desk = Desk(probe)
    result = run_screen("skip_all", broker, tmp_path / "skip", {"serve": desk.serve}, thanks_s=1)
    assert result["calls"] == [] and result["records"]["given"] == {}
    assert rows(hub, RatingRow) == [] and rows(hub, ComplaintRow) == []
    # Nothing was given, so the ticket can still be rated at the kiosk.
    assert probe.ask("k1", {"rating_check": {"ticket": desk.code}})["ticket"] == desk.code


@pytest.mark.parametrize("lang", ["id", pytest.param("en", marks=full_matrix_only())])
def test_a_ticket_rated_elsewhere_is_said_so_and_a_complaint_still_goes_in(
    lang: str, broker: Broker, hub: HubProcess, probe: Probe, tmp_path: Path
) -> None:
    desk = Desk(probe)

    def rated_elsewhere(_info: dict[str, Any]) -> None:
        assert probe.ask("k1", {"rating": {"ticket": desk.code, "overall": 5}})["rating_ref"]

    actions = {"serve": desk.serve, "rated_elsewhere": rated_elsewhere}
    result = run_screen("twice", broker, tmp_path / "twice", actions, lang)
    what = result["records"]["01_problem_already_rated"]["texts"]["what"]
    assert what == ("Penilaian untuk tiket ini sudah diberikan. Terima kasih!" if lang == "id" else
                    "This ticket has already been rated. Thank you!")  # fmt: skip
    assert [call.get("error") for call in result["calls"]][:1] == ["already_rated"]
    [rating] = rows(hub, RatingRow)
    assert (rating.overall, rating.source) == (5, "kiosk")  # the first rating stays as it was
    [complaint] = rows(hub, ComplaintRow)
    [ticket] = rows(hub, TicketRow)
    assert (complaint.ticket_id, complaint.rating_id, complaint.contact_email) == (ticket.id, None, "")


@pytest.mark.parametrize("lang", [pytest.param("id", marks=full_matrix_only()), "en"])
def test_a_suggestion_without_contact(
    lang: str, broker: Broker, hub: HubProcess, probe: Probe, tmp_path: Path
) -> None:
    desk = Desk(probe)
    result = run_screen("complaint_only", broker, tmp_path / "suggestion", {"serve": desk.serve}, lang)
    [complaint] = rows(hub, ComplaintRow)
    assert result["records"]["number"] == complaint.number
    assert (complaint.kind, complaint.text, complaint.source) == ("suggestion", "Tambah kursi tunggu", "desk")
    assert (complaint.contact_name, complaint.contact_email, complaint.contact_phone) == ("", "", "")
    assert rows(hub, RatingRow) == []
