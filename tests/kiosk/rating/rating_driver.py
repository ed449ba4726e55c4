"""Runs the REAL rating screen app (``kiosk.rating.ui``) in this process, offscreen, against a real
broker and hub: the real ``MqttHubClient`` (behind a recorder) and the desk's retained prompt.
Plays a scenario of taps and keystrokes (``tests.kiosk.rating.rating_scenarios``), hands over to the test
process at handshakes (to serve a ticket at the desk, say), saves screenshots and ``result.json``.

    python -m tests.kiosk.rating.rating_driver SCENARIO OUT_DIR --mqtt URL [--desk 1] [--size 1280x800]
        [--lang id] [--params JSON]

``App.run()`` works once per process, so the tests start one of these per scenario.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")

from kiosk.rating import app as rating_app
from kiosk.rating.options import RatingOptions
from kiosk.rating.viewmodel import RatingViewModel
from kiosk.touch.hub_client import MqttHubClient
from kiosk.touch.ports import HubError
from shared.config import Settings
from shared.feedback_channels import FeedbackChannels
from shared.kivy_base import window as kivy_window
from tests.kiosk.kiosk_driver import Driver
from tests.kiosk.rating.rating_scenarios import SCENARIOS


class RecordingFeedback:
    """The real hub client's ``feedback``, with a note of every request body and its answer."""

    def __init__(self, client: MqttHubClient) -> None:
        self.client = client
        self.calls: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    @property
    def connected(self) -> bool:
        return self.client.connected

    def feedback(self, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            answer = self.client.feedback(request_id, body)
        except HubError as exc:
            with self.lock:
                self.calls.append({"body": body, "error": exc.code})
            raise
        with self.lock:
            self.calls.append({"body": body, "answer": answer})
        return answer


def run(scenario: str, out: Path, size: tuple[int, int], language: str, mqtt: str, desk: str,
        params: dict[str, Any]) -> int:  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings(mqtt_url=mqtt, data_dir=out)
    client = MqttHubClient(
        settings,
        f"rate-{desk}",
        report_status=False,
        attempt_timeout=1.0,
        total_timeout=float(params.get("total_timeout_s", 4.0)),  # the soak: the app's own 8 s
    )
    hub = RecordingFeedback(client)
    options = RatingOptions(
        via="desk", desk=desk, desk_name=f"Meja {desk}", language=language,
        idle_timeout_s=float(params.get("idle_timeout_s", 60)), thanks_s=float(params.get("thanks_s", 8)),
        channels=FeedbackChannels(email="bps1808@bps.go.id", whatsapp="0813-8600-1808"),
    )  # fmt: skip
    kivy_window.prepare_environment()  # as kiosk.rating.app.main does: before kivy is imported
    kivy_window.configure_window(size)
    from kiosk.rating.ui import RatingApp

    vm = RatingViewModel(options, hub, run_background=rating_app.run_in_thread, post=kivy_window.post_to_main)
    rating_app.listen_for_prompts(client, desk, vm, kivy_window.post_to_main)
    app = RatingApp(vm)
    driver = Driver(app, out, hub, None, time.monotonic, params)  # type: ignore[arg-type]
    result: dict[str, Any] = {"scenario": scenario, "size": list(size), "ok": False}
    steps = SCENARIOS[scenario](driver)
    from kivy.clock import Clock

    def step(_dt: float) -> bool:
        try:
            next(steps)
            return True
        except StopIteration:
            result["ok"] = True
        except Exception:
            result["error"] = traceback.format_exc()
            kivy_window.save_window_png(out / "failure.png")
        app.stop()
        return False

    Clock.schedule_once(lambda _dt: Clock.schedule_interval(step, 0), 0.3)
    client.start()
    try:
        app.run()
    finally:
        client.stop()
    result.update(records=driver.records, layout_problems=driver.problems, calls=hub.calls)
    (out / "result.json").write_text(json.dumps(result, indent=2, default=str, ensure_ascii=False))
    return 0 if result["ok"] else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("out", type=Path)
    parser.add_argument("--mqtt", required=True)
    parser.add_argument("--desk", default="1")
    parser.add_argument("--size", type=kivy_window.parse_size, default=(1280, 800))
    parser.add_argument("--lang", default="id")
    parser.add_argument("--params", default="{}")
    args = parser.parse_args()
    return run(args.scenario, args.out, args.size, args.lang, args.mqtt, args.desk, json.loads(args.params))


if __name__ == "__main__":
    sys.exit(main())
