"""Fixtures for the kiosk tests: the emupos receipt-printer emulator, in its own Python >= 3.13 venv."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.kiosk.emupos_env import Emulator, Unavailable, emupos_binary


@pytest.fixture(scope="session")
def emupos_bin() -> Path:
    try:
        return emupos_binary()
    except Unavailable as exc:
        pytest.skip(f"no emupos emulator: {exc}")


@pytest.fixture
def emupos(emupos_bin: Path, tmp_path: Path) -> Iterator[Emulator]:
    workdir = tmp_path / "emupos"
    workdir.mkdir()
    emulator = Emulator(emupos_bin, workdir)
    emulator.start()
    yield emulator
    emulator.stop()
