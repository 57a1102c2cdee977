#!/usr/bin/env python3
"""A stand-in for the aggregator's ingest endpoint, for the edge agent's sync tests (stdlib only).

POST /api/v1/ingest/batches  (Authorization: Bearer <token> when --token is given, else any)
  Idempotent by (agent_id, store_epoch, first_seq, last_seq):
  - a new range: every reading/gap is stored under (agent, epoch, seq); 200 {"status": "accepted", ...}
  - the same range with the same content_sha256: nothing is stored again; the reply is the
    first reply with status "duplicate" (and the watermark as it is now)
  - the same range with another content_sha256, or a seq already held with other content: 409
  The content hash is checked as sent (the stub does not recompute the canonical hash).
  watermark = the highest seq s such that every seq from the epoch's lowest stored seq to s is held.
GET  /debug/readings           {"readings": [{agent_id, store_epoch, seq, ...}], "requests": n,
                                "replays": n, "stores": n}   (sorted by agent, epoch, seq)
POST /debug/faults?fail=N&drop=N&retry_after=S&status=C
  fail:  answer the next N ingest requests with C (default 503), Retry-After S if S is given
  drop:  for the next N ingest requests, commit, then close the connection without replying
  The same knobs as options at start-up: --fail N --drop N --retry-after S --fail-status C,
  and --hang S: the first ingest request waits S seconds before it is handled.
Binds 127.0.0.1 only. Prints "listening PORT" once ready.
"""
import argparse
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

LOCK = threading.Lock()
STATE = {
    "readings": {},  # (agent, epoch, seq) -> record (a reading or a gap/rollup entry)
    "batches": {},   # (agent, epoch, first, last) -> (hash, first reply)
    "fail": 0, "drop": 0, "hang": 0, "retry_after": None, "fail_status": 503,
    "requests": 0, "replays": 0, "stores": 0, "token": None,
    "log": [],       # (time, status) of every ingest request, for the tests
}


def watermark(agent, epoch):
    seqs = sorted(s for (a, e, s) in STATE["readings"] if a == agent and e == epoch)
    if not seqs:
        return 0
    mark = seqs[0] - 1
    for s in seqs:
        if s != mark + 1:
            break
        mark = s
    return mark


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if urlparse(self.path).path != "/debug/readings":
            return self.reply(404, {"error": "not found"})
        with LOCK:
            rows = [dict(agent_id=a, store_epoch=e, seq=s, **r) for (a, e, s), r in sorted(STATE["readings"].items())]
            body = {"readings": rows, "requests": STATE["requests"], "replays": STATE["replays"],
                    "stores": STATE["stores"], "log": STATE["log"]}
        self.reply(200, body)

    def do_POST(self):
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if url.path == "/debug/faults":
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            with LOCK:
                STATE["fail"] = int(q.get("fail", STATE["fail"]))
                STATE["drop"] = int(q.get("drop", STATE["drop"]))
                STATE["fail_status"] = int(q.get("status", STATE["fail_status"]))
                if "retry_after" in q:
                    STATE["retry_after"] = q["retry_after"]
            return self.reply(200, {"ok": True})
        if url.path != "/api/v1/ingest/batches":
            return self.reply(404, {"error": "not found"})
        import time
        with LOCK:
            hang, STATE["hang"] = STATE["hang"], 0
        if hang:
            time.sleep(hang)  # a stuck aggregator: the client's timeout or cancellation must end this
        with LOCK:
            STATE["requests"] += 1
            if STATE["token"] and self.headers.get("Authorization") != "Bearer " + STATE["token"]:
                STATE["log"].append([time.time(), 401])
                return self.reply(401, {"error": "bad token"})
            if STATE["fail"] > 0:
                STATE["fail"] -= 1
                STATE["log"].append([time.time(), STATE["fail_status"]])
                headers = {"Retry-After": STATE["retry_after"]} if STATE["retry_after"] else {}
                return self.reply(STATE["fail_status"], {"error": "injected"}, headers)
            try:
                status, body = self.ingest(json.loads(raw))
            except (ValueError, KeyError, TypeError) as error:
                status, body = 400, {"error": "bad batch: %s" % error}
            drop = status == 200 and STATE["drop"] > 0
            if drop:
                STATE["drop"] -= 1
            STATE["log"].append([time.time(), 0 if drop else status])
        if drop:
            # Committed above; the reply is lost: close without a byte.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.reply(status, body)

    def ingest(self, batch):
        agent, epoch = batch["agent_id"], batch["store_epoch"].lower()
        first, last, digest = int(batch["first_seq"]), int(batch["last_seq"]), batch["content_sha256"]
        key = (agent, epoch, first, last)
        known = STATE["batches"].get(key)
        if known is not None:
            if known[0] != digest:
                return 409, {"error": "range %d..%d was already received with other content" % (first, last)}
            STATE["replays"] += 1
            return 200, dict(known[1], status="duplicate", watermark=watermark(agent, epoch))
        records = {}
        for r in batch.get("readings", []):
            records[int(r["seq"])] = {"kind": "reading", "tag": r["tag"], "unit": r["unit"], "time_ms": r["time_ms"],
                                      "value": r["value"], "quality": r["quality"]}
        for kind in ("gaps", "rollups"):
            for g in batch.get(kind, []):
                for s in range(int(g["first_seq"]), int(g["last_seq"]) + 1):
                    records[s] = {"kind": kind[:-1], "reason": g.get("reason")}
        if sorted(records) != list(range(first, last + 1)):
            return 400, {"error": "sequences do not tile %d..%d" % (first, last)}
        for s, record in records.items():
            held = STATE["readings"].get((agent, epoch, s))
            if held is not None and held != record:
                return 409, {"error": "seq %d is already held with other content" % s}
        for s, record in records.items():
            if (agent, epoch, s) not in STATE["readings"]:
                STATE["readings"][(agent, epoch, s)] = record
                STATE["stores"] += 1
        reply = {"status": "accepted", "first_seq": first, "last_seq": last, "content_sha256": digest, "rejected": []}
        STATE["batches"][key] = (digest, reply)
        return 200, dict(reply, watermark=watermark(agent, epoch))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token")
    parser.add_argument("--fail", type=int, default=0)
    parser.add_argument("--fail-status", type=int, default=503)
    parser.add_argument("--drop", type=int, default=0)
    parser.add_argument("--retry-after")
    parser.add_argument("--hang", type=float, default=0)
    args = parser.parse_args()
    STATE.update(hang=args.hang, fail=args.fail, drop=args.drop, retry_after=args.retry_after, fail_status=args.fail_status,
                 token=args.token)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print("listening", args.port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
