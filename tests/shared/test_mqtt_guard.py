"""The MQTT bus's guard: a handler's error is logged and the network thread lives on, and the
test suite's guard (``tests/conftest.py``) turns such a hidden error into a failed test."""

from __future__ import annotations

import pytest

from shared import mqtt

pytest_plugins = ["pytester"]


@pytest.mark.allow_handler_errors
def test_the_bus_tells_its_observers_of_a_handler_error() -> None:
    seen: list[tuple[str, str]] = []

    def observe(name: str, exc: Exception) -> None:
        seen.append((name, str(exc)))

    def handler() -> None:
        raise RuntimeError("broken handler")

    mqtt.handler_error_observers.append(observe)
    try:
        mqtt._guarded(handler)  # must not raise: paho's thread would die
    finally:
        mqtt.handler_error_observers.remove(observe)
    assert seen and seen[0][1] == "broken handler"


@pytest.mark.allow_handler_errors
def test_a_swallowed_handler_error_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("from tests.conftest import fail_on_swallowed_handler_errors  # noqa: F401")
    pytester.makepyfile(
        """
        import pytest
        from shared import mqtt

        def boom():
            raise ValueError("hidden")

        def test_hides_an_error():
            mqtt._guarded(boom)

        @pytest.mark.allow_handler_errors
        def test_says_it_may():
            mqtt._guarded(boom)
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "ignore::pytest.PytestUnknownMarkWarning")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*hidden*"])
