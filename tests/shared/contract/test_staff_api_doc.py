"""docs/staff-api.md is held equal to shared/contract/staff_api.py: the route table to ``ROUTES``,
each route's section (summary, example bodies, refusals) to its ``Route``, and the error table to
the codes the hub's staff side actually answers (the way test_contract_doc.py holds docs/mqtt.md)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from broker.hub import staff
from shared.contract import staff_api as api
from tests.shared.contract.test_contract_doc import code_cell, the_table

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "staff-api.md"
ROUTE_HEADER = ("route", "method", "path", "query", "auth", "success")
ERROR_HEADER = ("code", "status", "meaning")
HEADING = re.compile(r"^### `(\w+)`: `(GET|POST) (\S+)`$", re.M)
# Where the staff side refuses: (file, the pattern of a refusal with its code, the status group).
SOURCES = (
    (ROOT / "broker" / "hub" / "staff.py", re.compile(r"_error\(\s*(\d+),\s*\"(\w+)\"")),
    (ROOT / "broker" / "console" / "api.py", re.compile(r"_error\(\s*(\d+),\s*\"(\w+)\"")),
    (ROOT / "broker" / "hub" / "staff_signin.py", re.compile(r"_error\(\s*(\d+),\s*\"(\w+)\"")),
)
# OnlineError codes (the store's and those staff.py raises as one) answer with _ONLINE_STATUS.
ONLINE_SOURCES = (ROOT / "shared" / "store" / "online.py", ROOT / "broker" / "hub" / "staff.py")
CLOSE_REFUSALS = {"desk_busy": 409}  # sign-out closes the desk: the domain's refusal of a close


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def query_cell(route: api.Route) -> str:
    if not route.query:
        return "-"
    return "; ".join(
        f"`{q.name}`: " + ", ".join(f"`{c}`" for c in q.choices) + f" (default `{q.default}`)"
        for q in route.query
    )


def doc_routes(text: str) -> dict[str, tuple[str, ...]]:
    rows = the_table(text, ROUTE_HEADER)
    keys = [code_cell(row[0]) for row in rows]
    assert len(keys) == len(set(keys)), f"a route is listed twice: {keys}"
    return {code_cell(row[0]): row[1:] for row in rows}


def module_routes() -> dict[str, tuple[str, ...]]:
    return {
        r.key: (
            f"`{r.method}`",
            f"`{r.path}`",
            query_cell(r),
            "bearer" if r.auth else "none",
            f"`{r.status}`",
        )
        for r in api.ROUTES
    }


def _json_after(section: str, label: str) -> Any:
    found = re.search(re.escape(label) + r"\n\n```json\n(.*?)\n```", section, re.S)
    return json.loads(found.group(1)) if found else None


def doc_sections(text: str) -> dict[str, dict[str, Any]]:
    """Each route's section: its heading, summary (whitespace-normalised), bodies and refusals."""
    text = text.split("\n## Error codes", 1)[0]
    headings = list(HEADING.finditer(text))
    sections: dict[str, dict[str, Any]] = {}
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        body = text[heading.end() : end]
        answer = re.search(r"^Answer `(\d+)`:$", body, re.M)
        refusals = re.search(r"^Refused with: (.*)$", body, re.M)
        assert heading.group(1) not in sections, f"route {heading.group(1)} has two sections"
        sections[heading.group(1)] = {
            "method": heading.group(2),
            "path": heading.group(3),
            "prose": " ".join(body.split()),
            "request": _json_after(body, "Request body:"),
            "status": int(answer.group(1)) if answer else None,
            "response": _json_after(body, f"Answer `{answer.group(1)}`:") if answer else None,
            "errors": tuple(
                (int(s), c) for s, c in re.findall(r"`(\d+) (\w+)`", refusals.group(1) if refusals else "")
            ),
        }
    return sections


def section_of(route: api.Route) -> dict[str, Any]:
    return {
        "method": route.method,
        "path": route.path,
        "request": None if route.request is None else json.loads(json.dumps(route.request)),
        "status": route.status,
        "response": json.loads(json.dumps(route.response)),
        "errors": route.errors,
    }


def doc_errors(text: str) -> set[tuple[int, str]]:
    rows = the_table(text, ERROR_HEADER)
    codes = [code_cell(row[0]) for row in rows]
    assert len(codes) == len(set(codes)), f"an error code is listed twice: {codes}"
    return {(int(code_cell(status)), code_cell(code)) for code, status, _ in rows}


def module_errors() -> set[tuple[int, str]]:
    return {error for route in api.ROUTES for error in route.errors} | {api.NOT_FOUND}


# --- the real document -------------------------------------------------------------------------


def test_route_table_equals_routes() -> None:
    assert doc_routes(doc_text()) == module_routes()


def test_each_route_section_equals_its_route() -> None:
    sections = doc_sections(doc_text())
    assert list(sections) == [route.key for route in api.ROUTES], "one section per route, in order"
    for route in api.ROUTES:
        documented = sections[route.key]
        assert " ".join(route.summary.split()) in documented.pop("prose"), f"{route.key}: summary"
        assert documented == section_of(route), f"the section of {route.key} differs from its Route"


def test_error_table_equals_the_refusals_of_the_routes() -> None:
    assert doc_errors(doc_text()) == module_errors()


def test_the_hub_answers_exactly_the_declared_refusals() -> None:
    """Every refusal the staff side can answer is declared with its status, and every declared
    one is answered somewhere."""
    raised: set[tuple[int, str]] = {api.NOT_FOUND} | {(s, c) for c, s in CLOSE_REFUSALS.items()}
    for path, pattern in SOURCES:
        raised |= {(int(status), code) for status, code in pattern.findall(path.read_text(encoding="utf-8"))}
    online_codes = [
        code
        for path in ONLINE_SOURCES
        for code in re.findall(r"OnlineError\(\s*\"(\w+)\"", path.read_text(encoding="utf-8"))
    ]
    raised |= {(staff._ONLINE_STATUS.get(code, 400), code) for code in online_codes}
    assert {"bad_pin", "bad_json", "bad_channel"} <= {c for _, c in raised}, "the scan found nothing"
    assert raised == module_errors()


def test_every_path_in_the_doc_is_a_route() -> None:
    for path in set(re.findall(r"`(?:GET|POST) (/api/\S+)`", doc_text())):
        assert path in {route.path for route in api.ROUTES}, path


# --- the checker itself fails on a doc that drifted -------------------------------------------


def _edit(old: str, new: str) -> str:
    text = doc_text()
    assert old in text
    return text.replace(old, new, 1)


def test_a_removed_route_row_is_caught() -> None:
    text = "\n".join(line for line in doc_text().splitlines() if not line.startswith("| `visitor` |"))
    assert doc_routes(text) != module_routes()


@pytest.mark.parametrize("old", ["| `POST` | `/api/v1/signout`", "| bearer | `201` |", "(default `open`)"])
def test_a_changed_route_cell_is_caught(old: str) -> None:
    new = {"| `POST` | `/api/v1/signout`": "| `GET` | `/api/v1/signout`"}.get(
        old, old.replace("201", "200").replace("open`)", "due`)")
    )
    assert doc_routes(_edit(old, new)) != module_routes()


def test_a_changed_example_is_caught() -> None:
    sections = doc_sections(_edit('"officer_name": "Budi Santoso"', '"officer": "Budi Santoso"'))
    assert sections["signin"] != {**section_of(api.ROUTE["signin"]), "prose": sections["signin"]["prose"]}


def test_a_missing_refusal_is_caught() -> None:
    sections = doc_sections(_edit(", `429 slow_down`", ""))
    assert sections["signin"]["errors"] != api.ROUTE["signin"].errors


def test_a_changed_error_status_is_caught() -> None:
    assert doc_errors(_edit("| `slow_down` | `429` |", "| `slow_down` | `423` |")) != module_errors()


def test_a_route_added_to_the_module_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = replace(api.ROUTE["visitor"], key="visitors", path="/api/v1/visitors")
    monkeypatch.setattr(api, "ROUTES", (*api.ROUTES, extra))
    assert doc_routes(doc_text()) != module_routes()
