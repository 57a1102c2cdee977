#!/usr/bin/env python3
"""Sets up the demo's organisation through the aggregator's API, as an administrator would: a group with
one site per edge agent (each agent bound to its site, its token written to a 0600 file) and an operator
at the first site. stdlib only. Used by scripts/sim/plant_stack.py; on its own it prints KEY=VALUE lines.
Usage: demo_world.py URL ADMIN_PASSWORD_FILE OPERATOR_PASSWORD_FILE SITE_NAME:AGENT_NAME:TOKEN_FILE..."""
import json
import os
import sys
import urllib.error
import urllib.request

OPERATOR_ROLE = "00000000-0000-4000-8000-000000000002"


def call(url, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request) as response:
            text = response.read()
            return json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        sys.exit(f"demo_world: {method} {path}: {error.code} {error.read().decode()}")


def create_world(url, admin_password, operator_password, sites):
    """sites: [(site name, agent name, token file)]. Returns {"group_id", "sites": {agent name: site id},
    "agents": {agent name: agent id}}."""
    admin = call(url, "POST", "/api/v1/auth/login", body={"username": "admin", "password": admin_password})["token"]
    root = call(url, "GET", "/api/v1/me", admin)["memberships"][0]["organisation_id"]
    group = call(url, "POST", "/api/v1/organisations", admin,
                 {"parent_id": root, "name": "Demo Energy Group", "kind": "group"})
    world = {"group_id": group["id"], "sites": {}, "agents": {}}
    for site_name, agent_name, token_file in sites:
        site = call(url, "POST", "/api/v1/organisations", admin,
                    {"parent_id": group["id"], "name": site_name, "kind": "site", "time_zone": "Asia/Shanghai"})
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
