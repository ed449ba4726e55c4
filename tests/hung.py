"""Run an app's one-off command (``--screenshot``, say) and, if it hangs, say where.

A child killed at a timeout tells nothing: ``subprocess.run(timeout=...)`` sends SIGKILL and the
test sees only the first lines of its log. Here the child runs with ``PYTHONFAULTHANDLER=1``; at
the timeout it gets SIGABRT, on which Python's faulthandler prints every thread's stack before it
dies, and the assertion carries the end of that output.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path

STACKS_WAIT_S = 10  # how long a hung child may take to print its stacks after SIGABRT


def run_or_show_stacks(
    command: Sequence[str], *, env: dict[str, str], timeout: float, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``subprocess.run(command, capture_output=True)``; a child still running after ``timeout``
    fails the test with its threads' stacks."""
    process = subprocess.Popen(
        list(command), env={**env, "PYTHONFAULTHANDLER": "1"}, cwd=cwd,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        try:
            out, err = process.communicate(timeout=STACKS_WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        tail = err.decode(errors="replace")[-6000:]
        what = " ".join(command[1:4])
        raise AssertionError(f"{what} still ran after {timeout} s; its stacks and log:\n{tail}") from None
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)
