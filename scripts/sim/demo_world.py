#!/usr/bin/env python3
"""Sets up the demo's organisation through the aggregator's API, as an administrator would:
a group with one site, an edge agent bound to the site (its token written to a file), and an
operator. stdlib only. Prints KEY=VALUE lines for the demo script.
Usage: demo_world.py URL ADMIN_PASSWORD_FILE AGENT_NAME TOKEN_FILE OPERATOR_PASSWORD_FILE"""
import json
import os
import sys
import urllib.error
import urllib.request


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


def first_line(path):
    with open(path) as handle:
        return handle.readline().rstrip("\n")


def main():
    url, admin_file, agent_name, token_file, operator_file = sys.argv[1:6]
    admin = call(url, "POST", "/api/v1/auth/login", body={"username": "admin", "password": first_line(admin_file)})["token"]
    root = call(url, "GET", "/api/v1/me", admin)["memberships"][0]["organisation_id"]
    group = call(url, "POST", "/api/v1/organisations", admin,
                 {"parent_id": root, "name": "Demo Energy Group", "kind": "group"})
    site = call(url, "POST", "/api/v1/organisations", admin,
                {"parent_id": group["id"], "name": "Demo plant 1", "kind": "site", "time_zone": "Asia/Shanghai"})
    created = call(url, "POST", "/api/v1/agents", admin, {"name": agent_name, "site_id": site["id"]})
    fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(created["credential"]["token"] + "\n")
    call(url, "POST", "/api/v1/users", admin, {
        "username": "operator", "display_name": "Plant operator", "password": first_line(operator_file),
        "organisation_id": site["id"], "role_id": "00000000-0000-4000-8000-000000000002"})
    print(f"GROUP_ID={group['id']}")
    print(f"SITE_ID={site['id']}")
    print(f"AGENT_ID={created['agent']['id']}")


if __name__ == "__main__":
    main()
