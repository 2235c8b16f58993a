"""Timed loops: the app against its own DynamoDB calls, and the app against an instant DynamoDB.

Both loops interleave: every round runs every operation once in each form,
alternating which form goes first, so drift (caches, the table, the CPU's
clock) touches both sides of each ratio alike. Figures are medians of
``time.perf_counter_ns`` samples.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from botocore.stub import Stubber

from bench.harness import App, Call, FakeClock, Request, ddb, median_us, ratio, replay, timed
from bench.operations import Failed, Op, send_app

NOOP_PATH = "/api/v1/bench/noop"


@dataclass
class Samples:
    first: dict[str, list[int]] = field(default_factory=dict)
    second: dict[str, list[int]] = field(default_factory=dict)
    third: dict[str, list[int]] = field(default_factory=dict)

    def add(self, name: str, first: int, second: int, third: int | None = None) -> None:
        self.first.setdefault(name, []).append(first)
        self.second.setdefault(name, []).append(second)
        if third is not None:
            self.third.setdefault(name, []).append(third)


def _pair(i: int, a: Callable[[], int], b: Callable[[], int]) -> tuple[int, int]:
    if i % 2 == 0:
        first = a()
        return first, b()
    second = b()
    return a(), second


def _rotate(i: int, actions: list[Callable[[], int]]) -> list[int]:
    """Run every action, starting with a different one each round; results in the given order."""
    found: dict[int, int] = {}
    for k in range(len(actions)):
        n = (i + k) % len(actions)
        found[n] = actions[n]()
    return [found[n] for n in range(len(actions))]


def overhead(app: App, clock: FakeClock, ops: list[Op], rounds: int, warmup: int) -> Samples:
    """Whole requests through the app against the same DynamoDB calls issued directly."""
    client = ddb()
    samples = Samples()

    def through_app(op: Op) -> int:
        op.setup()
        clock.now = op.now
        ns, (status, body) = timed(lambda: app.send(op.request))
        if status != op.expect:
            raise Failed(f"{op.name}: HTTP {status}: {body[:300]!r}")
        op.cleanup(op.session_after(body, None))
        return ns

    def direct(op: Op) -> int:
        assert op.recorded is not None
        calls = op.recorded.calls
        op.setup()
        ns, _ = timed(lambda: replay(client, calls))
        op.cleanup(op.session_after(None, calls))
        return ns

    for i in range(warmup + rounds):
        for op in ops:
            a, d = _pair(i, lambda op=op: through_app(op), lambda op=op: direct(op))  # type: ignore[misc]
            if i >= warmup:
                samples.add(op.name, a, d)
    return samples


def register_noop_route() -> None:
    """An authenticated route that does nothing: Chalice + the authorizer + the middleware.

    Registered on the app object in this process only (before the test client
    is made), exactly as ``app.py`` registers its private routes.
    """
    from chalice.app import Response

    import app as service

    if NOOP_PATH in service.app.routes:
        return

    @service.app.route(NOOP_PATH, methods=["GET"], authorizer=service.jwt_auth, cors=service.cors)
    def bench_noop() -> Response:
        return Response(
            body='{"ok":true}', status_code=200, headers={"Content-Type": "application/json"}
        )


def own_code(
    app: App, clock: FakeClock, ops: list[Op], noop: Request, rounds: int, warmup: int
) -> Samples:
    """Each request with DynamoDB answering instantly (recorded answers), against the no-op.

    Also times the same DynamoDB calls issued directly against the instant
    DynamoDB: botocore's own client-side work (parameter validation,
    serialization, events), which the request pays too.
    """
    client = ddb()
    stubber = Stubber(client)
    stubber.activate()
    samples = Samples()

    def queue(op: Op) -> list[Call]:
        assert op.recorded is not None
        for call in op.recorded.calls:
            stubber.add_response(call.method, copy.deepcopy(call.response or {}))
        return op.recorded.calls

    def stubbed(op: Op) -> int:
        queue(op)
        clock.now = op.now
        ns, _ = timed(lambda: send_app(app, clock, op))
        stubber.assert_no_pending_responses()
        return ns

    def botocore_only(op: Op) -> int:
        calls = queue(op)
        ns, _ = timed(lambda: replay(client, calls))
        stubber.assert_no_pending_responses()
        return ns

    def floor() -> int:
        ns, out = timed(lambda: app.send(noop))
        if out[0] != 200:
            raise Failed(f"no-op route: HTTP {out[0]}")
        return ns

    try:
        for i in range(warmup + rounds):
            for op in ops:
                s, f, b = _rotate(
                    i,
                    [lambda op=op: stubbed(op), floor, lambda op=op: botocore_only(op)],  # type: ignore[misc]
                )
                if i >= warmup:
                    samples.add(op.name, s, f, b)
    finally:
        stubber.deactivate()
    return samples


def summarize_overhead(samples: Samples, name: str) -> dict[str, float]:
    app_us, direct_us = median_us(samples.first[name]), median_us(samples.second[name])
    return {
        "overheadRatio": ratio(app_us, direct_us),
        "appMicros": round(app_us - direct_us),
        "appMedianMicros": round(app_us),
        "directMedianMicros": round(direct_us),
    }


def summarize_own_code(samples: Samples, name: str) -> dict[str, float]:
    stubbed_us, floor_us = median_us(samples.first[name]), median_us(samples.second[name])
    return {
        "ownCodeRatio": ratio(stubbed_us, floor_us),
        "ownCodeMicros": round(stubbed_us - floor_us),
        "botocoreMicros": round(median_us(samples.third[name])),
        "stubbedMedianMicros": round(stubbed_us),
        "noopMedianMicros": round(floor_us),
    }
