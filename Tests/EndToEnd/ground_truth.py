#!/usr/bin/env python3
"""Ground truth, end to end: the simulated plant knows exactly what it served, so what the aggregator
stored must equal it.

Runs the demo plant (scripts/sim/plant_stack.py: two edge agents, Modbus TCP and RTU devices, the MQTT
boiler, the aggregator on SQLite) for a fixed simulated period at an accelerated clock, freezes the plant
(devices answer exception 06, the publisher stops once its last PUBACK is in), waits for both agents to
drain, then reads every series back through the API (/api/v1/series, /api/v1/readings/export) and
compares, per tag, with the simulator's log (scripts/sim/plant.py --truth):
  - the series: one per tag of the profile, at the right agent, with the profile's unit
  - count and values, in order: one stored reading per served read request covering the tag (Modbus) and
    per acknowledged message (MQTT); values equal as exact decimals, floats as what the float32 registers
    actually encode (shortest round-trip text), counters as floor(total / scale) × scale
  - quality good for all, and each counter's last stored value equals the plant's final total
  - the scripted excursion raised the CH4 alarm at the edge
  - inventory: compare_inventory() (to be filled in once the accounting API is merged)
Exits 0 when all agree, 1 with a per-tag diff otherwise.

Usage: ground_truth.py [--sim-hours 24] [--speed 2880] [--run-dir run/ground-truth] [--keep]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.parse
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "sim"))
import plant as plant_module  # noqa: E402
from plant_stack import PlantStack, call  # noqa: E402

SIM_START = datetime(2025, 1, 15, 0, 0, tzinfo=timezone.utc).timestamp()  # 08:00 at the plant (UTC+8)


def load_truth(path: str) -> dict:
    """Per tag the values served (in order), the final totals, and the raw counts."""
    expected: dict[str, list[str]] = defaultdict(list)
    totals, reads, messages = None, 0, 0
    with open(path) as handle:
        for line in handle:
            record = json.loads(line)
            if record["kind"] == "read":
                reads += 1
                for tag, value in record["values"].items():
                    expected[tag].append(value)
            elif record["kind"] == "mqtt":
                messages += 1
                for tag, value in record["values"].items():
                    expected[tag].append(value)
            elif record["kind"] == "totals":
                totals = record
            elif record["kind"] == "mqtt-unacked":
                raise SystemExit(f"ground truth: the broker did not acknowledge a message: {record}")
    return {"expected": dict(expected), "totals": totals, "reads": reads, "messages": messages}


def fetch_stored(stack: PlantStack, since: datetime) -> tuple[dict, dict]:
    """{tag: series} and {tag: [points]} through the API, as the administrator."""
    token = stack.admin_token()
    series = {s["tag"]: s for s in call(stack.api, "GET", "/api/v1/series", token)}
    window = {"from": (since - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "to": (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    points = {}
    for tag, item in series.items():
        query = urllib.parse.urlencode(dict(series_id=item["id"], format="json", **window))
        body = call(stack.api, "GET", f"/api/v1/readings/export?{query}", token, raw=True)
        points[tag] = json.loads(body)["points"]
    return series, points


def compare_readings(truth: dict, series: dict, points: dict) -> list[str]:
    problems: list[str] = []
    profile = plant_module.PROFILE
    where = {t.name: (d.site, t.unit) for d in profile.devices for t in d.tags}
    where.update({f.tag: (profile.boiler_site, f.unit) for f in profile.boiler_fields})
    agent_of = {"plant1": "plant1-gw1", "plant2": "plant2-gw1"}
    for tag in sorted(set(where) | set(series)):
        if tag not in where:
            problems.append(f"{tag}: stored upstream but not a tag of the plant")
            continue
        if tag not in series:
            problems.append(f"{tag}: no series upstream (expected {len(truth['expected'].get(tag, []))} readings)")
            continue
        site, unit = where[tag]
        if series[tag]["agent_name"] != agent_of[site] or series[tag]["unit"] != unit:
            problems.append(f"{tag}: series at {series[tag]['agent_name']} in {series[tag]['unit']!r}, "
                            f"expected {agent_of[site]} in {unit!r}")
        expected = truth["expected"].get(tag, [])
        stored = points[tag]
        if len(stored) != len(expected):
            problems.append(f"{tag}: {len(stored)} readings stored, {len(expected)} served")
        for index, (want, point) in enumerate(zip(expected, stored)):
            if Decimal(point["value"]) != Decimal(want) or point.get("quality") != "good":
                problems.append(f"{tag}: reading {index} at {point['time']} is {point['value']} "
                                f"({point.get('quality')}), the plant served {want}")
                break
    for tag, total in (truth["totals"] or {}).get("counters", {}).items():
        stored = points.get(tag) or []
        if stored and Decimal(stored[-1]["value"]) != Decimal(total):
            problems.append(f"{tag}: last stored {stored[-1]['value']}, the plant's final total is {total}")
    return problems


def compare_alarms(stack: PlantStack) -> list[str]:
    history = os.path.join(stack.path("plant1-gw1"), "agent.log")
    with open(history) as handle:
        text = handle.read()
    tag = plant_module.PROFILE.excursion_tag
    if f"alarm {tag} H normal -> unacknowledged_active" not in text:
        return [f"the excursion did not raise {tag} H (see {history})"]
    return []


def compare_inventory(stack: PlantStack, truth: dict, series: dict, points: dict) -> list[str]:
    """TODO(accounting API): the site inventory computed by the aggregator from telemetry must equal
    CarbonCore's inventory of the plant's own totals (truth["totals"]["counters"] minus the first served
    value of each counter: gas.total Nm3, pm*.energy kWh, genset.fuel_total L), to the last digit.
    Until the accounting API and the tag-to-source mappings are merged there is nothing to compare."""
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sim-hours", type=float, default=24.0, help="simulated period (default one day)")
    parser.add_argument("--speed", type=float, default=2880.0, help="simulated seconds per real second")
    parser.add_argument("--run-dir", default=os.path.join(ROOT, "run", "ground-truth"))
    parser.add_argument("--keep", action="store_true", help="keep the run folder (it is kept on failure)")
    args = parser.parse_args()

    # The excursion: two simulated hours from 06:00 into the run (14:00 at the plant).
    stack = PlantStack(args.run_dir, speed=args.speed, excursion=(6 * 3600.0, 2 * 3600.0), sim_start=SIM_START)
    began = datetime.now(timezone.utc)
    problems: list[str] = []
    try:
        stack.start()
        period = args.sim_hours * 3600.0 / args.speed
        print(f"ground truth: {args.sim_hours:g} simulated hours at ×{args.speed:g} ({period:.0f} s), "
              f"aggregator {stack.api}, run folder {stack.run_dir}", flush=True)
        time.sleep(period)
        totals = stack.freeze_plant()
        drained = stack.wait_drained()
        truth = load_truth(stack.truth)
        series, points = fetch_stored(stack, began)
        stored = sum(len(p) for p in points.values())
        served = sum(len(v) for v in truth["expected"].values())
        print(f"ground truth: the plant served {truth['reads']} read requests and {truth['messages']} MQTT messages "
              f"= {served} tag values; {stored} readings stored upstream in {len(series)} series; "
              f"drained {drained:.1f} s after the freeze", flush=True)
        print(f"ground truth: final counters {json.dumps(totals['counters'], sort_keys=True)}", flush=True)
        problems += compare_readings(truth, series, points)
        problems += compare_alarms(stack)
        problems += compare_inventory(stack, truth, series, points)
    finally:
        stack.stop()
    if problems:
        print("ground truth: FAILED (run folder kept: %s)" % stack.run_dir, file=sys.stderr)
        for problem in problems:
            print("  - " + problem, file=sys.stderr)
        return 1
    print("ground truth: OK (every stored reading equals what the plant served, count and value)")
    if not args.keep:
        import shutil
        shutil.rmtree(stack.run_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
