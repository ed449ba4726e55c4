"""The real wall display, offscreen, against a real Mosquitto and the real hub (8 desks, services
A and B), at the three screen sizes a lobby has. Each state is saved under ``artifacts/display/``
as a PNG (look at them) and the JSON of what the widget tree shows, which the asserts read."""

from __future__ import annotations

import array
import itertools
import os
import shutil
import time
import wave
from pathlib import Path

import pytest

from display.speech import call_sentence
from display.theme import THEME
from display.voice import RATE, VoiceRenderer
from shared.kivy_base.screenshot import encode_png
from tests.conftest import wait_for_hub_online
from tests.display.runner import (
    ARTIFACTS,
    HUB_DISPLAY_TOML,
    RUNNING_TEXT,
    DisplayProcess,
    Tree,
    desks,
    pixel,
    row_pixels,
    texts,
    tile,
)
from tests.support import FULL_MATRIX, Broker, HubProcess, Probe, free_port, wait_until

pytestmark = [
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"),
    pytest.mark.e2e,
]

DOC_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "display"
SIZES = [(1920, 1080)] + ([(1366, 768), (3840, 2160)] if FULL_MATRIX else [])  # CI: the common wall
OVERLAY_TITLE = "Koneksi terputus — sedang menyambung kembali"


@pytest.fixture
def hub(hub_factory, sqlite_url: str) -> HubProcess:  # type: ignore[no-untyped-def]
    """The hub with the site's running text, as the office's one TOML gives it on every device."""
    return hub_factory(sqlite_url, extra=HUB_DISPLAY_TOML)  # type: ignore[no-any-return]


def _overlap(a: list[float], b: list[float]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax + aw > bx + 1 and bx + bw > ax + 1 and ay + ah > by + 1 and by + bh > ay + 1


def assert_fits(tree: Tree) -> None:
    """Nothing outside the window, no text bigger than its box, no two labels on top of each other
    (the overlay, drawn over everything, and the running text, which scrolls, aside)."""
    width, height = tree["window"]
    placed = [lb for lb in tree["labels"] if lb["role"] != "marquee" and not lb["role"].startswith("overlay")]
    for label in placed:
        x, y, w, h = label["box"]
        tex_w, tex_h = label["texture"]
        assert x >= -0.5 and y >= -0.5 and x + w <= width + 0.5 and y + h <= height + 0.5, label
        assert tex_h <= h + 1, (
            f"{label['role']} {label['text']!r} is cut: text {tex_h} px high in a {h} px box"
        )
        if not label["bounded"]:
            assert tex_w <= w + 1, f"{label['role']} {label['text']!r} is cut: {tex_w} px wide in {w} px"
        if label["shorten"]:
            assert label["natural_w"] <= w + 1, f"{label['role']} {label['text']!r} is cut short (…)"
    for a, b in itertools.combinations(placed, 2):
        assert not _overlap(a["box"], b["box"]), (
            f"{a['role']} {a['text']!r} overlaps {b['role']} {b['text']!r}"
        )
    for a, b in itertools.combinations(tree["tiles"], 2):
        assert not _overlap(a["box"], b["box"]), f"desk tiles {a['desk']} and {b['desk']} overlap"


def assert_readable_from_6_m(tree: Tree) -> None:
    """Each desk's ticket code is drawn at least 12% of the window height high."""
    height = tree["window"][1]
    codes = [lb for lb in tree["labels"] if lb["role"] == "desk-code"]
    assert codes
    for label in codes:
        assert label["texture"][1] >= 0.12 * height, (label["text"], label["texture"], height)
        assert label["font_size"] >= 0.12 * height, (label["text"], label["font_size"], height)


def assert_tile_ground(png: Path, tree: Tree, desk: str) -> None:
    """The drawn pixels agree with the tree: a flashing tile's ground is amber in the blink phase,
    the panel colour otherwise (inside its amber frame, left of the centred code)."""
    found = tile(tree, desk)
    x, y, _w, h = found["box"]
    border = max(2, round(tree["window"][1] / 100 * 0.4))
    expected = THEME["accent"] if found["blink"] else THEME["panel"]
    want = tuple(round(c * 255) for c in expected[:3])
    got = pixel(png, x + 2.5 * border, y + h / 2)
    assert all(abs(a - b) <= 3 for a, b in zip(got, want, strict=True)), (desk, found["blink"], got, want)


def assert_running_text(png: Path, tree: Tree) -> None:
    """The bar shows the site's running text, and its pixels hold text: where the label lies on
    screen, its middle rows have glyph pixels well brighter than the bar (an empty bar, or a frame
    drawn without the text, has none). A moment when the text has just wrapped round and lies
    almost wholly off the right edge is allowed (no pixels to look at then)."""
    assert texts(tree, "marquee") == [RUNNING_TEXT], "the running text bar is empty or shows another text"
    (label,) = [lb for lb in tree["labels"] if lb["role"] == "marquee"]
    x, y, w, h = label["box"]
    left, right = max(0, int(x)), min(tree["window"][0], int(x + w))
    if right - left < h:  # less than about one letter on screen
        return
    ground = tuple(round(c * 255) for c in THEME["marquee"][:3])
    inked = 0
    for row in (y + h * 0.4, y + h * 0.5, y + h * 0.6):
        inked += sum(1 for rgb in row_pixels(png, row)[left:right] if sum(rgb) - sum(ground) > 120)
    assert inked >= (right - left) * 0.02, f"the running text is not drawn in its bar ({inked} glyph pixels)"


def assert_priority_row(tree: Tree, png: Path, ticket: str) -> None:
    """The recent-calls row of ``ticket`` carries the mark: a white pill just right of its code, on
    the code's line, left of the desk name."""
    for row_code in (lb for lb in tree["labels"] if lb["role"] == "recent-code"):
        assert row_code["natural_w"] <= row_code["box"][2] + 1, f"{row_code['text']} is cut: {row_code}"
    code = next(lb for lb in tree["labels"] if lb["role"] == "recent-code" and lb["text"] == ticket)
    mark = next(lb for lb in tree["labels"] if lb["role"] == "recent-priority")
    (cx, cy, cw, ch), (mx, my, mw, mh) = code["box"], mark["box"]
    assert cx + cw <= mx <= cx + cw + 0.03 * tree["window"][1], (code["box"], mark["box"])
    assert cy <= my and my + mh <= cy + ch + 1, (code["box"], mark["box"])  # inside the code's line
    desk = [lb for lb in tree["labels"] if lb["role"] == "recent-desk" and abs(lb["box"][1] - cy) < 1]
    assert len(desk) == 1 and desk[0]["box"][0] >= mx + mw, (desk, mark["box"])
    white = tuple(round(c * 255) for c in THEME["badge"][:3])
    assert all(abs(a - b) <= 3 for a, b in zip(pixel(png, mx + 3, my + mh / 2), white, strict=True))


def _samples(path: Path) -> tuple[array.array, float]:
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
        samples = array.array("h")
        samples.frombytes(wav.readframes(wav.getnframes()))
        return samples, wav.getnframes() / RATE


def _rms(part: array.array) -> float:
    return (sum(s * s for s in part) / max(1, len(part))) ** 0.5


def assert_real_announcement(path: Path) -> None:
    samples, seconds = _samples(path)
    assert 3.0 < seconds < 10.0, (path, seconds)
    assert _rms(samples[: int(RATE * 0.8)]) > 800, "the chime is silent"
    assert _rms(samples[int(RATE * 1.1) :]) > 400, "the voice is silent"


@pytest.mark.timeout(300)
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_wall_shows_and_says_the_calls_and_survives_lost_connections(
    size: tuple[int, int], tmp_path: Path, broker: Broker, hub: HubProcess, probe: Probe
) -> None:
    width, height = size
    label = f"{width}x{height}"
    for service in "ABAABAAAAAAA":
        probe.issue(service)
    early = probe.command("4", "next")  # a desk already serving when the wall is switched on

    screen = DisplayProcess(tmp_path / "display", broker.url, size, label)
    # --screenshot: the retained state is on the wall at once, from a cold start.
    cold = screen.screenshot_once("01-cold-start")
    assert_running_text(ARTIFACTS / f"{label}-01-cold-start.png", cold)
    assert desks(cold) == {"Meja 4": early["ticket"]}
    assert cold["call"]["code"] == early["ticket"] and not cold["call"]["flashing"]
    assert not cold["overlay"]["visible"]
    assert_fits(cold)

    screen.start()
    try:
        start = screen.wait_tree(lambda t: desks(t) == {"Meja 4": early["ticket"]}, 20, "the retained desk")
        assert texts(start, "office") == ["BPS Kabupaten Tulang Bawang"]
        assert texts(start, "waiting-count") == ["9 orang", "2 orang"]

        calls = {desk: probe.command(desk, "next")["ticket"] for desk in ("1", "2", "3")}
        recall = probe.command("1", "recall")
        assert recall["ticket"] == calls["1"]
        expected = {f"Meja {d}": code for d, code in calls.items()} | {"Meja 4": early["ticket"]}
        screen.wait_tree(lambda t: desks(t) == expected and t["call"]["code"] == calls["1"], 20, "the calls")
        called = screen.snapshot("02-calls-flash")
        assert_running_text(ARTIFACTS / f"{label}-02-calls-flash.png", called)
        assert desks(called) == expected
        assert called["call"] == {"code": calls["1"], "desk_name": "Meja 1", "flashing": True}
        assert tile(called, "1")["flashing"] and tile(called, "1")["highlighted"]
        assert not any(tile(called, d)["flashing"] for d in ("2", "3", "4"))
        assert texts(called, "recent-code")[:3] == [calls["3"], calls["2"], early["ticket"]]
        waiting = [f"{probe.latest(f'queue/{s}/state')['count']} orang" for s in "AB"]  # type: ignore[index]
        assert waiting == ["7 orang", "1 orang"]
        assert texts(called, "waiting-count") == waiting
        assert_fits(called)
        assert_tile_ground(ARTIFACTS / f"{label}-02-calls-flash.png", called, "1")

        calm = screen.wait_tree(lambda t: not t["call"]["flashing"], 10, "the flash to end")
        calm = screen.snapshot("03-calls-calm")
        assert_running_text(ARTIFACTS / f"{label}-03-calls-calm.png", calm)
        assert not tile(calm, "1")["flashing"] and tile(calm, "1")["highlighted"]
        assert desks(calm) == expected
        assert_tile_ground(ARTIFACTS / f"{label}-03-calls-calm.png", calm, "1")

        # Heard in order, one at a time, the recall again; real WAVs with a chime and a voice.
        wait_until(lambda: len(screen.played()) >= 4, 30, "four announcements")
        renderer = VoiceRenderer(screen.voice_cache, volume=0.8)
        sentences = [call_sentence(calls[d], f"Meja {d}") for d in ("1", "2", "3", "1")]
        assert screen.played() == [renderer.render(s) for s in sentences]
        for path in set(screen.played()):
            assert_real_announcement(path)

        hub.kill()  # the broker sends the hub's Last Will: presence offline
        gone = screen.wait_tree(lambda t: t["overlay"]["visible"], 10, "the overlay for the hub")
        gone = screen.snapshot("04-hub-offline")
        assert gone["overlay"]["title"] == OVERLAY_TITLE
        assert "antrean" in gone["overlay"]["detail"]
        assert desks(gone) == expected  # the last known state stays behind the veil
        hub.start()
        screen.wait_tree(lambda t: not t["overlay"]["visible"], 30, "the overlay to clear (hub back)")

        broker.stop()
        lost = screen.wait_tree(lambda t: t["overlay"]["visible"], 10, "the overlay for the broker")
        lost = screen.snapshot("05-broker-lost")
        assert "server pesan" in lost["overlay"]["detail"]
        broker.start()
        wait_for_hub_online(broker.port, timeout=30)
        wait_until(lambda: probe.client.is_connected(), 15, "the test's own client reconnected")
        back = screen.wait_tree(
            lambda t: not t["overlay"]["visible"] and desks(t) == expected, 30, "the wall whole again"
        )
        back = screen.snapshot("06-recovered")
        assert_running_text(ARTIFACTS / f"{label}-06-recovered.png", back)
        assert desks(back) == expected and texts(back, "waiting-count") == waiting

        # All eight desks open: the most crowded board, still readable from 6 m.
        for desk in ("5", "6", "7", "8"):
            probe.command(desk, "next", timeout=10)
        full = screen.wait_tree(lambda t: len(desks(t)) == 8, 20, "eight desks")
        full = screen.snapshot("07-eight-desks")
        assert_running_text(ARTIFACTS / f"{label}-07-eight-desks.png", full)
        assert [d for d in desks(full)] == [f"Meja {n}" for n in range(1, 9)]
        assert_fits(full)
        assert_readable_from_6_m(full)
        assert_readable_from_6_m(called)

        # Issue 18: a priority ticket, called and then called again, keeps its mark on the card
        # and on its desk's tile, beside the waiting counts; the voice says "prioritas" both times.
        lane = probe.ask("k1", {"service": "A", "priority": True, "category": "lansia"})
        assert lane["priority"] is True
        assert probe.command("1", "next")["ticket"] == lane["ticket"]  # it stands ahead
        assert probe.command("1", "recall")["ticket"] == lane["ticket"]
        expected |= {f"Meja {d}": desks(full)[f"Meja {d}"] for d in "5678"} | {"Meja 1": lane["ticket"]}
        priority = screen.wait_tree(
            lambda t: t["call"]["code"] == lane["ticket"] and "panggilan ulang" in texts(t, "call-title")[0]
            and not t["call"]["flashing"],
            20,
            "the priority recall, calm",
        )  # fmt: skip
        priority = screen.snapshot("08-priority-call")
        assert_running_text(ARTIFACTS / f"{label}-08-priority-call.png", priority)
        assert desks(priority) == expected
        assert texts(priority, "call-priority") == ["PRIORITAS"]
        marks = [lb for lb in priority["labels"] if lb["role"] == "desk-priority"]
        assert [(lb["desk"], lb["text"]) for lb in marks] == [("1", "PRIORITAS")]
        assert [t["desk"] for t in priority["tiles"] if t["priority"]] == ["1"]
        counts = [f"{probe.latest(f'queue/{s}/state')['count']} orang" for s in "AB"]  # type: ignore[index]
        assert texts(priority, "waiting-count") == counts
        assert_fits(priority)
        assert_readable_from_6_m(priority)
        png = ARTIFACTS / f"{label}-08-priority-call.png"
        if os.environ.get("ANTRE_SCREENSHOTS") == "1" and size == (1920, 1080):  # docs/queue.md's, to check
            DOC_SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(png, DOC_SHOTS / f"priority-call-{label}.png")
        white = tuple(round(c * 255) for c in THEME["badge"][:3])
        for mark in marks + [lb for lb in priority["labels"] if lb["role"] == "call-priority"]:
            x, y, _w, h = mark["box"]  # the pill's ground, left of its words
            assert all(abs(a - b) <= 3 for a, b in zip(pixel(png, x + 3, y + h / 2), white, strict=True))
        sentence = call_sentence(lane["ticket"], "Meja 1", priority=True)
        assert sentence.startswith("Nomor antrean prioritas ")
        heard = renderer.render(sentence)
        wait_until(lambda: screen.played()[-2:] == [heard, heard], 30, "the priority call and its recall")
        assert screen.played().count(heard) == 2
        assert_real_announcement(heard)

        # The next call elsewhere: the priority ticket goes down to "Panggilan sebelumnya" with its mark.
        after = probe.command("2", "next")["ticket"]
        recent = screen.wait_tree(
            lambda t: t["call"]["code"] == after and not t["call"]["flashing"], 20, "the next call, calm"
        )
        recent = screen.snapshot("09-priority-recent")
        assert texts(recent, "recent-code")[0] == lane["ticket"]
        assert texts(recent, "recent-priority") == ["PRIORITAS"] and texts(recent, "call-priority") == []
        assert_priority_row(recent, ARTIFACTS / f"{label}-09-priority-recent.png", lane["ticket"])
        assert_fits(recent)
    finally:
        code = screen.stop()
    assert code == 0, screen.log_tail()
    log = screen.log_tail()
    assert "Traceback" not in log, log


@pytest.mark.timeout(300)
def test_english_with_a_logo_and_no_voice(
    tmp_path: Path, broker: Broker, hub: HubProcess, probe: Probe
) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(encode_png(2, 2, bytes([250, 180, 0, 255] * 4)))
    probe.issue("B")
    called = probe.command("2", "next")["ticket"]
    screen = DisplayProcess(
        tmp_path / "display", broker.url, (1920, 1080), "1920x1080-en", {"language": "en", "logo": str(logo)}
    )
    tree = screen.screenshot_once("01-english-logo")
    assert_running_text(ARTIFACTS / "1920x1080-en-01-english-logo.png", tree)  # "en" empty: the id text
    assert desks(tree) == {"Meja 2": called}
    assert texts(tree, "board-title") == ["NOW SERVING"]
    assert texts(tree, "call-title") == ["NOW CALLING"]
    assert texts(tree, "waiting-count") == ["0 waiting", "0 waiting"]
    assert texts(tree, "date")[0].split(",")[0] in {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    }  # fmt: skip
    assert tree["logo"] == str(logo)
    assert_fits(tree)


@pytest.mark.timeout(300)
def test_a_screenshot_without_a_broker_shows_the_overlay(tmp_path: Path) -> None:
    nobody = f"mqtt://127.0.0.1:{free_port()}"
    tree = DisplayProcess(tmp_path / "display", nobody, (1366, 768), "1366x768-no-broker").screenshot_once(
        "01-no-broker"
    )
    assert tree["overlay"] == {
        "visible": True,
        "title": OVERLAY_TITLE,
        "detail": "Layar ini tidak terhubung ke server pesan.",
    }
    assert texts(tree, "board-empty") == ["Belum ada meja yang buka"]
    assert_fits(tree)


OTHER_SHAPES = [(1080, 1920)] + ([(800, 600)] if FULL_MATRIX else [])  # the 4:3 in the full matrix


@pytest.mark.timeout(300)
@pytest.mark.parametrize("size", OTHER_SHAPES, ids=[f"{w}x{h}" for w, h in OTHER_SHAPES])
def test_a_portrait_tv_and_a_4_3_screen_show_everything_whole(
    size: tuple[int, int], tmp_path: Path, broker: Broker, hub: HubProcess, probe: Probe
) -> None:
    """What a newcomer saw: in portrait "A-004 / M...2", "WIB" without the time, "Kamis, 3" without the
    month, recent calls on top of each other; at 800x600 "Konsu...Statistik"."""
    width, height = size
    for service in "ABAABAAAAAAA":
        probe.issue(service)
    lane = probe.ask("k1", {"service": "A", "priority": True, "category": "lansia"})
    calls = {"1": probe.command("1", "next")["ticket"]}  # the priority ticket stands ahead
    assert calls["1"] == lane["ticket"]
    # The desks' states say when to the second: the other calls come a second later, so from a cold
    # start desk 1's is the oldest call (a previous one), whatever the order the states arrive in.
    time.sleep(1.05 - time.time() % 1)
    calls |= {desk: probe.command(desk, "next")["ticket"] for desk in ("2", "3", "4", "5")}
    screen = DisplayProcess(tmp_path / "display", broker.url, size, f"{width}x{height}")
    tree = screen.screenshot_once("01-five-desks", timeout=150)  # a cold start at 1080x1920 on a loaded box
    assert_running_text(ARTIFACTS / f"{width}x{height}-01-five-desks.png", tree)
    assert desks(tree) == {f"Meja {d}": code for d, code in calls.items()}
    assert tree["call"]["code"] in calls.values()  # from a cold start: a desk's retained call
    assert texts(tree, "clock")[0].endswith(("WIB", "WITA", "WIT")) and texts(tree, "clock")[0][0].isdigit()
    assert len(texts(tree, "date")[0].split()) == 4  # "Kamis, 3 Desember 2026": day, date, month, year
    assert texts(tree, "waiting-service") == ["A  Konsultasi Statistik", "B  Perpustakaan"]
    # Desk 1's priority ticket, the oldest call, is among the previous calls with its mark.
    assert tree["call"]["code"] != lane["ticket"] and lane["ticket"] in texts(tree, "recent-code")
    assert texts(tree, "recent-priority") == ["PRIORITAS"]
    assert_priority_row(tree, ARTIFACTS / f"{width}x{height}-01-five-desks.png", lane["ticket"])
    assert_fits(tree)  # nothing cut short, nothing on top of anything else
    sixteen_nine = min(height, width * 9 / 16)
    for label in (lb for lb in tree["labels"] if lb["role"] == "desk-code"):
        assert label["font_size"] >= 0.12 * sixteen_nine, label  # as big as on a 16:9 screen as wide
