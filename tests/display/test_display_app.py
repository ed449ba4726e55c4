"""The real wall display, offscreen, against a real Mosquitto and the real hub (8 desks, services
A and B), at the three screen sizes a lobby has. Each state is saved under ``artifacts/display/``
as a PNG (look at them) and the JSON of what the widget tree shows, which the asserts read."""

from __future__ import annotations

import array
import itertools
import shutil
import wave
from pathlib import Path

import pytest

from display.speech import call_sentence
from display.theme import THEME
from display.voice import RATE, VoiceRenderer
from shared.kivy_base.screenshot import encode_png
from tests.conftest import wait_for_hub_online
from tests.display.runner import ARTIFACTS, DisplayProcess, Tree, desks, pixel, texts, tile
from tests.support import Broker, HubProcess, Probe, free_port, wait_until

pytestmark = [
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"),
    pytest.mark.e2e,
]

SIZES = [(1366, 768), (1920, 1080), (3840, 2160)]
OVERLAY_TITLE = "Koneksi terputus — sedang menyambung kembali"


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


@pytest.mark.timeout(240)
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
        assert desks(back) == expected and texts(back, "waiting-count") == waiting

        # All eight desks open: the most crowded board, still readable from 6 m.
        for desk in ("5", "6", "7", "8"):
            probe.command(desk, "next", timeout=10)
        full = screen.wait_tree(lambda t: len(desks(t)) == 8, 20, "eight desks")
        full = screen.snapshot("07-eight-desks")
        assert [d for d in desks(full)] == [f"Meja {n}" for n in range(1, 9)]
        assert_fits(full)
        assert_readable_from_6_m(full)
        assert_readable_from_6_m(called)
    finally:
        code = screen.stop()
    assert code == 0, screen.log_tail()
    log = screen.log_tail()
    assert "Traceback" not in log, log


@pytest.mark.timeout(120)
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
    assert desks(tree) == {"Meja 2": called}
    assert texts(tree, "board-title") == ["NOW SERVING"]
    assert texts(tree, "call-title") == ["NOW CALLING"]
    assert texts(tree, "waiting-count") == ["0 waiting", "0 waiting"]
    assert texts(tree, "date")[0].split(",")[0] in {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    }  # fmt: skip
    assert tree["logo"] == str(logo)
    assert_fits(tree)


@pytest.mark.timeout(120)
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


OTHER_SHAPES = [(1080, 1920), (800, 600)]


@pytest.mark.timeout(180)
@pytest.mark.parametrize("size", OTHER_SHAPES, ids=[f"{w}x{h}" for w, h in OTHER_SHAPES])
def test_a_portrait_tv_and_a_4_3_screen_show_everything_whole(
    size: tuple[int, int], tmp_path: Path, broker: Broker, hub: HubProcess, probe: Probe
) -> None:
    """What a newcomer saw: in portrait "A-004 / M...2", "WIB" without the time, "Kamis, 3" without the
    month, recent calls on top of each other; at 800x600 "Konsu...Statistik"."""
    width, height = size
    for service in "ABAABAAAAAAA":
        probe.issue(service)
    calls = {desk: probe.command(desk, "next")["ticket"] for desk in ("1", "2", "3", "4", "5")}
    screen = DisplayProcess(tmp_path / "display", broker.url, size, f"{width}x{height}")
    tree = screen.screenshot_once("01-five-desks")
    assert desks(tree) == {f"Meja {d}": code for d, code in calls.items()}
    assert tree["call"]["code"] in calls.values()  # from a cold start: a desk's retained call
    assert texts(tree, "clock")[0].endswith(("WIB", "WITA", "WIT")) and texts(tree, "clock")[0][0].isdigit()
    assert len(texts(tree, "date")[0].split()) == 4  # "Kamis, 3 Desember 2026": day, date, month, year
    assert texts(tree, "waiting-service") == ["A  Konsultasi Statistik", "B  Perpustakaan"]
    assert_fits(tree)  # nothing cut short, nothing on top of anything else
    sixteen_nine = min(height, width * 9 / 16)
    for label in (lb for lb in tree["labels"] if lb["role"] == "desk-code"):
        assert label["font_size"] >= 0.12 * sixteen_nine, label  # as big as on a 16:9 screen as wide
