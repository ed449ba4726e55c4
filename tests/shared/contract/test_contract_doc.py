"""docs/mqtt.md is held equal to shared/contract/topic_table.py: the topic table to ``TOPICS``, the error-code
table to the codes the contract and the domain actually raise."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from shared.contract import kiosk_requests
from shared.contract import topics as contract

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "mqtt.md"
TOPIC_HEADER = ("topic", "producer", "consumers", "retained", "example")
CODE_HEADER = ("code", "raised by", "meaning")
# A code is raised as PayloadError("code", ...) / QueueError("code", ...), refused by the hub's
# intake as Refusal("code", ...), or answered directly with error_answer(request_id, "code", ...).
RAISED = re.compile(r"(?:(?:PayloadError|QueueError|Refusal)\(\s*|error_answer\(\s*[\w.]+,\s*)\"(\w+)\"")
SOURCES = {
    "contract": tuple(
        ROOT / "shared" / "contract" / f"{name}.py"
        for name in ("topics", "topic_table", "codec", "limits", "counter_commands", "payloads")
    ),
    "kiosk_requests": ROOT / "shared" / "contract" / "kiosk_requests.py",
    "domain": (ROOT / "shared" / "domain" / "queue.py", ROOT / "shared" / "domain" / "desk_actions.py"),
    "hub": tuple(
        ROOT / "broker" / "hub" / f"{name}.py"
        for name in ("handlers", "transactions", "ingress", "desk_guard")
    ),
    "feedback_requests": ROOT / "shared" / "contract" / "feedback_requests.py",
    "ratings": ROOT / "shared" / "store" / "ratings.py",
    "complaints": ROOT / "shared" / "store" / "complaints.py",
    "hub_feedback": ROOT / "broker" / "hub" / "feedback.py",
}


def split_row(line: str) -> tuple[str, ...]:
    """The cells of one markdown table row: split on unescaped ``|``, then unescape ``\\|``."""
    body = line.strip()
    if not (body.startswith("|") and body.endswith("|")) or body.endswith("\\|"):
        raise ValueError(f"not a table row: {line!r}")
    cells = re.split(r"(?<!\\)\|", body[1:-1])
    return tuple(cell.strip().replace("\\|", "|") for cell in cells)


def tables(text: str, header: tuple[str, ...]) -> list[list[tuple[str, ...]]]:
    """Every table in ``text`` whose header row is ``header``, as lists of data rows."""
    lines = text.splitlines()
    found = []
    for i, line in enumerate(lines[:-1]):
        starts_table = line.lstrip().startswith("|") and not (i and lines[i - 1].lstrip().startswith("|"))
        if not starts_table or split_row(line) != header:
            continue
        if not re.fullmatch(r"\|(\s*:?-{3,}:?\s*\|)+", lines[i + 1].strip()):
            continue
        rows = []
        for row_line in lines[i + 2 :]:
            if not row_line.lstrip().startswith("|"):
                break
            row = split_row(row_line)
            assert len(row) == len(header), f"row with {len(row)} cells, want {len(header)}: {row_line!r}"
            rows.append(row)
        found.append(rows)
    return found


def the_table(text: str, header: tuple[str, ...]) -> list[tuple[str, ...]]:
    found = tables(text, header)
    assert len(found) == 1, f"want exactly one table headed {header}, found {len(found)}"
    return found[0]


def code_cell(cell: str) -> str:
    match = re.fullmatch(r"`([^`]*)`", cell)
    assert match, f"cell must be one code span: {cell!r}"
    return match.group(1)


def retained_cell(cell: str) -> bool:
    assert cell in ("yes", "no"), f"retained must be yes or no, got {cell!r}"
    return cell == "yes"


def doc_topics(text: str) -> dict[str, tuple[str, str, bool, str]]:
    rows = the_table(text, TOPIC_HEADER)
    patterns = [code_cell(row[0]) for row in rows]
    assert len(patterns) == len(set(patterns)), f"a topic is listed twice: {patterns}"
    return {
        code_cell(pattern): (producer, consumers, retained_cell(retained), code_cell(example))
        for pattern, producer, consumers, retained, example in rows
    }


def contract_topics() -> dict[str, tuple[str, str, bool, str]]:
    return {
        spec.pattern: (spec.producer, spec.consumers, spec.retained, spec.example) for spec in contract.TOPICS
    }


def doc_codes(text: str) -> dict[str, set[str]]:
    rows = the_table(text, CODE_HEADER)
    codes = [code_cell(row[0]) for row in rows]
    assert len(codes) == len(set(codes)), f"an error code is listed twice: {codes}"
    return {code_cell(code): {s.strip() for s in raised_by.split(",")} for code, raised_by, _ in rows}


def source_codes() -> dict[str, set[str]]:
    codes: dict[str, set[str]] = {}
    for module, paths in SOURCES.items():
        for path in paths if isinstance(paths, tuple) else (paths,):
            for code in RAISED.findall(path.read_text(encoding="utf-8")):
                codes.setdefault(code, set()).add(module)
    return codes


# --- the real document -------------------------------------------------------------------------


def test_topic_table_equals_contract() -> None:
    documented = doc_topics(DOC.read_text(encoding="utf-8"))
    expected = contract_topics()
    assert sorted(documented) == sorted(expected), "the doc and TOPICS list different topics"
    for pattern, row in expected.items():
        assert documented[pattern] == row, f"row {pattern!r} differs from contract.TOPICS"


def test_error_code_table_equals_the_codes_raised() -> None:
    raised = source_codes()
    assert {"bad_json", "desk_busy"} <= set(raised), "the source scan found nothing: has the code moved?"
    assert doc_codes(DOC.read_text(encoding="utf-8")) == raised


def test_doc_names_every_command_word_and_action() -> None:
    text = DOC.read_text(encoding="utf-8")
    for word in (*contract.PLAIN_WORDS, *contract.JSON_ACTIONS, *kiosk_requests.ID_TYPES):
        assert f"`{word}`" in text, f"{word!r} is not mentioned in docs/mqtt.md"


# --- the checker itself fails on a doc that drifted -------------------------------------------


def _doc_lines() -> list[str]:
    return DOC.read_text(encoding="utf-8").splitlines()


def _topic_row_index(lines: list[str], pattern: str) -> int:
    return next(i for i, line in enumerate(lines) if line.startswith(f"| `{pattern}` |"))


def _edited(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("spec", contract.TOPICS, ids=lambda spec: spec.key)
def test_removing_any_row_is_caught(spec: contract.TopicSpec) -> None:
    lines = _doc_lines()
    del lines[_topic_row_index(lines, spec.pattern)]
    assert sorted(doc_topics(_edited(lines))) != sorted(contract_topics())


@pytest.mark.parametrize("column", [1, 2, 3, 4], ids=["producer", "consumers", "retained", "example"])
@pytest.mark.parametrize("spec", contract.TOPICS, ids=lambda spec: spec.key)
def test_changing_any_cell_is_caught(spec: contract.TopicSpec, column: int) -> None:
    lines = _doc_lines()
    i = _topic_row_index(lines, spec.pattern)
    cells = list(split_row(lines[i]))
    cells[column] = {
        1: "someone",
        2: cells[2] + ", someone",
        3: "no" if cells[3] == "yes" else "yes",
        4: cells[4][:-1] + " `",
    }[column]
    lines[i] = "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"
    assert doc_topics(_edited(lines))[spec.pattern] != contract_topics()[spec.pattern]


def test_changing_a_topic_pattern_is_caught() -> None:
    lines = _doc_lines()
    i = _topic_row_index(lines, "event/call")
    lines[i] = lines[i].replace("`event/call`", "`event/calls`", 1)
    assert sorted(doc_topics(_edited(lines))) != sorted(contract_topics())


def test_a_duplicated_row_is_refused() -> None:
    lines = _doc_lines()
    i = _topic_row_index(lines, "event/call")
    lines.insert(i, lines[i])
    with pytest.raises(AssertionError, match="listed twice"):
        doc_topics(_edited(lines))


def test_a_missing_table_is_refused() -> None:
    text = DOC.read_text(encoding="utf-8").replace("| topic | producer |", "| Topic | producer |")
    with pytest.raises(AssertionError, match="exactly one table"):
        doc_topics(text)


def test_a_removed_error_code_is_caught() -> None:
    lines = [line for line in _doc_lines() if not line.startswith("| `desk_busy` |")]
    assert doc_codes(_edited(lines)) != source_codes()


def test_split_row_unescapes_pipes() -> None:
    assert split_row(r"| `a` | `x \| y` |") == ("`a`", "`x | y`")


def test_a_contract_change_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    fewer_consumers = replace(contract.SPECS["sla_alert"], consumers="counter")
    changed = tuple(fewer_consumers if spec.key == "sla_alert" else spec for spec in contract.TOPICS)
    monkeypatch.setattr(contract, "TOPICS", changed)
    assert doc_topics(DOC.read_text(encoding="utf-8")) != contract_topics()
