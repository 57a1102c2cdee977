#!/usr/bin/env python3
"""bench/run's measuring half (bench/run builds the release binaries, then runs this): every
benchmark next to a raw baseline measured in the same run on the same disk, written to
docs/benchmarks.md. Client, servers and databases share the machine's cores; figures are what one
run saw, never a pass/fail. Parameters are environment variables (defaults below)."""
import datetime
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
PG_BIN = "/usr/lib/postgresql/15/bin"


def env(name, default):
    return type(default)(os.environ.get(name, default))


SECTIONS = os.environ.get("BENCH_SECTIONS", "agent mqtt alarm ingest api recovery").split()
STORE_READINGS = env("BENCH_STORE_READINGS", 200_000)
MQTT_MESSAGES = env("BENCH_MQTT_MESSAGES", 10_000)
ALARM_SECONDS = env("BENCH_ALARM_SECONDS", 30)
INGEST_READINGS = env("BENCH_INGEST_READINGS", 200_000)
API_DAYS = env("BENCH_API_DAYS", 365)
API_TAGS = env("BENCH_API_TAGS", 20)
WRK_SECONDS = env("BENCH_WRK_SECONDS", 10)
WRK_CONNECTIONS = env("BENCH_WRK_CONNECTIONS", 16)
RECOVERY_ROUNDS = env("BENCH_RECOVERY_ROUNDS", 5)
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "docs", "benchmarks.md"))

WORK = tempfile.mkdtemp(prefix="bench-run-")
os.chmod(WORK, 0o755)  # mosquitto drops to its own user and must reach its folder
PROCESSES: list[subprocess.Popen] = []
REPORT: list[str] = []


def log(text):
    print(f"bench/run: {text}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(args, logfile, **kwargs):
    process = subprocess.Popen(args, stdout=open(logfile, "w"), stderr=subprocess.STDOUT, **kwargs)
    PROCESSES.append(process)
    return process


def stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def fmt(n, digits=0):
    return f"{n:,.{digits}f}"


def proc_cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mb(pid, key="VmRSS"):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_for(check, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except Exception:
            pass
        time.sleep(interval)
    return False


# -- raw SQLite baselines (python's sqlite3 on the system libsqlite3, same disk, WAL, synchronous=FULL) --

def raw_sqlite_batched(n, batch=1000):
    path = os.path.join(WORK, f"raw-batched-{time.monotonic_ns()}.sqlite")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE r (seq INTEGER PRIMARY KEY, series INTEGER, time_ms INTEGER, value ANY, scale INTEGER, quality INTEGER)")
    start = time.perf_counter()
    for b in range(0, n, batch):
        db.execute("BEGIN")
        db.executemany("INSERT INTO r (series, time_ms, value, scale, quality) VALUES (?,?,?,2,0)",
                       [(i % 20, 1764000000000 + i // 20 * 1000, i % 100000) for i in range(b, min(b + batch, n))])
        db.execute("COMMIT")
    rate = n / (time.perf_counter() - start)
    db.close()
    return rate


def raw_sqlite_single(seconds=3.0):
    path = os.path.join(WORK, f"raw-single-{time.monotonic_ns()}.sqlite")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE r (seq INTEGER PRIMARY KEY, series INTEGER, time_ms INTEGER, value ANY, scale INTEGER, quality INTEGER)")
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        db.execute("INSERT INTO r (series, time_ms, value, scale, quality) VALUES (?,?,?,2,0)", (n % 20, n, n))
        n += 1  # autocommit: one transaction per row
    rate = n / (time.perf_counter() - start)
    db.close()
    return rate


# -- the agent ----------------------------------------------------------------------------------

def section_agent():
    log(f"agent buffer: {STORE_READINGS} readings")
    store = os.path.join(WORK, "store-bench.sqlite")
    result = subprocess.run(["/usr/bin/time", "-f", "TIME %e %U %S %M", f"{BIN}/edge-agent", "bench-store",
                             "--path", store, "--readings", str(STORE_READINGS)],
                            capture_output=True, text=True, check=True)
    rate = int(re.search(r"store_rows_per_s (\d+)", result.stdout).group(1))
    size = float(re.search(r"store_bytes_per_reading ([\d.]+)", result.stdout).group(1))
    wall, user, system, max_kb = re.search(r"TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", result.stderr).groups()
    cpu = (float(user) + float(system)) / float(wall) * 100
    raw = raw_sqlite_batched(STORE_READINGS)
    REPORT.append("## Agent: readings into the buffer\n")
    REPORT.append(table(["what", "readings/s", "vs raw", "CPU (process)", "peak RSS", "bytes/reading"], [
        ["edge-agent buffer (`edge-agent bench-store`, 1000 readings per group commit)", fmt(rate), f"{rate / raw:.2f}",
         f"{cpu:.0f}% of one core", f"{int(max_kb) / 1024:.0f} MB", f"{size:.1f}"],
        ["raw SQLite, python sqlite3 `executemany`, 1000 rows per transaction", fmt(raw), "1.00", "", "", ""],
    ]))
    REPORT.append(f"\n{STORE_READINGS:,} readings, 20 tags, WAL, `synchronous=FULL` on both sides. CPU is the "
                  "agent process's user+system time over its wall time (`/usr/bin/time`), RSS its peak.\n")


# -- MQTT and alarms: a real agent, a real mosquitto ----------------------------------------------

class Broker:
    def __init__(self):
        self.folder = os.path.join(WORK, "mosquitto")
        os.makedirs(self.folder, exist_ok=True)
        shutil.chown(self.folder, "mosquitto", "mosquitto")
        self.port = free_port()
        config = os.path.join(self.folder, "mosquitto.conf")
        with open(config, "w") as h:
            h.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npid_file {self.folder}/pid\n"
                    f"log_dest file {self.folder}/log\nmax_inflight_messages 1000\nmax_queued_messages 1000000\n"
                    "persistence false\n")
        subprocess.run(["mosquitto", "-c", config, "-d"], check=True)
        if not wait_for(lambda: socket.create_connection(("127.0.0.1", self.port), 0.2).close() or True, 10):
            raise RuntimeError("mosquitto did not start")

    def stop(self):
        try:
            os.kill(int(open(os.path.join(self.folder, "pid")).read()), signal.SIGTERM)
        except (OSError, ValueError):
            pass


class Agent:
    """One edge agent in a folder of its own; MQTT and/or one Modbus TCP device."""

    def __init__(self, name, broker=None, alarm_limit=None, modbus_port=None, modbus_interval_ms=100):
        self.folder = os.path.join(WORK, name)
        os.makedirs(os.path.join(self.folder, "devices.d"), exist_ok=True)
        self.config = os.path.join(self.folder, "edge-agent.toml")
        self.store = os.path.join(self.folder, "state", "buffer.sqlite")
        text = (f'[agent]\nid = "{name}"\nstate_directory = "state"\ndevices_directory = "devices.d"\n'
                f'control_socket = "control.sock"\n\n[buffer]\ngroup_commit_ms = 100\n\n[alarms]\ntick_s = 1\n')
        if broker:
            text += (f'\n[mqtt]\nhost = "127.0.0.1"\nport = {broker.port}\nclient_id = "{name}-mqtt"\n\n'
                     '[[mqtt.subscriptions]]\nfilter = "bench/+/data"\n'
                     'fields = [ { value = "v", tag = "bench.mqtt", unit = "kW" } ]\n')
            if alarm_limit is not None:
                text += f'\n[[mqtt.alarms]]\ntag = "bench.mqtt"\ndeadband = "1"\nh = {{ limit = "{alarm_limit}", priority = "high" }}\n'
        with open(self.config, "w") as h:
            h.write(text)
        if modbus_port:
            with open(os.path.join(self.folder, "devices.d", "10-meter.toml"), "w") as h:
                h.write(f'name = "meter"\nprotocol = "modbus_tcp"\nhost = "127.0.0.1"\nport = {modbus_port}\n'
                        f'unit_id = 1\ninterval_ms = {modbus_interval_ms}\ntimeout_ms = 1500\naddress_base = 0\nmax_gap = 0\n\n'
                        '[[tags]]\nname = "meter.power"\ntable = "holding_register"\naddress = 0\ndata_type = "uint16"\nunit = "kW"\n\n'
                        '[[alarms]]\ntag = "meter.power"\ndeadband = "1"\nh = { limit = "500", priority = "high" }\n')
        self.process = None
        self.runs = 0

    def start(self):
        self.runs += 1
        self.log = os.path.join(self.folder, f"agent-{self.runs}.log")
        self.process = spawn([f"{BIN}/edge-agent", "run", "--config", self.config, "--log-level", "debug"], self.log,
                             cwd=self.folder)
        if not wait_for(lambda: os.path.exists(self.store), 20):
            raise RuntimeError(f"agent {self.folder} did not create its store: {open(self.log).read()[-2000:]}")

    def count(self, after_ms=None):
        db = sqlite3.connect(f"file:{self.store}?mode=ro", uri=True, timeout=5)
        try:
            if after_ms is None:
                return db.execute("SELECT count(*) FROM readings").fetchone()[0]
            return db.execute("SELECT count(*) FROM readings WHERE time_ms > ?", (after_ms,)).fetchone()[0]
        finally:
            db.close()

    def latencies_ms(self):
        values = []
        for i in range(1, self.runs + 1):
            for line in open(os.path.join(self.folder, f"agent-{i}.log"), errors="replace"):
                m = re.search(r"edge\.alarm_latency_us=(\d+)", line)
                if m:
                    values.append(int(m.group(1)) / 1000)
        return values


def publisher(port, count, payloads, rate=None, topic="bench/1/data"):
    """Publishes `count` QoS 1 messages (cycling through payloads), at most `rate` per second."""
    import paho.mqtt.client as mqtt
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{os.getpid()}")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()
    start = time.perf_counter()
    infos = []
    for i in range(count):
        infos.append(client.publish(topic, payloads[i % len(payloads)], qos=1))
        if rate:
            delay = start + (i + 1) / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
    for info in infos[-100:]:
        info.wait_for_publish(60)
    client.loop_stop()
    client.disconnect()


def section_mqtt():
    log(f"MQTT QoS 1: {MQTT_MESSAGES} messages")
    broker = Broker()
    agent = Agent("mqtt-agent", broker)
    try:
        agent.start()
        time.sleep(1.5)  # subscribed
        pid = agent.process.pid
        cpu0, t0 = proc_cpu_seconds(pid), time.monotonic()
        rss_peak = 0.0
        payloads = [json.dumps({"v": round(random.uniform(0, 100), 2)}).encode() for _ in range(97)]
        import threading
        thread = threading.Thread(target=publisher, args=(broker.port, MQTT_MESSAGES, payloads))
        thread.start()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and agent.count() < MQTT_MESSAGES:
            rss_peak = max(rss_peak, proc_rss_mb(pid))
            time.sleep(0.25)
        thread.join()
        cpu = (proc_cpu_seconds(pid) - cpu0) / (time.monotonic() - t0) * 100
        rss_peak = max(rss_peak, proc_rss_mb(pid, "VmHWM"))
        db = sqlite3.connect(f"file:{agent.store}?mode=ro", uri=True)
        n, first, last = db.execute("SELECT count(*), min(time_ms), max(time_ms) FROM readings").fetchone()
        db.close()
        rate = (n - 1) / max((last - first) / 1000, 1e-3)
    finally:
        if agent.process:
            stop(agent.process)
        broker.stop()
    raw = raw_sqlite_single()
    REPORT.append("## MQTT QoS 1: messages stored by the agent\n")
    REPORT.append(table(["what", "messages/s", "vs raw", "CPU (agent)", "peak RSS (agent)"], [
        [f"edge-agent, commit inside the callback ({n:,} of {MQTT_MESSAGES:,} stored)", fmt(rate), f"{rate / raw:.2f}",
         f"{cpu:.0f}% of one core", f"{rss_peak:.0f} MB"],
        ["raw SQLite single-row commits (python sqlite3, autocommit)", fmt(raw), "1.00", "", ""],
    ]))
    REPORT.append("\nOne publisher (paho-mqtt, QoS 1, 1000 in flight) through mosquitto 2 on loopback, one agent "
                  "subscription with clean session off; each message is one reading committed in its own transaction "
                  "(WAL, `synchronous=FULL`) before the PUBACK leaves. The rate is readings stored over the span of "
                  "their receipt timestamps in the agent's buffer.\n")


def section_alarm():
    log(f"alarm latency: {ALARM_SECONDS} s MQTT + {ALARM_SECONDS} s Modbus")
    broker = Broker()
    agent = Agent("alarm-mqtt-agent", broker, alarm_limit=50)
    rows = []
    try:
        agent.start()
        time.sleep(1.5)
        rate = 20  # every message crosses the limit one way or the other: one transition each
        publisher(broker.port, rate * ALARM_SECONDS, [b'{"v": 80}', b'{"v": 10}'], rate=rate)
        time.sleep(1)
        stop(agent.process)
        mqtt = agent.latencies_ms()
        rows.append(["MQTT reading (QoS 1, commit in the callback)", len(mqtt), f"{percentile(mqtt, 50):.2f}",
                     f"{percentile(mqtt, 99):.2f}", f"{max(mqtt):.2f}" if mqtt else "-"])
    finally:
        broker.stop()
    port = free_port()
    device = spawn([PYTHON, os.path.join(ROOT, "scripts/sim/modbus_device.py"), "--port", str(port),
                    "--registers", '{"0": [0]}', "--wave", "0:0:1000:2"], os.path.join(WORK, "modbus-device.log"))
    wait_for(lambda: "ready" in open(os.path.join(WORK, "modbus-device.log")).read(), 20)
    agent = Agent("alarm-modbus-agent", modbus_port=port)
    agent.start()
    time.sleep(ALARM_SECONDS)
    stop(agent.process)
    modbus = agent.latencies_ms()
    rows.append(["Modbus TCP reading (100 ms poll, group commit 100 ms, then evaluated)", len(modbus),
                 f"{percentile(modbus, 50):.2f}", f"{percentile(modbus, 99):.2f}", f"{max(modbus):.2f}" if modbus else "-"])
    REPORT.append("## Alarm latency: reading arrival to transition committed\n")
    REPORT.append(table(["path", "transitions", "p50 ms", "p99 ms", "max ms"], rows))
    REPORT.append("\nTarget (issue 3): ≤ 50 ms p99. Measured by the agent itself: for each reading that committed a "
                  "transition it logs `edge.alarm_latency_us` at debug level = wall clock after the alarm store's "
                  "commit returned minus the reading's receipt timestamp (Sources/EdgeAgent/Agent.swift, "
                  "`logAlarmLatency`). MQTT: a publisher alternates 80 and 10 against an H limit of 50 at 20 messages/s. "
                  "Modbus: a pymodbus register on a 2 s triangle wave 0-1000 against an H limit of 500, polled every "
                  "100 ms; the Modbus path evaluates alarms only after the reading's group commit returned, so its "
                  "latency includes the group-commit wait (`group_commit_ms = 100`). Alarm store: WAL, `synchronous=FULL`.\n")
    globals()["MODBUS_DEVICE"] = (device, port, agent)


# -- aggregator ingest (bench/ingest) --------------------------------------------------------------

def section_ingest():
    log(f"aggregator ingest: {INGEST_READINGS} readings (bench/ingest)")
    result = subprocess.run([os.path.join(ROOT, "bench/ingest"), str(INGEST_READINGS)], capture_output=True, text=True,
                            env={**os.environ, "BENCH_CONFIG": "release"})
    if result.returncode != 0:
        REPORT.append("## Aggregator ingest\n\nbench/ingest failed:\n\n```\n" + result.stderr[-3000:] + "\n```\n")
        return
    out = result.stdout

    def grab(label):
        m = re.search(re.escape(label) + r"\s+([\d.]+)", out)
        return float(m.group(1)) if m else float("nan")
    sqlite_api, sqlite_raw = grab("SQLite  HTTP ingest:"), grab("SQLite  raw batched INSERT:")
    pg_api, pg_copy, pg_insert = grab("Postgres HTTP ingest:"), grab("Postgres raw COPY (per batch):"), grab(
        "Postgres raw multi-row INSERT:")
    REPORT.append("## Aggregator ingest (HTTP, 4 agents, 1000 readings per batch)\n")
    REPORT.append(table(["backend", "HTTP ingest readings/s", "raw baseline", "raw rows/s", "ratio"], [
        ["SQLite", fmt(sqlite_api), "batched INSERT (executemany, 1000/txn)", fmt(sqlite_raw), f"{sqlite_api / sqlite_raw:.2f}"],
        ["PostgreSQL 15", fmt(pg_api), "COPY, one per 1000-row batch", fmt(pg_copy), f"{pg_api / pg_copy:.2f}"],
        ["PostgreSQL 15", fmt(pg_api), "multi-row INSERT (512 rows), 1000/txn", fmt(pg_insert), f"{pg_api / pg_insert:.2f}"],
    ]))
    REPORT.append(f"\n`bench/ingest {INGEST_READINGS}` ({out.splitlines()[1] if len(out.splitlines()) > 1 else ''}): "
                  "bench/ingest_client.py posts the batches as 4 agents; the same rows are then loaded raw into the "
                  "same schema (`aggregator migrate`). The HTTP figure includes JSON decoding, idempotency ranges, "
                  "series lookup and the 1m/1h/1d aggregates the ingest transaction maintains.\n")


# -- the API over a year of one-minute data -----------------------------------------------------------

def call(url, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=120) as response:
        text = response.read()
        return json.loads(text) if text else None


class Aggregator:
    def __init__(self):
        self.folder = os.path.join(WORK, "aggregator")
        os.makedirs(self.folder, exist_ok=True)
        self.database = os.path.join(self.folder, "aggregator.sqlite")
        self.state = os.path.join(self.folder, "state")
        self.password = "bench password 1234"
        with open(os.path.join(self.folder, "password"), "w") as h:
            h.write(self.password + "\n")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.runs = 0

    def start(self, timeout=120):
        self.runs += 1
        self.process = spawn([f"{BIN}/aggregator", "serve", "--database", self.database, "--state-dir", self.state,
                              "--listen", f"127.0.0.1:{self.port}", "--log-level", "warning", "--metrics-listen", "off"],
                             os.path.join(self.folder, f"serve-{self.runs}.log"))
        if not wait_for(self.ready, timeout, 0.01):
            raise RuntimeError("aggregator not ready: " + open(os.path.join(self.folder, f"serve-{self.runs}.log")).read()[-2000:])

    def ready(self):
        with urllib.request.urlopen(self.url + "/readyz", timeout=1) as response:
            return response.status == 200


T0_MS = 1735689600000  # 2025-01-01T00:00:00Z


def load_year(agg, site_id, agent_id, tags, days):
    """Series, raw one-minute readings and their 1h/1d aggregates, straight into the aggregator's schema."""
    minutes = days * 1440
    now_us = int(time.time() * 1e6)
    tag_names = ["gas.total", "power.kwh"] + [f"bench.tag{i:02d}" for i in range(2, tags)]
    units = ["Nm3", "kWh"] + ["kW"] * (tags - 2)
    script = ["PRAGMA journal_mode=WAL;", "PRAGMA synchronous=OFF;", "BEGIN;"]
    for i, (tag, unit) in enumerate(zip(tag_names, units), start=1):
        script.append(f"INSERT INTO series (id, site_id, agent_id, tag, unit, created_at) "
                      f"VALUES ({i}, '{site_id}', '{agent_id}', '{tag}', '{unit}', {now_us});")
    for s in range(1, tags + 1):
        # gas.total is a cumulative counter (+3 Nm3 a minute); the rest are a sawtooth of 0..999.
        value = "m.i * 3" if s == 1 else f"(m.i * 37 + {s * 101}) % 1000"
        script.append(f"""INSERT INTO readings (series_id, time_ms, store_epoch, seq, value, quality)
            WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < {minutes - 1})
            SELECT {s}, {T0_MS} + m.i * 60000, 1, {(s - 1) * minutes} + m.i + 1, CAST({value} AS TEXT), 'good' FROM m;""")
    script.append("COMMIT;")
    # The aggregates, as the ingest transaction would have kept them (UTC site: days are UTC days).
    # Values are integers, so SQL sums are exact; first/last are the bucket's first and last minute.
    for resolution, width in (("1h", 3_600_000), ("1d", 86_400_000)):
        script.append(f"""BEGIN; INSERT INTO reading_aggregates
            (series_id, resolution, bucket_ms, count, sum, min, max, first, first_ms, last, last_ms)
            SELECT g.series_id, '{resolution}', g.bucket, g.n, CAST(g.total AS TEXT), CAST(g.lo AS TEXT), CAST(g.hi AS TEXT),
                   (SELECT value FROM readings r WHERE r.series_id = g.series_id AND r.time_ms = g.first_ms),
                   g.first_ms,
                   (SELECT value FROM readings r WHERE r.series_id = g.series_id AND r.time_ms = g.last_ms),
                   g.last_ms
            FROM (SELECT series_id, time_ms - time_ms % {width} AS bucket, count(*) AS n,
                         sum(CAST(value AS INTEGER)) AS total, min(CAST(value AS INTEGER)) AS lo,
                         max(CAST(value AS INTEGER)) AS hi, min(time_ms) AS first_ms, max(time_ms) AS last_ms
                  FROM readings GROUP BY series_id, bucket) g; COMMIT;""")
    script.append("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
    path = os.path.join(agg.folder, "load.sql")
    with open(path, "w") as h:
        h.write("\n".join(script))
    start = time.perf_counter()
    subprocess.run(["sqlite3", agg.database], stdin=open(path), check=True, stdout=subprocess.DEVNULL)
    return minutes * tags, time.perf_counter() - start, path


def wrk(url, token, lua_body, connections, seconds):
    script = os.path.join(WORK, f"wrk-{time.monotonic_ns()}.lua")
    with open(script, "w") as h:
        h.write(f'wrk.headers["Authorization"] = "Bearer {token}"\nmath.randomseed(7)\n{lua_body}\n')
        h.write('done = function(summary, latency, requests)\n'
                '  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,\n'
                '    latency:percentile(50), latency:percentile(99), summary.errors.status + summary.errors.connect\n'
                '    + summary.errors.read + summary.errors.write + summary.errors.timeout, latency.max))\nend\n')
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", script, url],
                         capture_output=True, text=True, check=True).stdout
    requests, duration_us, p50, p99, errors, worst = map(int, re.search(r"BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", out).groups())
    return requests / (duration_us / 1e6), p50 / 1000, p99 / 1000, errors, requests


def raw_queries(database, make, seconds=5.0):
    """The same SQL in python's sqlite3, one connection, back to back: p50/p99 ms and queries/s."""
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    times, start = [], time.perf_counter()
    rng = random.Random(7)
    while time.perf_counter() - start < seconds:
        statements = make(rng)
        t = time.perf_counter()
        for sql, parameters in statements:
            db.execute(sql, parameters).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    db.close()
    return len(times) / (time.perf_counter() - start), percentile(times, 50), percentile(times, 99)


def iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def section_api():
    agg = Aggregator()
    log(f"API: {API_DAYS} days x {API_TAGS} tags of one-minute data")
    subprocess.run([f"{BIN}/aggregator", "migrate", "--database", agg.database], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([f"{BIN}/aggregator", "bootstrap-admin", "--database", agg.database, "--state-dir", agg.state,
                    "--password-file", os.path.join(agg.folder, "password")], check=True, stdout=subprocess.DEVNULL)
    agg.start()
    token = call(agg.url, "POST", "/api/v1/auth/login", body={"username": "admin", "password": agg.password})["token"]
    root = call(agg.url, "GET", "/api/v1/me", token)["memberships"][0]["organisation_id"]
    group = call(agg.url, "POST", "/api/v1/organisations", token,
                 {"parent_id": root, "name": "Bench group", "kind": "group", "time_zone": "UTC"})["id"]
    site = call(agg.url, "POST", "/api/v1/organisations", token,
                {"parent_id": group, "name": "Bench site", "kind": "site", "time_zone": "UTC"})["id"]
    agent = call(agg.url, "POST", "/api/v1/agents", token, {"name": "bench-gw", "site_id": site})["agent"]["id"]
    stop(agg.process)
    rows, load_s, load_sql = load_year(agg, site, agent, API_TAGS, API_DAYS)
    size_mb = os.path.getsize(agg.database) / 2**20
    log(f"loaded {rows} rows in {load_s:.0f} s ({size_mb:.0f} MB)")
    agg.start()
    token = call(agg.url, "POST", "/api/v1/auth/login", body={"username": "admin", "password": agg.password})["token"]
    naturalgas = {"id": "boiler", "kind": "combustion", "fuel": "natural_gas",
                  "ncv": {"value": "389.31", "unit": "GJ/10^4Nm3"}, "carbon_content": {"value": "0.0153", "unit": "tC/GJ"},
                  "oxidation": "0.99"}
    grid = {"id": "grid", "kind": "purchased_electricity", "grid": {"region": "CN", "year": 2022}}
    call(agg.url, "POST", "/api/v1/inventory-mappings", token,
         {"organisation_id": group, "source": naturalgas, "series_id": 1, "aggregation": "counter", "unit": "Nm3"})
    call(agg.url, "POST", "/api/v1/inventory-mappings", token,
         {"organisation_id": group, "source": grid, "series_id": 2, "aggregation": "sum", "unit": "MWh"})
    inventory = call(agg.url, "POST", "/api/v1/inventories", token,
                     {"organisation_id": group, "name": "Bench 2025", "reporting_year": 2025})["id"]
    first = call(agg.url, "POST", f"/api/v1/inventories/{inventory}/calculate", token)
    total = (first.get("version") or {}).get("total_tco2e", "?")
    days_ms = API_DAYS * 86_400_000
    max_day = API_DAYS - 1
    scenarios = [
        ("history raw: 1 day of one tag (1,440 rows)",
         f"""request = function()
  local s = math.random(1, {API_TAGS}); local d = math.random(0, {max_day})
  local f = {T0_MS} + d * 86400000
  return wrk.format("GET", "/api/v1/readings?series_id=" .. s .. "&from=" .. os.date("!%Y-%m-%dT%H:%M:%SZ", f / 1000) .. "&to=" .. os.date("!%Y-%m-%dT%H:%M:%SZ", f / 1000 + 86400) .. "&limit=1440")
end""",
         lambda r: (lambda s, f: [("SELECT time_ms, store_epoch, seq, value, quality FROM readings WHERE series_id = ? "
                                   "AND time_ms >= ? AND time_ms < ? ORDER BY time_ms, store_epoch, seq LIMIT ?",
                                   (s, f, f + 86_400_000, 1441))])(r.randint(1, API_TAGS), T0_MS + r.randint(0, max_day) * 86_400_000),
         WRK_CONNECTIONS),
        ("history 1h: 30 days of one tag (720 buckets)",
         f"""request = function()
  local s = math.random(1, {API_TAGS}); local d = math.random(0, {max(max_day - 30, 0)})
  local f = {T0_MS} / 1000 + d * 86400
  return wrk.format("GET", "/api/v1/readings?series_id=" .. s .. "&interval=1h&from=" .. os.date("!%Y-%m-%dT%H:%M:%SZ", f) .. "&to=" .. os.date("!%Y-%m-%dT%H:%M:%SZ", f + 30 * 86400) .. "&limit=720")
end""",
         lambda r: (lambda s, f: [("SELECT bucket_ms, count, sum, min, max, first, first_ms, last, last_ms FROM reading_aggregates "
                                   "WHERE series_id = ? AND resolution = ? AND bucket_ms >= ? AND bucket_ms < ? ORDER BY bucket_ms LIMIT ?",
                                   (s, "1h", f, f + 30 * 86_400_000, 721))])(r.randint(1, API_TAGS), T0_MS + r.randint(0, max(max_day - 30, 0)) * 86_400_000),
         WRK_CONNECTIONS),
        (f"history 1d: the whole year of one tag ({API_DAYS} buckets)",
         f"""request = function()
  local s = math.random(1, {API_TAGS})
  return wrk.format("GET", "/api/v1/readings?series_id=" .. s .. "&interval=1d&from={iso(T0_MS)}&to={iso(T0_MS + days_ms)}&limit=1000")
end""",
         lambda r: [("SELECT bucket_ms, count, sum, min, max, first, first_ms, last, last_ms FROM reading_aggregates "
                     "WHERE series_id = ? AND resolution = ? AND bucket_ms >= ? AND bucket_ms < ? ORDER BY bucket_ms LIMIT ?",
                     (r.randint(1, API_TAGS), "1d", T0_MS, T0_MS + days_ms, 1001))],
         WRK_CONNECTIONS),
        ("inventory calculation: year 2025, 2 telemetry sources (8,760 hour buckets each)",
         f"""request = function()
  return wrk.format("POST", "/api/v1/inventories/{inventory}/calculate")
end""",
         lambda r: [("SELECT series_id, resolution, bucket_ms, count, sum, min, max, first, first_ms, last, last_ms "
                     "FROM reading_aggregates WHERE series_id = ? AND resolution = ? AND bucket_ms >= ? AND bucket_ms < ?",
                     (s, "1h", T0_MS, T0_MS + 365 * 86_400_000)) for s in (1, 2)],
         4),
    ]
    rows = []
    for name, lua, raw_make, connections in scenarios:
        log(f"wrk: {name}")
        rps, p50, p99, errors, count = wrk(agg.url, token, lua, connections, WRK_SECONDS)
        raw_qps, raw_p50, raw_p99 = raw_queries(agg.database, raw_make)
        rows.append([name, connections, fmt(rps), f"{p50:.1f}", f"{p99:.1f}", errors, fmt(raw_qps), f"{raw_p50:.2f}", f"{raw_p99:.2f}"])
    REPORT.append("## API latency under load (one year of one-minute data)\n")
    REPORT.append(table(["query", "wrk conns", "req/s", "p50 ms", "p99 ms", "errors", "raw SQL q/s", "raw p50 ms", "raw p99 ms"], rows))
    REPORT.append(f"\nData: {rows_fmt(rows_total=rows_count(API_DAYS, API_TAGS))} readings ({API_TAGS} tags × {API_DAYS} days × 1,440 "
                  f"minutes) plus their 1h and 1d aggregates, bulk-loaded into the aggregator's SQLite schema "
                  f"(`aggregator migrate`, then one sqlite3 script: recursive-CTE rows, aggregates by `GROUP BY` — "
                  f"the SQL is in bench/run.py `load_year`) in {load_s:.0f} s; database {size_mb:,.0f} MB. "
                  f"`wrk -t2 -c<conns> -d{WRK_SECONDS}s` with a Lua script picking a random tag and day per request, "
                  f"a bearer session token, release aggregator on SQLite (WAL). The raw baseline runs the same SQL the "
                  f"service runs (for the inventory: the two hour-bucket reads of TelemetryTotals) back to back on one "
                  f"python sqlite3 connection, without HTTP, JSON, authorisation or Decimal arithmetic. The inventory's "
                  f"calculated total: {total} tCO2e (a repeat returns the stored version when nothing changed, "
                  f"after resolving all inputs again).\n")
    globals()["API_AGGREGATOR"] = agg


def rows_count(days, tags):
    return days * 1440 * tags


def rows_fmt(rows_total):
    return f"{rows_total:,}"


# -- recovery after kill -9 ------------------------------------------------------------------------

def section_recovery():
    rows = []
    agg = globals().get("API_AGGREGATOR")
    if agg is None:
        agg = Aggregator()
        subprocess.run([f"{BIN}/aggregator", "migrate", "--database", agg.database], check=True, stdout=subprocess.DEVNULL)
        agg.start()
    if agg.process is None or agg.process.poll() is not None:
        agg.start()
    size_mb = os.path.getsize(agg.database) / 2**20
    times = []
    for _ in range(RECOVERY_ROUNDS):
        log("recovery: kill -9 aggregator")
        killed = time.perf_counter()
        agg.process.kill()
        agg.process.wait()
        agg.start()
        times.append((time.perf_counter() - killed) * 1000)
        time.sleep(0.5)
    stop(agg.process)
    rows.append([f"aggregator (SQLite, {size_mb:,.0f} MB database)", "kill -9 → serve again → `/readyz` 200", RECOVERY_ROUNDS,
                 f"{statistics.median(times):.0f}", f"{max(times):.0f}"])
    device_info = globals().get("MODBUS_DEVICE")
    if device_info is None:
        port = free_port()
        device = spawn([PYTHON, os.path.join(ROOT, "scripts/sim/modbus_device.py"), "--port", str(port),
                        "--registers", '{"0": [0]}', "--wave", "0:0:1000:2"], os.path.join(WORK, "modbus-device.log"))
        wait_for(lambda: "ready" in open(os.path.join(WORK, "modbus-device.log")).read(), 20)
        agent = Agent("recovery-agent", modbus_port=port)
    else:
        device, port, agent = device_info
    agent.start()
    wait_for(lambda: agent.count() > 0, 20)
    times = []
    for _ in range(RECOVERY_ROUNDS):
        log("recovery: kill -9 agent")
        time.sleep(1)
        killed_ms = int(time.time() * 1000)
        killed = time.perf_counter()
        agent.process.kill()
        agent.process.wait()
        agent.start()
        wait_for(lambda: agent.count(killed_ms) > 0, 30, 0.01)
        times.append((time.perf_counter() - killed) * 1000)
    stop(agent.process)
    stop(device, signal.SIGKILL)
    rows.append(["edge-agent (one Modbus TCP device, 100 ms poll)", "kill -9 → run again → a new reading committed",
                 RECOVERY_ROUNDS, f"{statistics.median(times):.0f}", f"{max(times):.0f}"])
    REPORT.append("## Recovery after kill -9\n")
    REPORT.append(table(["process", "from → to", "rounds", "median ms", "max ms"], rows))
    REPORT.append("\nThe bench restarts the process at once; under systemd `RestartSec=2` adds 2 s to each figure. "
                  "Aggregator: SIGKILL, `aggregator serve` again on the same database, polled every 10 ms until "
                  "`/readyz` answers 200. Agent: SIGKILL, `edge-agent run` again, the buffer polled every 10 ms until it "
                  "holds a reading received after the kill (so the figure includes one poll interval and one group commit).\n")


def machine():
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    swift = swift[0] if swift else "?"
    mem = int(open("/proc/meminfo").readline().split()[1]) / 2**20
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    load = os.getloadavg()
    return [f"- CPU: {os.cpu_count()} cores ({cpu}); memory {mem:.0f} GiB; kernel {platform.release()}",
            f"- {swift}", f"- SQLite {sqlite3.sqlite_version} (system library), PostgreSQL 15, mosquitto 2, wrk 4",
            f"- load average at the start: {load[0]:.2f} (the machine is shared: other work may have run meanwhile)"]


def main():
    started = datetime.datetime.now(datetime.timezone.utc)
    header = machine()
    t0 = time.monotonic()
    sections = {"agent": section_agent, "mqtt": section_mqtt, "alarm": section_alarm, "ingest": section_ingest,
                "api": section_api, "recovery": section_recovery}
    try:
        for name in SECTIONS:
            s0 = time.monotonic()
            try:
                sections[name]()
            except Exception as error:  # one failed benchmark does not lose the others' figures
                log(f"{name} failed: {error!r}")
                REPORT.append(f"## {name}\n\nFailed in this run: `{error!r}`\n")
            log(f"{name}: {time.monotonic() - s0:.0f} s")
    finally:
        for process in PROCESSES:
            if process.poll() is None:
                process.kill()
                process.wait()
    elapsed = time.monotonic() - t0
    params = " ".join(f"{k}={os.environ[k]}" for k in sorted(os.environ) if k.startswith("BENCH_") and k != "BENCH_OUT")
    text = ["# Benchmarks", "",
            f"Measured {started:%Y-%m-%d %H:%M} UTC by `bench/run` in {elapsed / 60:.0f} minutes. Every figure stands next to a raw "
            "baseline measured in the same run on the same machine and disk; ratios are figure ÷ baseline. One run on "
            "a shared 2-core machine: read them as orders of magnitude, and re-measure side by side before comparing.", "",
            "## Machine", "", *header, "",
            "## Reproduce", "", "```", f"{params + ' ' if params else ''}bench/run", "```", "",
            "It runs scripts/setup, builds `edge-agent` and `aggregator` in release mode, then bench/run.py. "
            "Parameters (environment): BENCH_SECTIONS (agent mqtt alarm ingest api recovery), BENCH_STORE_READINGS "
            f"({STORE_READINGS}), BENCH_MQTT_MESSAGES ({MQTT_MESSAGES}), BENCH_ALARM_SECONDS ({ALARM_SECONDS}), "
            f"BENCH_INGEST_READINGS ({INGEST_READINGS}), BENCH_API_DAYS ({API_DAYS}), BENCH_API_TAGS ({API_TAGS}), "
            f"BENCH_WRK_SECONDS ({WRK_SECONDS}), BENCH_WRK_CONNECTIONS ({WRK_CONNECTIONS}), BENCH_RECOVERY_ROUNDS "
            f"({RECOVERY_ROUNDS}). Each section also has its own script for a closer look: bench/buffer, "
            "bench/ingest, bench/faults (the soak).", ""]
    text += [part if part.endswith("\n") else part + "\n" for part in REPORT]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as h:
        h.write("\n".join(text).rstrip() + "\n")
    log(f"wrote {OUT}")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
