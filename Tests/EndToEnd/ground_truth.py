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
  - inventory: the group's inventory for the reporting year, calculated by the aggregator from telemetry
    (the tag → source mappings of scripts/sim/demo_world.py), equals CarbonCore's inventory computed by
    `carbonctl account` from the plant's own counter increases: total, by gas and per source (tCO2e and
    gases) as exact decimal strings, activity as exact decimals; every counter reading stored is counted,
    none outside the reporting year
Exits 0 when all agree, 1 with a per-tag diff otherwise.

Usage: ground_truth.py [--sim-hours 24] [--speed 2880] [--run-dir run/ground-truth] [--keep]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.parse
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "sim"))
import plant as plant_module  # noqa: E402
from demo_world import ACCOUNTING, TIME_ZONE  # noqa: E402
from plant_stack import BIN, PlantStack, call  # noqa: E402

# 08:00 at the plant (UTC+8) on 15 January of the current year there. Simulated time drives only the
# load curve (hour of day) and the noise (step), so the values served are the same in any year; the
# readings are stamped by the agents' clocks, so the real run must lie inside the inventory's reporting
# year too. compare_inventory checks both against the inventory's period.
SIM_START = datetime(datetime.now(ZoneInfo(TIME_ZONE)).year, 1, 15, 0, 0, tzinfo=timezone.utc).timestamp()


def load_truth(path: str) -> dict:
    """Per tag the values served (in order), the final totals, and the raw counts."""
    expected: dict[str, list[str]] = defaultdict(list)
    totals, reads, messages, sim_start = None, 0, 0, None
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
            elif record["kind"] == "start":
                sim_start = record["sim_start"]
            elif record["kind"] == "totals":
                totals = record
            elif record["kind"] == "mqtt-unacked":
                raise SystemExit(f"ground truth: the broker did not acknowledge a message: {record}")
    return {"expected": dict(expected), "totals": totals, "reads": reads, "messages": messages, "sim_start": sim_start}


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
    """The group's inventory calculated by the aggregator from telemetry must equal CarbonCore's inventory
    of the plant's own counter increases (final total minus the first served value: gas.total Nm3,
    pm*.energy kWh, genset.fuel_total L), computed directly by `carbonctl account`, to the last digit."""
    problems: list[str] = []
    year = stack.accounting["year"]
    reply = stack.calculate_inventory()
    version = reply["version"]
    api = version["result"]["report"]
    # The period: local midnight of 1 January to local midnight of the next in the group's time zone.
    zone = ZoneInfo(TIME_ZONE)
    lower, upper = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    simulated = (datetime.fromtimestamp(truth["sim_start"], timezone.utc),
                 datetime.fromtimestamp((truth["totals"] or {}).get("sim_time", truth["sim_start"]), timezone.utc))
    if not all(lower <= at < upper for at in simulated):
        problems.append(f"inventory: the simulated period {simulated[0]:%Y-%m-%dT%H:%MZ} … {simulated[1]:%Y-%m-%dT%H:%MZ} "
                        f"is not inside the reporting year {year} ({TIME_ZONE})")
    for tag in (t for _, feeds in ACCOUNTING for t, _ in feeds):
        stored = points.get(tag) or []
        for point in (stored[:1] + stored[-1:]):
            at = datetime.fromisoformat(point["time"].replace("Z", "+00:00"))
            if not lower <= at < upper:
                problems.append(f"inventory: {tag} reading at {point['time']} is outside the reporting year {year} "
                                f"({TIME_ZONE}); the run straddled the new year, run it again")
    by_series = {}
    for entry in version["result"].get("coverage", []):
        by_series[entry["series_id"]] = entry
    # The direct input: the same source templates, the quantities from the plant's own log.
    counters, expected = (truth["totals"] or {}).get("counters", {}), truth["expected"]
    direct_sources, increases = [], {}
    for template, feeds in ACCOUNTING:
        quantities = []
        for tag, _ in feeds:
            if tag not in counters or not expected.get(tag):
                problems.append(f"inventory: the plant served no {tag}")
                continue
            increases[tag] = Decimal(counters[tag]) - Decimal(expected[tag][0])
            unit = series[tag]["unit"] if tag in series else "?"
            quantities.append({"value": str(increases[tag]), "unit": unit})
            covered = by_series.get(series.get(tag, {}).get("id"))
            if covered is None:
                problems.append(f"inventory: no coverage entry for {tag}")
            elif covered["readings"] != len(expected[tag]) or covered["counter_resets"] != 0:
                problems.append(f"inventory: {tag} counted over {covered['readings']} readings with "
                                f"{covered['counter_resets']} resets; the plant served {len(expected[tag])}")
        source = dict(template)
        if len(quantities) == 1:
            source["quantity"] = quantities[0]
        else:
            source["quantities"] = quantities
        direct_sources.append(source)
    document = {"organisation": api["organisation"], "period": {"from": f"{year}-01-01", "to": f"{year}-12-31"},
                "year": year, "sources": direct_sources}
    path = stack.path("inventory-direct.json")
    with open(path, "w") as handle:
        json.dump(document, handle, indent=2, ensure_ascii=False)
    result = subprocess.run([f"{BIN}/carbonctl", "account", path], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        return problems + [f"inventory: carbonctl account {path} failed: {result.stderr.strip()}"]
    direct = json.loads(result.stdout)

    def same(what: str, got, want) -> None:
        if got != want:
            problems.append(f"inventory: {what}: aggregator {got!r}, CarbonCore from the plant's totals {want!r}")

    same("total tCO2e", api["total_tco2e"], direct["total_tco2e"])
    same("version total tCO2e", version["total_tco2e"], direct["total_tco2e"])
    same("tonnes by gas", api["by_gas"], direct["by_gas"])
    same("tCO2e by kind", api["by_kind"], direct["by_kind"])
    api_sources = {s["id"]: s for s in api["sources"]}
    inputs = {s["id"]: s for s in version["inputs"]["sources"]}
    unit_factor = {"MWh": Decimal(1000), "kWh": Decimal(1), "Nm3": Decimal(1), "L": Decimal(1)}
    print(f"ground truth: simulated {simulated[0]:%Y-%m-%dT%H:%MZ} … {simulated[1]:%Y-%m-%dT%H:%MZ}; readings stamped "
          f"{min(p['time'] for p in points.get('gas.total', [{'time': '-'}]))} … "
          f"{max(p['time'] for p in points.get('gas.total', [{'time': '-'}]))}", flush=True)
    print(f"ground truth: inventory {year} ({TIME_ZONE}), version {version['number']}: "
          f"aggregator {api['total_tco2e']} tCO2e, CarbonCore from the plant's totals {direct['total_tco2e']} tCO2e",
          flush=True)
    for source in direct["sources"]:
        mine = api_sources.get(source["id"])
        if mine is None:
            problems.append(f"inventory: source {source['id']} missing from the aggregator's inventory")
            continue
        for key in ("tco2e", "gases", "counted"):
            same(f"{source['id']} {key}", mine.get(key), source.get(key))
        given = inputs.get(source["id"], {})
        parts = given.get("quantities") or [given.get("quantity")]
        activity = sum(Decimal(q["value"]) * unit_factor[q["unit"]] for q in parts if q)
        feeds = next(f for t, f in ACCOUNTING if t["id"] == source["id"])
        want = sum(increases.get(tag, Decimal(0)) for tag, _ in feeds)
        if activity != want:
            problems.append(f"inventory: {source['id']} activity {activity} from telemetry, the plant's increase {want}")
        print(f"ground truth:   {source['id']:<22} {mine['tco2e']:>9} / {source['tco2e']:>9} tCO2e  "
              f"gases {json.dumps(mine['gases'])}  activity {want} "
              f"{'+'.join(series.get(tag, {}).get('unit', '?') for tag, _ in feeds[:1])}", flush=True)
    for extra in set(api_sources) - {s["id"] for s in direct["sources"]}:
        problems.append(f"inventory: the aggregator has a source {extra} the plant's totals do not")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sim-hours", type=float, default=24.0, help="simulated period (default one day)")
    parser.add_argument("--speed", type=float, default=2880.0, help="simulated seconds per real second")
    parser.add_argument("--run-dir", default=os.path.join(ROOT, "run", "ground-truth"))
    parser.add_argument("--keep", action="store_true", help="keep the run folder (it is kept on failure)")
    args = parser.parse_args()

    # The excursion: two simulated hours from 06:00 into the run (14:00 at the plant).
    stack = PlantStack(args.run_dir, speed=args.speed, excursion=(6 * 3600.0, 2 * 3600.0), sim_start=SIM_START,
                       account=True)
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
