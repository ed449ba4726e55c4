"""The hang reporter of the tests' one-off app runs shows where a hung child stood."""

from __future__ import annotations

import os
import sys

import pytest

from tests.hung import run_or_show_stacks

HANGS = "import time\ndef wait_for_ever():\n    time.sleep(600)\nwait_for_ever()\n"


def test_a_hung_child_fails_with_its_stack() -> None:
    with pytest.raises(AssertionError) as failed:
        run_or_show_stacks([sys.executable, "-c", HANGS], env=dict(os.environ), timeout=2)
    assert "wait_for_ever" in str(failed.value)


def test_a_child_that_ends_gives_its_output() -> None:
    done = run_or_show_stacks([sys.executable, "-c", "print('ok')"], env=dict(os.environ), timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, b"ok")
