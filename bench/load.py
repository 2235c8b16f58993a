"""HTTP load against the ``make run`` stack: a bounded number of requests from several threads.

Each thread is one student with one mentor of their own, so every booking is a
distinct slot and no two threads ever compete for a cell. A thread cycles
through booking a slot and reading (that session, its upcoming sessions, the
mentor's week) seven times. The stack's DynamoDB emulator serves one request at a time, so
it, not the service, bounds throughput and latency here.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from chalicelib.domain.clock import iso_z

AVAILABILITY = {
    "timezone": "UTC",
    "weekly": [
        {"day": day, "start": "08:00", "end": "20:00"}
        for day in ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
    ],
}
API = "/api/v1"
# Per student, a booking and then reads, as a front end makes them.
MIX = ("book", "get", "mine", "week", "get", "mine", "week", "get")


class Http:
    """One keep-alive connection with a bearer token."""

    def __init__(self, base: str, token: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.token = token
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        self.reconnects = 0

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        """One request; a dropped keep-alive connection is reopened and the request sent again.

        Bookings carry an ``Idempotency-Key``, so a request sent twice books once.
        """
        headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, API + path, body=data, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.reconnects += 1
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.conn.request(method, API + path, body=data, headers=headers)
            response = self.conn.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None


def _pair(base: str, token: Any, n: int, group: str = "load") -> tuple[Http, str]:
    """A mentor available 08:00-20:00 UTC daily and a student connected to them."""
    mentor = Http(base, token(f"{group}-mentor-{n}"))
    student = Http(base, token(f"{group}-student-{n}"))
    status, profile = mentor.call(
        "PUT", "/mentors/me", {"company": "Acme", "jobTitle": "Engineer", "timezone": "UTC"}
    )
    assert status == 200, profile
    assert mentor.call("POST", "/sessions/availability", AVAILABILITY)[0] == 200
    status, conn = student.call("POST", "/connections", {"mentorId": profile["id"]})
    assert status == 201, conn
    assert mentor.call("PUT", f"/connections/{conn['id']}/accept")[0] == 200
    return student, str(profile["id"])


def _slots(first: datetime, count: int) -> list[str]:
    """``count`` distinct 30-minute slots inside 08:00-20:00 UTC, from ``first``'s day on."""
    found: list[str] = []
    day = first
    while len(found) < count:
        found += [iso_z(day + timedelta(hours=8, minutes=30 * k)) for k in range(24)]
        day += timedelta(days=1)
    return found[:count]


def _p95(latencies: list[int]) -> float:
    if len(latencies) < 2:
        return float(latencies[0]) if latencies else 0.0
    return statistics.quantiles(latencies, n=20, method="inclusive")[18]


def cpu_seconds(pid: int, reaped_children: bool = False) -> float:
    """User + system CPU time of a process so far (Linux; 0 elsewhere).

    With ``reaped_children``, also that of its children it has waited for.
    """
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Student:
    """One load thread: a student booking with their own mentor, then reading."""

    http: Http
    mentor_id: str
    slots: list[str]
    requests: int
    latencies: list[int] = field(default_factory=list)
    started: list[int] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failure: BaseException | None = None

    def _one(self, n: int, last: str | None) -> tuple[int, str | None]:
        kind = MIX[n % len(MIX)]
        if kind == "book":
            body = {
                "mentorId": self.mentor_id, "scheduledAt": self.slots[n // len(MIX)],
                "duration": 30, "sessionType": "VIDEO", "title": "Load", "timezone": "UTC",
            }  # fmt: skip
            key = {"Idempotency-Key": f"load-{self.mentor_id}-{n}"}
            status, answer = self.http.call("POST", "/sessions/book", body, key)
            return status, (answer.get("id") if status == 201 else last)
        if kind == "get":
            return self.http.call("GET", f"/sessions/{last}")[0], last
        if kind == "mine":
            return self.http.call("GET", "/sessions/my-sessions?tab=upcoming")[0], last
        return self.http.call("GET", f"/sessions/availability/{self.mentor_id}")[0], last

    def run(self, gate: threading.Barrier) -> None:
        try:
            gate.wait()
            last: str | None = None
            for n in range(self.requests):
                began = time.perf_counter_ns()
                status, last = self._one(n, last)
                self.latencies.append(time.perf_counter_ns() - began)
                self.started.append(began)
                self.statuses[status] = self.statuses.get(status, 0) + 1
        except BaseException as exc:  # reported after the join, never lost with the thread
            self.failure = exc


def run(
    base: str,
    token: Any,
    requests: int,
    threads: int,
    pids: dict[str, int] | None = None,
    first_day: int = 2,
    group: str = "load",
) -> dict[str, Any]:
    """``requests`` requests in all, split over ``threads`` threads; latency and throughput.

    ``group`` names the run's users, so that several runs can share one stack.

    ``pids`` names processes whose CPU time during the run is reported as a
    share of the run's wall time (a share near 1 is a saturated process).
    """
    pids = pids or {}
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    per_thread = requests // threads
    slots = _slots(today + timedelta(days=first_day), per_thread // len(MIX) + 1)
    students = [
        Student(*_pair(base, token, n, group), slots=slots, requests=per_thread)
        for n in range(threads)
    ]
    gate = threading.Barrier(threads + 1)
    workers = [threading.Thread(target=s.run, args=(gate,)) for s in students]
    for w in workers:
        w.start()
    gate.wait()
    began = time.perf_counter_ns()
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    for w in workers:
        w.join()
    elapsed = (time.perf_counter_ns() - began) / 1e9
    failed = [s.failure for s in students if s.failure]
    if failed:
        raise RuntimeError(f"{len(failed)} load threads failed") from failed[0]
    busy = {
        name: round((cpu_seconds(pid) - cpu_before[name]) / elapsed, 2)
        for name, pid in pids.items()
    }
    latencies = [ns for s in students for ns in s.latencies]
    statuses: dict[int, int] = {}
    for s in students:
        for status, times in s.statuses.items():
            statuses[status] = statuses.get(status, 0) + times
    cuts = statistics.quantiles(latencies, n=20, method="inclusive")
    in_order = [ns for _, ns in sorted(zip(
        (t for s in students for t in s.started), latencies, strict=True
    ))]  # fmt: skip
    tenth = max(1, len(in_order) // 10)
    first_p95, last_p95 = _p95(in_order[:tenth]), _p95(in_order[-tenth:])
    return {
        "requests": len(latencies),
        "threads": threads,
        "rps": round(len(latencies) / elapsed, 1),
        "p50ms": round(statistics.median(latencies) / 1e6, 1),
        "p95ms": round(cuts[18] / 1e6, 1),
        # Does latency creep up as the table grows? p95 of the last tenth of
        # the requests (by start time) over that of the first tenth.
        "p95FirstTenthMs": round(first_p95 / 1e6, 1),
        "p95LastTenthMs": round(last_p95 / 1e6, 1),
        "p95Drift": round(last_p95 / first_p95, 3) if first_p95 else None,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": round(elapsed, 1),
        "reconnects": sum(s.http.reconnects for s in students),
        "cpuBusy": busy,
        "boundBy": "the local DynamoDB emulator (moto, one request at a time), not the service",
    }


def rss_bytes(pid: int) -> int:
    """Resident memory of a process now (Linux; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
