"""The guestbook refuses what no visitor types on purpose: invisible and format characters, lone
surrogates, and digits of other scripts in ID numbers (issue 14's findings, reproduced)."""

from __future__ import annotations

import json

import pytest

from shared.contract.codec import PayloadError
from shared.contract.kiosk_requests import parse_kiosk_request
from shared.domain import guestbook

GOOD = {
    "name": "Siti Aminah",
    "id_type": "ktp",
    "id_number": "1808014101900001",
    "email": "siti@example.id",
    "phone": "081234567890",
    "institution": "Universitas Lampung",
    "purpose": "Data IPM kecamatan 2025",
}

INVISIBLE = {
    "\u061c": "Arabic letter mark",
    "\ufeff": "byte order mark / zero-width no-break space",
    "\u2060": "word joiner",
    "\u00ad": "soft hyphen",
    "\u200b": "zero-width space",
    "\u202e": "right-to-left override",
    "\u2028": "line separator",
    "\x1b": "escape",
    "\x00": "NUL",
    "\ue000": "private use",
    "\ud83d": "lone surrogate",
}


def errors_for(**changes: str) -> dict[str, str]:
    return guestbook.field_errors(guestbook.clean({**GOOD, **changes}))


def test_the_good_entry_passes() -> None:
    assert errors_for() == {}


@pytest.mark.parametrize("char", INVISIBLE, ids=INVISIBLE.values())
@pytest.mark.parametrize("field", ["name", "institution", "purpose", "email"])
def test_invisible_and_format_characters_are_refused_on_the_field(field: str, char: str) -> None:
    value = GOOD[field]
    middle = len(value) // 2
    errors = errors_for(**{field: value[:middle] + char + value[middle:]})
    assert errors.get(field) == "control_chars"


def test_names_in_other_scripts_and_accents_are_welcome() -> None:
    assert errors_for(name="Ni Luh Putu Ayu Déwi") == {}
    assert errors_for(name="Muhammad 'Abdullah") == {}


@pytest.mark.parametrize(
    ("id_type", "number"),
    [
        ("ktp", "١٨٠٨٠١٤١٠١٩٠٠٠٠١"),  # Arabic-Indic digits
        ("ktp", "１８０８０１４１０１９０００００１"),  # full-width digits
        ("sim", "١٢٣٤٥٦٧٨٩٠١٢"),
    ],
)
def test_id_numbers_take_ascii_digits_only(id_type: str, number: str) -> None:
    errors = errors_for(id_type=id_type, id_number=number)
    assert "id_number" in errors


@pytest.mark.parametrize(("id_type", "number"), [("sim", "123456789012\n"), ("paspor", "B1234567\n")])
def test_a_trailing_newline_does_not_slip_past_the_number_rules(id_type: str, number: str) -> None:
    """``clean`` trims a typed entry, but the rules themselves must not lean on it (``$`` matches
    before a final newline; ``fullmatch`` does not)."""
    assert guestbook.id_number_problem(id_type, number) is not None


def test_phone_takes_ascii_digits_only() -> None:
    assert errors_for(phone="٠٨١٢٣٤٥٦٧٨٩٠").get("phone") == "phone_invalid"


def test_a_lone_surrogate_in_a_kiosk_request_is_refused_not_stored() -> None:
    """A name with a lone surrogate passed the rules and then broke the database insert, leaving
    the kiosk without an answer: the contract now refuses it, echoing the request id."""
    guest = {**GOOD, "name": "Siti \ud83d", "consent": True}
    body = {"v": 1, "request_id": "k1-1", "service": "A", "guest": guest}
    raw = json.dumps(body).encode()  # json escapes it as \ud83d, as a rogue client would send
    with pytest.raises(PayloadError) as caught:
        parse_kiosk_request(raw)
    assert caught.value.request_id == "k1-1"
    assert caught.value.code == "bad_json"
    assert "Siti" not in caught.value.message
