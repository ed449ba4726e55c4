"""The counter's words for what goes wrong and for the keypad: every refusal code an officer can meet
reads as a sentence in both languages (held to docs/mqtt.md's error table and to the staff API's
routes), an unknown code gets a generic sentence with the code after it, the keypad's backspace is
called what the kiosk's keyboard calls it, and a wall display whose voice failed is told."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from counter import texts
from counter.staff_client import StaffError
from counter.texts_errors import ERRORS_EN, ERRORS_ID
from counter.view import VOICE_DETAIL_SHOWN, build_view
from kiosk.touch import texts as kiosk_texts
from shared.contract import staff_api
from shared.contract import topics as contract
from tests.counter.fakes import refusal
from tests.counter.test_viewmodel import make, signed_in
from tests.shared.contract.test_contract_doc import DOC, doc_codes

DOC_CODES = sorted(doc_codes(DOC.read_text(encoding="utf-8")))
STAFF_CODES = sorted({code for route in staff_api.ROUTES for _status, code in route.errors})
STAFF_CODES.append(staff_api.NOT_FOUND[1])
GENERIC = re.compile(r"\((kode|code): ")


def assert_a_sentence(text: str, code: str) -> None:
    """Words, not the code: no generic fallback, no catalog key, the code not shown."""
    assert not GENERIC.search(text), f"{code!r} falls back to the generic sentence: {text!r}"
    assert "err." not in text and text != code
    if "_" in code:
        assert code not in text, f"{code!r} is shown raw: {text!r}"
    assert text.endswith((".", "?")) and len(text.split()) >= 3, text


def test_the_tables_were_found() -> None:
    assert {"bad_json", "bad_request", "nobody_waiting", "desk_closed", "busy"} <= set(DOC_CODES)
    assert {"bad_pin", "slow_down", "signed_out", "session_revoked", "closed"} <= set(STAFF_CODES)
    assert ERRORS_ID.keys() == ERRORS_EN.keys()


@pytest.mark.parametrize("code", DOC_CODES)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_code_of_the_contracts_error_table_has_a_sentence(code: str, lang: str) -> None:
    assert texts.CATALOG.has(lang, f"err.{code}"), f"no err.{code} in {lang}"
    assert_a_sentence(texts.error_text(code, lang), code)


@pytest.mark.parametrize("code", STAFF_CODES)
@pytest.mark.parametrize("context", ["", "signin", "online"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_staff_api_code_has_a_sentence_wherever_it_is_shown(code: str, context: str, lang: str) -> None:
    assert_a_sentence(texts.error_text(code, lang, context), code)


@pytest.mark.parametrize(
    ("lang", "start"),
    [("id", "Server antrean menolak"), ("en", "The queue server refused"), ("id", "Gagal masuk")],
)
def test_an_unknown_code_gets_a_generic_sentence_with_the_code_after_it(lang: str, start: str) -> None:
    context = "signin" if start == "Gagal masuk" else ""
    text = texts.error_text("zz_new_code", lang, context)
    assert text.startswith(start) and text.endswith("zz_new_code).")
    assert texts.error_text("http_500", "id", "online").startswith("Server antrean menolak ini")


def test_a_refusal_reaches_the_officer_as_a_sentence_never_a_bare_code() -> None:
    vm, _staff, link, _clock = signed_in()
    vm.press("next")
    vm.on_response(refusal(link.sent[-1]["request_id"], "bad_request"))
    shown = build_view(vm).answer_text
    assert shown.startswith("Server antrean tidak mengerti perintah") and "bad_request" not in shown
    vm.on_response(refusal(None, "frobnicated"))  # a code newer than this app, from a desk button
    shown = build_view(vm).answer_text
    assert (
        shown.startswith("Tombol meja: Server antrean menolak perintah ini.")
        and "(kode: frobnicated)" in shown
    )


def test_a_sign_in_refused_with_an_unknown_code_reads_as_a_sentence() -> None:
    vm, staff, *_ = make()
    staff.signin_error = StaffError("http_502", 502)
    vm.sign_in("budi", "246813")
    shown = build_view(vm).signin_error
    assert shown.startswith("Gagal masuk. Coba lagi") and shown.endswith("(kode: http_502).")
    staff.signin_error = StaffError("storage_error", 503)
    vm.sign_in("budi", "246813")
    assert build_view(vm).signin_error == "Server gagal menyimpan; tidak ada yang tersimpan. Coba lagi."


@pytest.mark.parametrize("lang", ["id", "en"])
def test_backspace_is_called_as_on_the_kiosk_keyboard_and_clear_is_clear_all(lang: str) -> None:
    backspace = texts.t(lang, "signin.back")
    assert backspace == kiosk_texts.t(lang, "kbd.backspace")
    assert texts.t(lang, "signin.clear") == {"id": "Hapus semua", "en": "Clear all"}[lang]
    assert "Mundur" not in texts.t(lang, "signin.clear") + backspace


def status(display: str, audio: str, detail: str | None = None) -> bytes:
    return contract.encode({"display": display, "audio": audio, "detail": detail, "at": None})


def test_a_display_whose_voice_failed_is_a_warning_and_ok_says_nothing() -> None:
    vm, *_ = signed_in()
    vm.on_display_status("lobby-tv", status("lobby-tv", "ready"))
    assert (build_view(vm).voice_text, build_view(vm).voice_kind) == ("", "")
    vm.on_display_status(
        "lobby-tv", status("lobby-tv", "failed", "aplay: audio open error: No such file or directory")
    )
    view = build_view(vm)
    assert view.voice_kind == "warning"
    assert view.voice_text == (
        "Suara layar antrean lobby-tv tidak terdengar: aplay: audio open error: No such file or "
        "directory — panggil pengunjung secara lisan dan periksa speaker layar."
    )
    vm.set_language("en")
    assert build_view(vm).voice_text.startswith("The queue display lobby-tv cannot be heard: aplay:")
    vm.set_language("id")
    vm.on_display_status(
        "hall-tv", status("hall-tv", "off")
    )  # a second display, voice turned off: a quiet note
    assert build_view(vm).voice_text.endswith("\nSuara layar antrean hall-tv dimatikan.")
    assert build_view(vm).voice_kind == "warning"
    vm.on_display_status("lobby-tv", status("lobby-tv", "ok"))
    view = build_view(vm)
    assert (view.voice_text, view.voice_kind) == ("Suara layar antrean hall-tv dimatikan.", "info")
    vm.on_display_status("hall-tv", b"")  # the retained status cleared: the display is gone
    assert build_view(vm).voice_text == ""


def test_a_kiosk_whose_spoken_guide_is_not_heard_is_a_warning_too() -> None:
    """Issue 18: the kiosk's status carries its spoken guide's sound; a failure is told after the
    displays' voices, a guide turned off or heard says nothing."""
    vm, *_ = signed_in()
    heard = contract.kiosk_status("k1", "ready", None, datetime.now(UTC), "ok")
    vm.on_kiosk_status("k1", contract.encode(heard))
    assert (build_view(vm).voice_text, build_view(vm).voice_kind) == ("", "")
    mute = contract.kiosk_status("k1", "ready", None, datetime.now(UTC), "failed", "aplay: audio open error.")
    vm.on_kiosk_status("k1", contract.encode(mute))
    view = build_view(vm)
    assert (view.voice_text, view.voice_kind) == (
        "Panduan suara kiosk k1 tidak terdengar: aplay: audio open error.",
        "warning",
    )
    vm.on_display_status("tv", status("tv", "off"))
    assert build_view(vm).voice_text == (
        "Suara layar antrean tv dimatikan.\nPanduan suara kiosk k1 tidak terdengar: aplay: audio open error."
    )
    vm.set_language("en")
    assert build_view(vm).voice_text.endswith(
        "The kiosk k1's spoken guide cannot be heard: aplay: audio open error."
    )
    off = contract.kiosk_status("k1", "ready", None, datetime.now(UTC), "off")
    vm.on_kiosk_status("k1", contract.encode(off))
    assert build_view(vm).voice_kind == "info"


def test_a_long_or_missing_detail_and_a_malformed_status() -> None:
    vm, *_ = signed_in()
    vm.on_display_status("tv", status("tv", "failed", "x" * 500))
    text = build_view(vm).voice_text
    assert "x" * (VOICE_DETAIL_SHOWN - 3) + "..." in text and "x" * VOICE_DETAIL_SHOWN not in text
    vm.on_display_status("tv", status("tv", "failed"))
    assert "tv tidak terdengar: sebab tidak diketahui —" in build_view(vm).voice_text
    vm.on_display_status("tv", contract.encode({"display": "tv", "audio": "loud"}))
    assert vm.malformed == 1 and "sebab tidak diketahui" in build_view(vm).voice_text  # the last good one


def test_a_printer_state_is_told_in_words_never_raw() -> None:
    vm, *_ = signed_in()
    vm.on_kiosk_status("k1", contract.encode({"kiosk": "k1", "printer": "ready", "pending_reprint": "A-007"}))
    assert build_view(vm).printer_text == "Printer kiosk k1: siap, tiket A-007 belum tercetak"
    vm.on_kiosk_status("k1", contract.encode({"kiosk": "k1", "printer": "jammed", "pending_reprint": "A-8"}))
    shown = build_view(vm).printer_text
    assert shown == "Printer kiosk k1: keadaan tidak dikenal; periksa kiosk, tiket A-8 belum tercetak"
