#!/usr/bin/env python3
"""Creates two organisations under the root, each with an administrator, through the aggregator's
API, and prints one session token per line (root administrator first). stdlib only.
Usage: api_world.py URL ROOT_PASSWORD"""
import json
import sys
import urllib.request


def call(url, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


def main():
    url, password = sys.argv[1], sys.argv[2]
    root = call(url, "POST", "/api/v1/auth/login", body={"username": "admin", "password": password})["token"]
    me = call(url, "GET", "/api/v1/me", root)
    root_org = me["memberships"][0]["organisation_id"]
    tokens = [root]
    for name in ("alpha", "bravo"):
        org = call(url, "POST", "/api/v1/organisations", root, {"parent_id": root_org, "name": name, "kind": "group"})
        try:
            call(url, "POST", "/api/v1/users", root, {
                "username": name + "-admin", "display_name": name + " admin", "password": password,
                "organisation_id": org["id"], "role_id": "00000000-0000-4000-8000-000000000001"})
            tokens.append(call(url, "POST", "/api/v1/auth/login",
                               body={"username": name + "-admin", "password": password})["token"])
        except urllib.error.HTTPError as error:  # the users API is not there yet: root only
            print(f"api_world: {name} admin not created: {error}", file=sys.stderr)
    print("\n".join(tokens))


if __name__ == "__main__":
    main()
