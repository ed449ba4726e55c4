"""One spelling everywhere a visitor or an officer reads or hears Antre: KBBI's "antrean"."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NON_STANDARD = re.compile("antr" + "ian", re.IGNORECASE)  # spelled apart so this file passes itself


def test_every_screen_ticket_voice_report_and_doc_says_antrean() -> None:
    found = []
    for folder in ("kiosk", "display", "counter", "broker", "shared", "deploy", "docs"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".kv", ".md", ".toml"} and NON_STANDARD.search(path.read_text("utf-8")):
                found.append(str(path.relative_to(ROOT)))
    if NON_STANDARD.search((ROOT / "README.md").read_text("utf-8")):
        found.append("README.md")
    assert not found, f"'antrian' where KBBI spells 'antrean': {found}"
