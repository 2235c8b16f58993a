"""The results: targets, the markdown table, ``bench/results.json`` and ``docs/PERFORMANCE.md``."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

OPERATIONS = (
    "book_30",
    "book_90",
    "availability_week",
    "my_sessions",
    "get_session",
    "start",
    "cancel",
    "reschedule",
    "complete",
    "set_availability",
)
OVERHEAD_TARGETS = ("book_30", "book_90", "start", "cancel", "complete")
OVERHEAD_LIMIT = 1.3
ITEMS_GROWTH_LIMIT = 1.1
COLD_LIMIT = 1.5
ZIP_LIMIT = 10 * 1000 * 1000
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
EMULATOR_GROWTH_LIMIT = 1.5  # booking transaction, full table / empty
SOAK_DRIFT_LIMIT = 1.5  # p95 of the last tenth / the first tenth
SOAK_RSS_LIMIT = 1024**3  # the emulator's memory after the soak
SPEEDUP_LIMIT = 3.0  # the same load, this engine / plain moto's
IDLE_LIMIT = 0.02  # share of one core for the idle stack
# The HTTP figure before the engine was replaced (2026-11-25, same kind of machine).
RECORDED_PLAIN_RPS = 46.7


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            found = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.MULTILINE)
        cpu = found[1].strip() if found else cpu
    except OSError:
        pass
    return {
        "nproc": os.cpu_count() or 0,
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "loadAverageAtStart": [round(x, 2) for x in os.getloadavg()],
    }


def machine_line(m: dict[str, Any]) -> str:
    return f"{m['cpu']}, {m['nproc']} cores (nproc), Python {m['python']}, {m['platform']}"


def _target(what: str, value: Any, limit: str, met: bool, why: str = "") -> dict[str, Any]:
    return {"target": what, "value": value, "limit": limit, "met": met, "why": "" if met else why}


def _operation_targets(name: str, op: dict[str, Any]) -> list[dict[str, Any]]:
    growth = op["growth"]
    found = [
        _target(
            f"{name}: round trips with history / empty",
            growth["roundTrips"],
            "= 1",
            growth["roundTrips"] == 1,
            f"{op['roundTrips']} round trips empty, {op['roundTripsHistory']} with history",
        ),
        _target(
            f"{name}: items read with history / empty",
            growth["itemsRead"],
            f"<= {ITEMS_GROWTH_LIMIT}",
            growth["itemsRead"] <= ITEMS_GROWTH_LIMIT,
            f"items read {op['itemsRead']['empty']} -> {op['itemsRead']['history']}",
        ),
    ]
    if op.get("extraCalls"):
        found.append(
            _target(f"{name}: only the minimal DynamoDB calls", op["calls"], "minimal", False,
                    "; ".join(op["extraCalls"]))
        )  # fmt: skip
    if name in OVERHEAD_TARGETS:
        found.append(
            _target(
                f"{name}: overhead ratio",
                op["overheadRatio"],
                f"<= {OVERHEAD_LIMIT}",
                op["overheadRatio"] <= OVERHEAD_LIMIT,
                f"{op['appMicros']} us of app time over {op['directMedianMicros']} us of DynamoDB",
            )
        )
    return found


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for name in OPERATIONS:
        found += _operation_targets(name, results["operations"][name])
    cold = results.get("coldStart", {})
    if "ratio" in cold:
        found.append(
            _target("cold start / boto3 client", cold["ratio"], f"<= {COLD_LIMIT}",
                    cold["ratio"] <= COLD_LIMIT,
                    f"import {cold['importMillis']} ms + DynamoDB client "
                    f"{cold['dynamoClientMillis']} ms + first request "
                    f"{cold['firstRequestMillis']} ms vs {cold['boto3ClientMillis']} ms")
        )  # fmt: skip
    if "zipBytes" in cold:
        found.append(
            _target("Lambda zip bytes", cold["zipBytes"], f"<= {ZIP_LIMIT}",
                    cold["zipBytes"] <= ZIP_LIMIT and not cold["boto3Packaged"],
                    "too big" if cold["zipBytes"] > ZIP_LIMIT else "boto3 is packaged")
        )  # fmt: skip
    fin = results["finalize"]
    found.append(
        _target("finalize: items read = due sessions", fin["itemsRead"], f"= {fin['due']}",
                fin["itemsRead"] == fin["due"],
                f"{fin['sessionsRead']} due sessions + {fin['mentorProfilesRead']} mentor "
                "profiles read (BatchGetItem per page)")
    )  # fmt: skip
    found += _stack_targets(results)
    return found


def _stack_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The local stack's own targets: a flat emulator, a steady soak, a quiet idle."""
    found: list[dict[str, Any]] = []
    emu = results.get("emulator", {})
    if "ratio" in emu:
        found.append(
            _target(f"emulator: 90-minute booking transaction, {emu['itemsInFullTable']:,} items "
                    "/ empty table", emu["ratio"], f"<= {EMULATOR_GROWTH_LIMIT}",
                    emu["ratio"] <= EMULATOR_GROWTH_LIMIT,
                    f"{emu['fullMedianMicros']} us against {emu['emptyMedianMicros']} us")
        )  # fmt: skip
    web = results.get("http", {})
    if "speedup" in web:
        found.append(
            _target("HTTP throughput: this engine / plain moto's, same load", web["speedup"],
                    f">= {SPEEDUP_LIMIT}", web["speedup"] >= SPEEDUP_LIMIT,
                    f"{web['rps']} against {web['plainEngine']['rps']} requests/s")
        )  # fmt: skip
    if "rps" in web:
        recorded = round(web["rps"] / RECORDED_PLAIN_RPS, 2)
        found.append(
            _target("HTTP throughput: this engine / the run recorded before the change",
                    recorded, f">= {SPEEDUP_LIMIT}", recorded >= SPEEDUP_LIMIT,
                    f"{web['rps']} against {RECORDED_PLAIN_RPS} requests/s")
        )  # fmt: skip
    soak = results.get("soak", {})
    if soak.get("requests"):
        statuses = soak["statuses"]
        errors = sum(n for code, n in statuses.items() if code.startswith("5"))
        conflicts = statuses.get("409", 0)
        found += [
            _target("soak: p95 of the last tenth / the first tenth", soak["p95Drift"],
                    f"<= {SOAK_DRIFT_LIMIT}", (soak["p95Drift"] or 0) <= SOAK_DRIFT_LIMIT,
                    f"{soak['p95LastTenthMs']} ms against {soak['p95FirstTenthMs']} ms"),
            _target("soak: emulator RSS at the end (bytes)", soak["emulatorRssBytes"],
                    f"<= {SOAK_RSS_LIMIT:,}", 0 < soak["emulatorRssBytes"] <= SOAK_RSS_LIMIT,
                    "the emulator grew"),
            _target("soak: 5xx answers", errors, "= 0", errors == 0, str(statuses)),
            _target("soak: 409 answers (none expected)", conflicts, "= 0", conflicts == 0,
                    str(statuses)),
        ]  # fmt: skip
    quiet = results.get("idle", {})
    if "coreShare" in quiet:
        found.append(
            _target("idle stack: share of one core", quiet["coreShare"], f"< {IDLE_LIMIT}",
                    quiet["coreShare"] < IDLE_LIMIT,
                    f"{quiet['cpuSeconds']} CPU s over {quiet['seconds']} s")
        )  # fmt: skip
    return found


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def table(results: dict[str, Any]) -> str:
    head = (
        "| operation | round trips | items read (empty / history) | through the app µs "
        "| DynamoDB alone µs | overhead ratio | app µs | instant DynamoDB: request µs "
        "| of which botocore µs | own-code ratio (÷ no-op) |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for name in OPERATIONS:
        op = results["operations"][name]
        trips = f"{op['roundTrips']}" + (
            "" if op["roundTripsHistory"] == op["roundTrips"] else f" / {op['roundTripsHistory']}"
        )
        rows.append(
            f"| {name} | {trips} | {op['itemsRead']['empty']} / {op['itemsRead']['history']} "
            f"| {op['appMedianMicros']} | {op['directMedianMicros']} | {op['overheadRatio']} "
            f"| {op['appMicros']} | {op['stubbedMedianMicros']} | {op['botocoreMicros']} "
            f"| {op['ownCodeRatio']} |"
        )
    return head + "\n".join(rows) + "\n"


def _busy(web: dict[str, Any]) -> str:
    busy = web.get("cpuBusy", {})
    if not busy:
        return "CPU shares not measured"
    shares = ", ".join(f"{name} {round(100 * share)}%" for name, share in busy.items())
    return f"CPU busy over the run: {shares}"


def summary(results: dict[str, Any]) -> str:
    lines = [table(results)]
    noop = [results["operations"][n]["noopMedianMicros"] for n in OPERATIONS]
    lines.append(f"No-op authenticated route (Chalice + authorizer + middleware): {min(noop)} to "
                 f"{max(noop)} µs.\n")  # fmt: skip
    cold = results.get("coldStart", {})
    if "ratio" in cold:
        lines.append(
            f"Cold start (bytecode cached): import `app` {cold['importMillis']} ms + DynamoDB "
            f"client {cold['dynamoClientMillis']} ms + first request "
            f"{cold['firstRequestMillis']} ms = {cold['appMillis']} ms, against importing boto3 "
            f"and making a DynamoDB client {cold['boto3ClientMillis']} ms: **ratio "
            f"{cold['ratio']}** (medians of {cold['trials']} fresh processes each)."
        )
    packaged = cold.get("lambdaPackage")
    if packaged:
        lines.append(
            f"Cold start as Lambda runs the zip (the bytecode `make package` puts in it, nothing "
            f"written): import {packaged['importMillis']} ms, total {packaged['appMillis']} ms: "
            f"ratio {packaged['ratio']}."
        )
    if "zipBytes" in cold:
        lines.append(
            f"Lambda zip (`make package`): **{cold['zipBytes']:,} bytes**; boto3 packaged: "
            f"{'yes' if cold['boto3Packaged'] else 'no'}."
        )
    fin = results["finalize"]
    lines.append(
        f"Finalize: {fin['due']} due sessions among the history, **{fin['itemsRead']} items "
        f"read** ({fin['sessionsRead']} sessions + {fin['mentorProfilesRead']} mentor profiles), "
        f"{fin['roundTrips']} round trips; {fin['perSecond']} sessions/s against "
        f"{fin['directPerSecond']}/s for its bare queries and conditional writes: **ratio "
        f"{fin['ratio']}**."
    )
    lines += _stack_lines(results)
    lines.append("")
    lines.append("Targets:")
    for t in results["targets"]:
        mark = "met" if t["met"] else "**MISSED**"
        why = f" — {t['why']}" if t["why"] else ""
        lines.append(f"- {mark}: {t['target']} = {t['value']} ({t['limit']}){why}")
    return "\n".join(lines) + "\n"


def _stack_lines(results: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    emu = results.get("emulator", {})
    if "ratio" in emu:
        plain = emu.get("plain", {})
        lines.append(
            f"Emulator: the 90-minute booking transaction ({emu['actions']} actions) over HTTP, "
            f"{emu['itemsInFullTable']:,} items in the table against an empty one: "
            f"{emu['fullMedianMicros']} µs / {emu['emptyMedianMicros']} µs, **ratio "
            f"{emu['ratio']}** (medians of {emu['rounds']} interleaved rounds)."
            + (f" Plain moto, for comparison: {plain['itemsInFullTable']:,} items "
               f"{plain['fullMedianMicros']} µs / {plain['emptyMedianMicros']} µs, ratio "
               f"{plain['ratio']}." if plain else "")
        )  # fmt: skip
    web = results.get("http", {})
    if web.get("requests"):
        lines.append(
            f"HTTP against `make run`'s stack: {web['requests']} requests from {web['threads']} "
            f"threads, the median of rounds at {web.get('roundsRps', [web['rps']])} requests/s: "
            f"**{web['rps']} requests/s, p50 {web['p50ms']} ms, p95 {web['p95ms']} ms** "
            f"(statuses {web['statuses']}); {_busy(web)}."
        )
    plain_web = web.get("plainEngine")
    if plain_web:
        lines.append(
            f"The same load with plain moto's engine: {plain_web['rps']} requests/s, p50 "
            f"{plain_web['p50ms']} ms, p95 {plain_web['p95ms']} ms; {_busy(plain_web)}: "
            f"**{web['speedup']} times** (the recorded run before the change: "
            f"{RECORDED_PLAIN_RPS} requests/s, {round(web['rps'] / RECORDED_PLAIN_RPS, 2)} times)."
        )
    soak = results.get("soak", {})
    if soak.get("requests"):
        lines.append(
            f"Soak: {soak['requests']:,} requests from {soak['threads']} threads in "
            f"{soak['seconds']} s, {soak['rps']} requests/s, statuses {soak['statuses']}; p95 "
            f"{soak['p95FirstTenthMs']} ms in the first tenth, {soak['p95LastTenthMs']} ms in the "
            f"last: **drift {soak['p95Drift']}**; emulator RSS at the end "
            f"**{soak['emulatorRssBytes'] / 1024**2:.0f} MiB**; {_busy(soak)}."
        )
    quiet = results.get("idle", {})
    if "coreShare" in quiet:
        lines.append(
            f"Idle `make run` ({quiet['processes']} processes) over {quiet['seconds']} s: "
            f"{quiet['cpuSeconds']} CPU s, **{100 * quiet['coreShare']:.2f}% of one core**."
        )
    return lines


def update_doc(path: Path, results: dict[str, Any]) -> None:
    """Replace the generated block of ``docs/PERFORMANCE.md`` with this run's figures."""
    details = results["machineDetails"]
    load = f"load average {details['loadAverageAtStart'][0]} at start"
    if "loadAverageAtEnd" in details:
        load += f", {details['loadAverageAtEnd'][0]} at the end"
    block = (
        f"{BEGIN}\n"
        f"Latest run: {details['date']} on **{results['machine']}** ({load}; "
        f"{results.get('elapsedSeconds', '?')} s).\n\n"
        f"{summary(results)}{END}"
    )
    text = path.read_text() if path.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    path.write_text(text)
