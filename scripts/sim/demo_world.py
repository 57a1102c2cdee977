#!/usr/bin/env python3
"""Sets up the demo's organisation through the aggregator's API, as an administrator would: a group with
one site per edge agent (each agent bound to its site, its token written to a 0600 file) and an operator
at the first site; once the agents' series exist, `create_accounting` maps them to the group's emission
sources (ACCOUNTING) and starts the group's inventory for the current reporting year. stdlib only. Used by scripts/sim/plant_stack.py; on its own it prints KEY=VALUE lines.
Usage: demo_world.py URL ADMIN_PASSWORD_FILE OPERATOR_PASSWORD_FILE SITE_NAME:AGENT_NAME:TOKEN_FILE..."""
import json
import os
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

OPERATOR_ROLE = "00000000-0000-4000-8000-000000000002"
TIME_ZONE = "Asia/Shanghai"

# Tag → source mappings of the group (all counters: last − first over the period, resets handled).
# (source template without its quantity, [(tag, unit the source takes)]). Several tags feeding one
# source are summed unrounded (CarbonCore's "quantities"). Factors come from the shipped library:
# natural gas CN-NG-* (NCV, carbon content, oxidation), the grid CN average of the latest data year
# not after the reporting year, diesel CN-DIESEL-* (NCV per tonne, hence the density: the library has
# none; 0.84 kg/L is a typical diesel density at 20 °C, an assumption of the demo).
# The stack analyser is not mapped as a CEMS source: its CO2 is in % (the API takes ppm or mg/m3), a
# CEMS source is built from whole clock hours of telemetry (an accelerated run has none), and it would
# count the boiler's natural-gas CO2 a second time.
ACCOUNTING = (
    ({"id": "boiler-natural-gas", "kind": "combustion", "name": "Boiler house natural gas (meter gas.total)",
      "fuel": "natural_gas"}, [("gas.total", "Nm3")]),
    ({"id": "purchased-electricity", "kind": "purchased_electricity",
      "name": "Purchased electricity (meters pm1, pm2, pm3)", "grid": {"region": "CN", "scope": "average"}},
     [("pm1.energy", "MWh"), ("pm2.energy", "MWh"), ("pm3.energy", "MWh")]),
    ({"id": "genset-diesel", "kind": "combustion", "name": "Genset diesel (meter genset.fuel_total)",
      "fuel": "diesel", "density": {"value": "0.84", "unit": "kg/L"}}, [("genset.fuel_total", "L")]),
)


def call(url, method, path, token=None, body=None, headers=False):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request) as response:
            text = response.read()
            result = json.loads(text) if text else None
            return (result, response.headers) if headers else result
    except urllib.error.HTTPError as error:
        sys.exit(f"demo_world: {method} {path}: {error.code} {error.read().decode()}")


def create_world(url, admin_password, operator_password, sites):
    """sites: [(site name, agent name, token file)]. Returns {"group_id", "sites": {agent name: site id},
    "agents": {agent name: agent id}}."""
    admin = call(url, "POST", "/api/v1/auth/login", body={"username": "admin", "password": admin_password})["token"]
    root = call(url, "GET", "/api/v1/me", admin)["memberships"][0]["organisation_id"]
    group = call(url, "POST", "/api/v1/organisations", admin,
                 {"parent_id": root, "name": "Demo Energy Group", "kind": "group", "time_zone": TIME_ZONE})
    world = {"group_id": group["id"], "sites": {}, "agents": {}}
    for site_name, agent_name, token_file in sites:
        site = call(url, "POST", "/api/v1/organisations", admin,
                    {"parent_id": group["id"], "name": site_name, "kind": "site", "time_zone": TIME_ZONE})
        created = call(url, "POST", "/api/v1/agents", admin, {"name": agent_name, "site_id": site["id"]})
        fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(created["credential"]["token"] + "\n")
        world["sites"][agent_name] = site["id"]
        world["agents"][agent_name] = created["agent"]["id"]
    call(url, "POST", "/api/v1/users", admin, {
        "username": "operator", "display_name": "Plant operator", "password": operator_password,
        "organisation_id": world["sites"][sites[0][1]], "role_id": OPERATOR_ROLE})
    return world


def reporting_year(url):
    """The current reporting year of the group: the aggregator's clock (its Date header) in TIME_ZONE."""
    _, headers = call(url, "GET", "/readyz", headers=True)
    now = parsedate_to_datetime(headers["Date"]) if headers.get("Date") else datetime.now().astimezone()
    return now.astimezone(ZoneInfo(TIME_ZONE)).year


def create_accounting(url, admin_password, group_id, timeout=60.0):
    """Maps the plant's counters to the group's sources (ACCOUNTING) once every mapped tag has a series
    upstream, and creates the group's inventory for the current reporting year. Returns
    {"inventory_id", "year", "mappings": {tag: mapping id}}."""
    admin = call(url, "POST", "/api/v1/auth/login", body={"username": "admin", "password": admin_password})["token"]
    wanted = {tag for _, feeds in ACCOUNTING for tag, _ in feeds}
    deadline = time.time() + timeout
    while True:
        series = {s["tag"]: s for s in call(url, "GET", "/api/v1/series", admin) or []}
        if wanted <= set(series):
            break
        if time.time() > deadline:
            sys.exit(f"demo_world: no series upstream for {sorted(wanted - set(series))} after {timeout:g} s")
        time.sleep(0.5)
    mappings = {}
    for source, feeds in ACCOUNTING:
        for tag, unit in feeds:
            mapping = call(url, "POST", "/api/v1/inventory-mappings", admin, {
                "organisation_id": group_id, "source": source, "series_id": series[tag]["id"],
                "aggregation": "counter", "unit": unit})
            mappings[tag] = mapping["id"]
    year = reporting_year(url)
    inventory = call(url, "POST", "/api/v1/inventories", admin, {
        "organisation_id": group_id, "name": f"Demo Energy Group {year}", "reporting_year": year})
    return {"inventory_id": inventory["id"], "year": year, "mappings": mappings}


def first_line(path):
    with open(path) as handle:
        return handle.readline().rstrip("\n")


def main():
    url, admin_file, operator_file = sys.argv[1:4]
    sites = [tuple(spec.split(":", 2)) for spec in sys.argv[4:]]
    world = create_world(url, first_line(admin_file), first_line(operator_file), sites)
    print(f"GROUP_ID={world['group_id']}")
    for agent, site in world["sites"].items():
        print(f"SITE_ID_{agent.upper().replace('-', '_')}={site}")


if __name__ == "__main__":
    main()
