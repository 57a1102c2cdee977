#!/usr/bin/env python3
"""Load generator for bench/ingest (stdlib only).

  ingest_client.py http  --url http://127.0.0.1:PORT --agents NAME:TOKEN,... --readings N --batch B
                         [--tags K] [--gzip] [--start-ms MS]
      Builds every batch first (canonical content hash as CarbonCore computes it), then POSTs them
      to /api/v1/ingest/batches, one keep-alive connection per agent, and prints "readings_per_s X".
  ingest_client.py rows  --readings N --tags K --agents A [--start-ms MS] --out FILE
      Writes the same rows as the HTTP run stores (series_id, time_ms, store_epoch, seq, value,
      quality) as COPY text, for the raw baseline.
  ingest_client.py sqlite --db PATH --rows FILE --batch B
      Inserts those rows into the migrated schema's `readings` with one prepared INSERT per row
      and one transaction per B rows (WAL, synchronous=FULL, as the aggregator runs), and prints
      "rows_per_s X".
"""
import argparse
import gzip
import hashlib
import http.client
import json
import sqlite3
import sys
import threading
import time
import urllib.parse
import uuid

FORMAT = "carbon-batch/1"


def reading(i, tags, start_ms):
    # One reading per tag per second; values with one decimal, written as Decimal prints them.
    seq = i + 1
    return {"seq": seq, "tag": "bench.tag%03d" % (i % tags), "unit": "kWh",
            "time_ms": start_ms + (i // tags) * 1000, "value": "%d.%d" % (i % 100000, i % 9 + 1), "quality": "good"}


def batch(agent, epoch, readings):
    first, last = readings[0]["seq"], readings[-1]["seq"]
    digest = hashlib.sha256()
    digest.update(("%s\n%s\n%s\n%d\n%d\n" % (FORMAT, agent, epoch, first, last)).encode())
    for r in readings:
        digest.update(("R\t%d\t%s\t%s\t%d\t%s\t%s\n" % (r["seq"], r["tag"], r["unit"], r["time_ms"], r["value"],
                                                      r["quality"])).encode())
    return {"format": FORMAT, "agent_id": agent, "store_epoch": epoch, "first_seq": first, "last_seq": last,
            "readings": readings, "gaps": [], "rollups": [], "content_sha256": digest.hexdigest()}


def http_run(args):
    # One sequential sender per agent, as real agents send: each has its own store epoch, tags and
    # sequences 1..N/A, so on PostgreSQL agents proceed in parallel (one epoch's batches cannot).
    agents = [pair.split(":", 1) for pair in args.agents.split(",")]
    per_agent = args.readings // len(agents)
    plans = []
    for name, token in agents:
        epoch = str(uuid.uuid4())
        bodies = []
        for start in range(0, per_agent, args.batch):
            rows = [reading(i, args.tags, args.start_ms) for i in range(start, min(start + args.batch, per_agent))]
            body = json.dumps(batch(name, epoch, rows), separators=(",", ":")).encode()
            bodies.append(gzip.compress(body, 1) if args.gzip else body)
        plans.append((token, bodies))
    url = urllib.parse.urlparse(args.url)
    failures = []

    def sender(token, bodies):
        headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        if args.gzip:
            headers["Content-Encoding"] = "gzip"
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        for body in bodies:
            while True:
                connection.request("POST", "/api/v1/ingest/batches", body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                if response.status in (429, 503):
                    time.sleep(float(response.getheader("Retry-After") or "1"))
                    continue
                if response.status != 200 or json.loads(data)["status"] != "accepted":
                    failures.append((response.status, data[:200]))
                break
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=sender, args=plan) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        print("failures: %d, first: %r" % (len(failures), failures[0]), file=sys.stderr)
        sys.exit(1)
    print("readings_per_s %d" % (per_agent * len(agents) / elapsed))
    print("bytes_per_batch %d" % (sum(len(b) for _, bodies in plans for b in bodies) // sum(len(b) for _, b in plans)))


def rows_run(args):
    # The rows the HTTP run stores, agent by agent (series and epoch ids numbered from 1).
    per_agent = args.readings // args.agents
    with open(args.out, "w") as out:
        for agent in range(args.agents):
            for i in range(per_agent):
                r = reading(i, args.tags, args.start_ms)
                out.write("%d\t%d\t%d\t%d\t%s\tgood\n" % (1 + agent * args.tags + i % args.tags, r["time_ms"],
                                                         agent + 1, r["seq"], r["value"]))


def sqlite_run(args):
    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    with open(args.rows) as source:
        rows = [tuple(int(f) if n < 4 else f for n, f in enumerate(line.rstrip("\n").split("\t"))) for line in source]
    started = time.perf_counter()
    for start in range(0, len(rows), args.batch):
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO readings (series_id, time_ms, store_epoch, seq, value, quality) VALUES (?,?,?,?,?,?)",
                       rows[start:start + args.batch])
        db.execute("COMMIT")
    print("rows_per_s %d" % (len(rows) / (time.perf_counter() - started)))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    h = sub.add_parser("http")
    h.add_argument("--url", required=True)
    h.add_argument("--agents", required=True, help="NAME:TOKEN,NAME:TOKEN,...")
    h.add_argument("--readings", type=int, default=200000)
    h.add_argument("--batch", type=int, default=1000)
    h.add_argument("--tags", type=int, default=20)
    h.add_argument("--start-ms", type=int, default=1764000000000)
    h.add_argument("--gzip", action="store_true")
    r = sub.add_parser("rows")
    r.add_argument("--readings", type=int, required=True)
    r.add_argument("--tags", type=int, default=20)
    r.add_argument("--agents", type=int, default=1)
    r.add_argument("--start-ms", type=int, default=1764000000000)
    r.add_argument("--out", required=True)
    s = sub.add_parser("sqlite")
    s.add_argument("--db", required=True)
    s.add_argument("--rows", required=True)
    s.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    {"http": http_run, "rows": rows_run, "sqlite": sqlite_run}[args.command](args)


if __name__ == "__main__":
    main()
