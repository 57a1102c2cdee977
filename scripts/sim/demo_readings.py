#!/usr/bin/env python3
"""Shows what the aggregator holds for the demo: the series and the stack CH4 tag's per-minute maxima,
read through the API with a session token. stdlib only.
Usage: demo_readings.py URL TOKEN_FILE"""
import json
import sys
import urllib.request
from datetime import datetime, timedelta, timezone


def get(url, token, path):
    request = urllib.request.Request(url + path)
    request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def main():
    url, token_file = sys.argv[1], sys.argv[2]
    with open(token_file) as handle:
        token = handle.readline().strip()
    series = get(url, token, "/api/v1/series")
    print(f"$ GET {url}/api/v1/series")
    for item in series:
        print(f"    series {item['id']:>3}  {item['agent_name']:<11} {item['tag']:<20} {item.get('unit', '')}")
    ch4 = next((item for item in series if item["tag"] == "stack1.ch4"), None)
    if ch4 is None:
        sys.exit("demo_readings: no stack1.ch4 series upstream yet")
    since = (datetime.now(timezone.utc) - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = f"/api/v1/readings?series_id={ch4['id']}&interval=1m&agg=max&from={since}"
    print(f"$ GET {url}{path}")
    reply = get(url, token, path)
    for point in reply.get("points", []):
        when = point.get("time") or point.get("from") or point.get("start", "")
        print(f"    {when}  max {point['value']} ppm  ({point.get('count', '?')} readings)")


if __name__ == "__main__":
    main()
