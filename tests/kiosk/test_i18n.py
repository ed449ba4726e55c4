"""The kiosk's texts and the touch toolkit's (``kiosk.touch.texts``: the keyboard, the guestbook's
field errors): both languages complete, every guestbook error code translated, and every character
drawable by the font the app uses (Kivy's Roboto has no glyph for some symbols)."""

from __future__ import annotations

import ast
import importlib.util
import re
import string
from pathlib import Path

import pytest

from kiosk import texts
from kiosk.touch import texts as touch_texts
from shared.domain import guestbook
from shared.texts import LANGUAGES


@pytest.mark.parametrize("catalog", [texts.TEXTS, touch_texts.TEXTS], ids=["kiosk", "touch"])
def test_both_languages_have_the_same_keys_and_placeholders(catalog: dict[str, dict[str, str]]) -> None:
    assert set(catalog["id"]) == set(catalog["en"])
    for key, text in catalog["id"].items():
        assert re.findall(r"\{(\w+)\}", text) == re.findall(r"\{(\w+)\}", catalog["en"][key]), key


def _result_strings(node: ast.AST) -> set[str]:
    """The string constants an expression can evaluate to (``"a" if x else "b"`` gives both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _result_strings(node.body) | _result_strings(node.orelse)
    if isinstance(node, ast.BoolOp):
        return set().union(*(_result_strings(v) for v in node.values))
    return set()


def _codes_returned_by_guestbook() -> set[str]:
    """Every string literal the guestbook returns or stores as a field's error code."""
    tree = ast.parse(Path(guestbook.__file__).read_text())
    codes: set[str] = set()
    for node in ast.walk(tree):
        returned = isinstance(node, ast.Return) and node.value is not None
        stored = isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript)
        if not (returned or stored):
            continue
        codes.update(_result_strings(node.value))  # type: ignore[attr-defined]
    return codes


def test_every_guestbook_error_code_is_translated() -> None:
    found = _codes_returned_by_guestbook()
    assert {"required", "nik_invalid", "email_invalid", "phone_invalid"} <= found
    assert found <= set(touch_texts.FIELD_ERROR_CODES), found - set(touch_texts.FIELD_ERROR_CODES)
    for code in touch_texts.FIELD_ERROR_CODES:
        for language in LANGUAGES:
            message = touch_texts.field_error(language, "name", code)
            assert message and "{" not in message


def test_limits_are_in_the_messages() -> None:
    short = touch_texts.field_error("id", "purpose", "too_short")
    assert short == "Terlalu pendek: paling sedikit 5 huruf atau angka."
    assert touch_texts.field_error("en", "name", "too_long") == "Too long: at most 100 letters or digits."


def test_hub_and_printer_situations() -> None:
    assert texts.hub_error("id", "timeout").startswith("Sistem antrean tidak menjawab")
    assert texts.hub_error("en", "made_up") == "The request could not be handled (code: made_up)."
    assert texts.printer_problem("id", "paper_out") == "Kertas printer tiket habis."
    assert texts.printer_problem("en", "smoke") == "The ticket printer has a problem."
    assert texts.ahead_text("en", 1) == "1 person waiting before you"
    assert texts.wait_text("id", 0) == ""


def _glyph_mask(font: object, char: str) -> bytes:
    mask = font.getmask(char)  # type: ignore[attr-defined]
    return bytes(mask) + bytes(str(mask.size), "ascii")


@pytest.mark.parametrize("font_file", ["Roboto-Regular.ttf", "Roboto-Bold.ttf"])
def test_the_kiosk_font_draws_every_character(font_file: str) -> None:
    pytest.importorskip("PIL")
    from PIL import ImageFont

    spec = importlib.util.find_spec("kivy")  # found, not imported: Kivy would take over logging here
    assert spec is not None and spec.origin is not None
    path = Path(spec.origin).parent / "data" / "fonts" / font_file
    font = ImageFont.truetype(str(path), 40)
    missing_glyph = _glyph_mask(font, "\ue000")  # a private-use code point: the font's empty box
    by_language = [*texts.TEXTS.values(), *touch_texts.TEXTS.values()]
    chars = {c for by_key in by_language for text in by_key.values() for c in text}
    chars |= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789*@")
    special = sorted(c for c in chars if c not in string.printable or c in "@*")
    undrawable = [c for c in special if _glyph_mask(font, c) == missing_glyph]
    assert undrawable == [], f"{font_file} has no glyph for {undrawable}"
    assert _glyph_mask(font, "\u2328") == missing_glyph  # the check can see a missing glyph
