"""Unit tests of shared/contract/kiosk_requests.py: the payloads of kiosk/{kiosk_id}/request."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.contract import kiosk_requests
from shared.contract import topics as contract
from shared.contract.codec import PayloadError
from shared.contract.kiosk_requests import parse_kiosk_request


def refused(code: str, raw: bytes, parse: Any = parse_kiosk_request) -> PayloadError:
    with pytest.raises(PayloadError) as caught:
        parse(raw)
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- kiosk requests ----------------------------------------------------------------------------

GUEST = {
    "name": "Siti Aminah",
    "id_type": "ktp",
    "id_number": "1808014101900001",
    "email": "siti@example.id",
    "phone": "081234567890",
    "institution": "Universitas Lampung",
    "purpose": "Data IPM kecamatan 2025",
    "consent": True,
}
REQUIRED = ("name", "id_type", "id_number", "email", "purpose")


def kiosk(guest: Any = GUEST, **fields: Any) -> bytes:
    body: dict[str, Any] = {"v": 1, "request_id": "k1-5f2c", "service": "A", **fields}
    if guest is not None:
        body["guest"] = guest
    return json.dumps(body).encode()


def guest_with(**changes: Any) -> dict[str, Any]:
    guest = {**GUEST, **changes}
    return {key: value for key, value in guest.items() if value is not ...}


def refused_guest(code: str, guest: Any) -> PayloadError:
    error = refused(code, kiosk(guest), parse_kiosk_request)
    assert error.request_id == "k1-5f2c"
    if not isinstance(guest, dict):
        return error
    for name in ("name", "id_number", "email", "phone", "purpose"):
        value = guest.get(name)
        if isinstance(value, str) and len(value) > 3:
            assert value not in error.message, "an error message must not echo personal data"
    return error


def test_valid_request_with_guest() -> None:
    request = parse_kiosk_request(kiosk())
    assert request.request_id == "k1-5f2c"
    assert request.service == "A"
    assert request.guest == kiosk_requests.Guest(**GUEST)


def test_the_contract_example_is_a_valid_request() -> None:
    request = parse_kiosk_request(contract.SPECS["kiosk_request"].example.encode())
    assert request.guest is not None
    assert request.guest.name == "Siti Aminah"


def test_valid_request_without_guest() -> None:
    assert parse_kiosk_request(kiosk(None)) == kiosk_requests.KioskRequest("k1-5f2c", "A", None)


def test_guest_text_is_trimmed_and_id_type_lower_cased() -> None:
    request = parse_kiosk_request(kiosk(guest_with(name="  Siti Aminah\n", id_type="KTP", phone=...)))
    assert request.guest is not None
    assert request.guest.name == "Siti Aminah"
    assert request.guest.id_type == "ktp"
    assert request.guest.phone == ""


@pytest.mark.parametrize("field", REQUIRED)
@pytest.mark.parametrize("missing", [..., "", "   "], ids=["absent", "empty", "blank"])
def test_each_required_guest_field(field: str, missing: Any) -> None:
    error = refused_guest("bad_guest", guest_with(**{field: missing}))
    assert f"guest.{field}" in error.message


@pytest.mark.parametrize("field", ["phone", "institution"])
def test_optional_guest_fields(field: str) -> None:
    request = parse_kiosk_request(kiosk(guest_with(**{field: ...})))
    assert request.guest is not None
    assert getattr(request.guest, field) == ""


@pytest.mark.parametrize("field", list(kiosk_requests.GUEST_LIMITS))
@pytest.mark.parametrize("value", [1, 1.5, True, None, ["Siti"], {"x": 1}])
def test_guest_fields_must_be_text(field: str, value: Any) -> None:
    error = refused_guest("bad_guest", guest_with(**{field: value}))
    assert f"guest.{field}" in error.message


@pytest.mark.parametrize("guest", ["Siti", ["Siti"], 1, True])
def test_guest_must_be_an_object(guest: Any) -> None:
    refused_guest("bad_guest", guest)


@pytest.mark.parametrize("service", [..., "", 1, None, ["A"]])
def test_service_must_be_a_string(service: Any) -> None:
    body = {"v": 1, "request_id": "k1-1", "guest": GUEST}
    if service is not ...:
        body["service"] = service
    refused("bad_request", json.dumps(body).encode(), parse_kiosk_request)


@pytest.mark.parametrize(
    "value",
    ["Siti\nAminah", "Siti\x00", "Siti\x1b[31m", "Si\tti", "Siti\x7fAminah", "a\rb"],
    ids=["newline", "nul", "escape", "tab", "del", "cr"],
)
@pytest.mark.parametrize("field", ["name", "id_number", "email", "institution", "purpose"])
def test_control_characters_are_refused(field: str, value: str) -> None:
    if field == "email":
        value += "@example.id"
    error = refused_guest("bad_guest", guest_with(**{field: value}))
    assert "control" in error.message


@pytest.mark.parametrize("char", ["\x85", "\x9b", "\u202e"], ids=["NEL", "CSI", "RLO"])
def test_c1_control_characters_are_refused(char: str) -> None:
    refused_guest("bad_guest", guest_with(name=f"Siti{char}Aminah"))


LONGEST = {
    # field: (the longest accepted value, one character more), with a fitting ID type
    "name": ("x" * 100, "x" * 101),
    "id_type": ("lainnya", "l" * 11),
    "id_number": ("x" * 32, "x" * 33),
    "email": ("s@" + ("e" * 63 + ".") * 3 + "e" * 57 + ".id", "s@" + ("e" * 63 + ".") * 3 + "e" * 58 + ".id"),
    "phone": ("+" + "6" * 15, "+" + "6" * 16),
    "institution": ("x" * 120, "x" * 121),
    "purpose": ("x" * 500, "x" * 501),
}


@pytest.mark.parametrize("field", list(kiosk_requests.GUEST_LIMITS))
def test_too_long_guest_fields(field: str) -> None:
    value_ok, value_long = LONGEST[field]
    base = {"id_type": "lainnya"} if field == "id_number" else {}
    assert parse_kiosk_request(kiosk(guest_with(**base, **{field: value_ok}))).guest is not None
    error = refused_guest("bad_guest", guest_with(**base, **{field: value_long}))
    assert f"guest.{field}" in error.message


@pytest.mark.parametrize("email", ["s@", "siti.example.id", "s@e", "siti@@example.id", "siti@exa mple.id"])
def test_a_malformed_email_is_refused(email: str) -> None:
    error = refused_guest("bad_guest", guest_with(email=email))
    assert "guest.email" in error.message


def test_a_short_well_formed_email_is_accepted() -> None:
    assert parse_kiosk_request(kiosk(guest_with(email="s@e.id"))).guest is not None


@pytest.mark.parametrize(
    ("id_type", "number", "code"),
    [
        ("ktp", "180801410190000", "nik_length"),
        ("ktp", "1808013213900001", "nik_invalid"),  # day 32 of month 13: no such birth date
        ("ktp", "9908014101900001", "nik_invalid"),  # no province 99
        ("sim", "12345", "sim_invalid"),
        ("paspor", "A12B", "passport_invalid"),
    ],
)
def test_an_id_number_that_does_not_fit_its_type_is_refused(id_type: str, number: str, code: str) -> None:
    error = refused_guest("bad_guest", guest_with(id_type=id_type, id_number=number))
    assert f"guest.id_number: {code}" in error.message


ID_EXAMPLES = {
    "ktp": "1808014101900001",
    "sim": "120012345678",
    "paspor": "C1234567",
    "lainnya": "KTM-2021-77",
}


@pytest.mark.parametrize("id_type", kiosk_requests.ID_TYPES)
def test_known_id_types(id_type: str) -> None:
    request = parse_kiosk_request(kiosk(guest_with(id_type=id_type.upper(), id_number=ID_EXAMPLES[id_type])))
    assert request.guest is not None
    assert request.guest.id_type == id_type


@pytest.mark.parametrize("id_type", ["nik", "passport", "k t p", "ktp2"])
def test_unknown_id_type(id_type: str) -> None:
    error = refused_guest("bad_guest", guest_with(id_type=id_type))
    assert "id_type" in error.message


@pytest.mark.parametrize("consent", [..., False, None, "true", 1, "yes"])
def test_no_consent(consent: Any) -> None:
    refused_guest("no_consent", guest_with(consent=consent))


def test_kiosk_request_envelope_errors() -> None:
    refused("bad_json", b"{", parse_kiosk_request)
    refused("bad_version", kiosk(v=2), parse_kiosk_request)
    refused("bad_request", kiosk(request_id=""), parse_kiosk_request)
    refused("too_large", kiosk(pad="x" * contract.MAX_PAYLOAD_BYTES), parse_kiosk_request)


def test_guest_repr_hides_personal_data() -> None:
    request = parse_kiosk_request(kiosk())
    guest = request.guest
    assert guest is not None
    for text in (repr(guest), str(guest), repr(request), str(request), f"{guest}", f"{[guest]}"):
        for secret in ("Siti", "Aminah", "siti@example.id", "1808014101900001", "081234567890"):
            assert secret not in text
        assert "Data IPM" not in text
        assert "Universitas" not in text
    assert "0001" in repr(guest), "staff may see the last 4 digits of the ID number"
