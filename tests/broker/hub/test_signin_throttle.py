"""The sign-in throttle with an injected clock: no stranger locks a real officer out, guessing is
slowed to the rate its docstring states, and memory stays bounded."""

from __future__ import annotations

from broker.hub import signin_throttle as st
from broker.hub.signin_throttle import SigninThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def guess(throttle: SigninThrottle, clock: Clock, account: str, client: str, until: float) -> int:
    """A guesser that tries as soon as it is allowed (always wrong) until ``until``: its attempts."""
    attempts = 0
    while clock.now < until:
        verdict = throttle.check(account, client)
        if verdict.allowed:
            throttle.failed(account, client)
            attempts += 1
            clock.now += 0.1  # the check itself takes a moment
        else:
            clock.now += verdict.retry_after
    return attempts


def test_five_failures_are_free_then_waits_double_up_to_a_minute() -> None:
    clock = Clock()
    throttle = SigninThrottle(clock)
    for _ in range(5):
        assert throttle.check("budi", "10.0.0.9").allowed
        throttle.failed("budi", "10.0.0.9")
    waits = []
    for _ in range(9):
        verdict = throttle.check("budi", "10.0.0.9")
        assert not verdict.allowed and verdict.limit == "pair"
        waits.append(verdict.retry_after)
        clock.now += verdict.retry_after
        assert throttle.check("budi", "10.0.0.9").allowed  # waited: the PIN is checked
        throttle.failed("budi", "10.0.0.9")
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_strangers_thousand_failures_do_not_stop_the_officer_at_their_usual_address() -> None:
    clock = Clock()
    throttle = SigninThrottle(clock)
    throttle.succeeded("budi", "10.0.0.21")  # yesterday at their desk
    clock.now += 86_400
    refused = 0
    for n in range(1000):
        client = f"172.20.{n // 250}.{n % 250}"
        verdict = throttle.check("budi", client)
        if verdict.allowed:
            throttle.failed("budi", client)
        else:
            refused += 1
        clock.now += 1
    assert refused > 900, "the stranger was slowed down"
    assert throttle.check("budi", "10.0.0.21").allowed  # the officer at their desk: not slowed at all
    # ... and mistypes of their own are theirs alone: the first five are free.
    for _ in range(4):
        throttle.failed("budi", "10.0.0.21")
    assert throttle.check("budi", "10.0.0.21").allowed
    throttle.succeeded("budi", "10.0.0.21")
    assert throttle.check("budi", "10.0.0.21").allowed


def test_the_trust_of_an_address_can_come_from_the_caller() -> None:
    clock = Clock()
    throttle = SigninThrottle(clock)
    for n in range(st.ACCOUNT_FAILURES_PER_HOUR):
        throttle.failed("budi", f"192.168.1.{n}")
    assert not throttle.check("budi", "10.0.0.21").allowed  # a new place waits for the hour
    assert throttle.check("budi", "10.0.0.21", trusted=True).allowed  # the session table knows it


def test_guessing_one_account_is_held_to_the_stated_rate() -> None:
    clock = Clock()
    throttle = SigninThrottle(clock)
    day = 86_400.0
    one_address = guess(throttle, clock, "budi", "10.9.9.9", clock.now + day)
    assert one_address <= st.GUESSES_PER_DAY + st.ACCOUNT_FAILURES_PER_HOUR  # the first hour's burst
    assert one_address >= st.GUESSES_PER_DAY - st.ACCOUNT_FAILURES_PER_HOUR  # the limit, not less
    # Many addresses on one account: still the account's 30 an hour.
    clock2 = Clock()
    throttle2 = SigninThrottle(clock2)
    total, end = 0, clock2.now + day
    n = 0
    while clock2.now < end:
        client = f"172.16.{n // 250 % 250}.{n % 250}"
        n += 1
        verdict = throttle2.check("rina", client)
        if verdict.allowed:
            throttle2.failed("rina", client)
            total += 1
        else:
            clock2.now += verdict.retry_after
    assert total <= st.GUESSES_PER_DAY + st.ACCOUNT_FAILURES_PER_HOUR
    assert round(st.DAYS_TO_FIND_6_DIGITS) == 694


def test_one_address_trying_many_accounts_is_held_to_60_an_hour() -> None:
    clock = Clock()
    throttle = SigninThrottle(clock)
    allowed = 0
    for n in range(500):
        verdict = throttle.check(f"officer{n}", "10.6.6.6")
        if verdict.allowed:
            throttle.failed(f"officer{n}", "10.6.6.6")
            allowed += 1
        else:
            assert verdict.limit == "address" and verdict.retry_after > 3000
    assert allowed == st.ADDRESS_FAILURES_PER_HOUR
    clock.now += st.WINDOW_S
    assert throttle.check("officer1", "10.6.6.6").allowed  # the hour has passed


def test_a_success_resets_the_pair_and_a_quiet_day_forgets_it() -> None:
    clock = Clock()
    throttle = SigninThrottle(clock)
    for _ in range(6):
        throttle.failed("budi", "10.0.0.9")
    assert not throttle.check("budi", "10.0.0.9").allowed
    throttle.succeeded("budi", "10.0.0.9")
    assert throttle.check("budi", "10.0.0.9").allowed
    for _ in range(6):
        throttle.failed("rina", "10.0.0.8")
    clock.now += st.PAIR_FORGET_S
    assert throttle.check("rina", "10.0.0.8").allowed


def test_memory_is_bounded() -> None:
    clock = Clock()
    throttle = SigninThrottle(clock, max_entries=100)
    for n in range(5000):
        throttle.failed(f"x{n}", f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")
        throttle.succeeded(f"y{n}", "10.0.0.1")
    assert all(size <= 100 for size in throttle.sizes().values()), throttle.sizes()


def test_expired_entries_go_on_use_and_at_the_sweep_so_the_tables_empty_after_an_attack() -> None:
    clock = Clock()
    throttle = SigninThrottle(clock)
    for n in range(3000):  # a spray of made-up accounts from made-up addresses, and a few successes
        throttle.failed(f"x{n}", f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")
        if n % 10 == 0:
            throttle.succeeded(f"y{n}", "10.0.0.1")
    assert throttle.sizes() == {"pairs": 3000, "accounts": 3000, "addresses": 3000, "trusted": 300}
    clock.now += st.PAIR_FORGET_S  # a day on: the failures count for nothing any more
    assert throttle.check("budi", "10.0.0.9").allowed  # any use prunes (once a minute at most)
    assert throttle.sizes() == {"pairs": 0, "accounts": 0, "addresses": 0, "trusted": 300}
    clock.now += st.TRUST_S  # 30 days on, nobody signed in: the hub's minute sweep empties the rest
    assert throttle.prune() == 300
    assert throttle.sizes() == {"pairs": 0, "accounts": 0, "addresses": 0, "trusted": 0}


def test_what_still_counts_is_kept_by_the_pruning() -> None:
    clock = Clock()
    throttle = SigninThrottle(clock)
    for _ in range(11):
        throttle.failed("budi", "10.0.0.9")
    throttle.succeeded("rina", "10.0.0.8")
    clock.now += st.PRUNE_EVERY_S
    assert throttle.prune() == 0
    throttle.failed("budi", "10.0.0.9")  # the twelfth in a row: the pair's count was kept
    assert throttle.check("budi", "10.0.0.9").retry_after == st.MAX_DELAY_S
    assert throttle.is_trusted("rina", "10.0.0.8")


def test_a_huge_made_up_account_id_costs_a_key_of_64_characters() -> None:
    import tracemalloc

    clock = Clock()
    throttle = SigninThrottle(clock)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(1000):  # each a 30 KB id of its own, as a request body may carry
            throttle.failed(f"{n:06d}" + "x" * 30_000, "10.6.6.6" + "y" * 30_000)
            clock.now += 0.01
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert throttle.sizes()["accounts"] == 1000
    assert grown < 2_000_000, f"{grown} bytes for 1000 failures"  # uncut: more than 60 MB
    for n in range(6):  # ids alike in their first 64 characters count as one
        throttle.failed("z" * 64 + str(n), "10.7.7.7")
    assert throttle.check("z" * 64 + "another", "10.7.7.7").limit == "pair"
