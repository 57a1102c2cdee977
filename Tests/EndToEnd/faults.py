#!/usr/bin/env python3
"""The fault-injection suite (issue 6, "Faults"): the demo plant end to end against the real aggregator,
with crashes, kills, outages and lost replies, each scenario ending with the ground-truth comparison.

Each scenario runs its own plant (scripts/sim/plant_stack.py, the machinery of ground_truth.py), injects
its faults while the plant runs, freezes the plant (SIGUSR1), waits for both agents to drain and checks:
  - served vs stored (per tag, through the API): every MQTT message the broker acknowledged to the
    publisher is stored exactly once (values, in order); every stored Modbus reading is one the plant
    served, at most once; a served Modbus read may be missing only when its agent was killed within
    KILL_WINDOW_S after the read (read but not yet committed: it never counted as stored). Without agent
    kills the comparison is ground_truth.compare_readings (exact counts and values).
  - committed vs delivered (the aggregator's database): per agent and store epoch the sequences stored
    upstream are 1..N without a hole or a repeat, and N is the agent's acknowledged sequence, so every
    reading the agent committed is upstream exactly once.
One line per scenario (OK / FAILED with the figures); exit status 1 when any scenario failed.

Crashes at named points go through the test-only hook FaultPoint.hit (Sources/FaultPoints, compiled only
into debug builds): CARBON_FAULT_POINT=<point>:<nth> in a process's environment makes it SIGKILL itself
at the nth passage.

Usage: faults.py [--soak] [--only NAME[,NAME]] [--list] [--keep] [--run-dir run/faults]
  --soak: ≥ 50 agent kills, ≥ 30 aggregator kills, a 5-minute outage (bench/faults runs this).
"""
from __future__ import annotations

import argparse
import json
import re
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "sim"))
sys.path.insert(0, HERE)
import plant as plant_module  # noqa: E402
import plant_stack  # noqa: E402
from ground_truth import SIM_START, compare_readings, fetch_stored, load_truth  # noqa: E402
from plant_stack import BIN, PlantStack, call, free_port  # noqa: E402

SPEED = 2880.0            # as ground_truth.py: one value step per real second
KILL_WINDOW_S = 3.0       # a read served this long before its agent was killed may be uncommitted
BOILER_TAGS = {f.tag for f in plant_module.PROFILE.boiler_fields}
# The suite's own PostgreSQL server: a free loopback port, so a second run on the same machine (or
# another test's server) cannot collide with it; FAULTS_PG_PORT pins one.
PG_PORT = int(os.environ.get("FAULTS_PG_PORT", "0")) or free_port()
BREAKER_COOLDOWN_S = 5    # the agents' circuit-breaker cooldown in these runs (default 30)


def log(text: str) -> None:
    print(text, flush=True)


class FaultStack(PlantStack):
    """The plant stack plus what faults need: the aggregator restartable on the same port (optionally on
    PostgreSQL), agents killable and restartable with a fault point armed, a proxy in front of the
    aggregator, and the kill log the comparison excuses uncommitted reads with."""

    def __init__(self, run_dir: str, database: str | None = None, agent_endpoint: str | None = None,
                 agent_extra: str = "", **kwargs):
        super().__init__(run_dir, speed=SPEED, excursion=(10 ** 9, 1.0), sim_start=SIM_START, **kwargs)
        self.database = database
        self.agent_endpoint = agent_endpoint
        self.agent_extra = agent_extra
        self.device_intervals: dict[str, int] = {}
        self.kills: dict[str, list[float]] = defaultdict(list)   # agent name -> kill (or death) times
        self.aggregator_kills = 0
        self.port = 0

    def storage(self) -> list[str]:
        args = ["--state-dir", self.path("aggregator")]
        return args + (["--database", self.database] if self.database else [])

    # -- the aggregator, restartable -------------------------------------------------------------------------
    def start_aggregator(self) -> None:
        self.port = free_port()
        self.api = f"http://127.0.0.1:{self.port}"
        import secrets
        for who in ("admin", "operator"):
            plant_stack.write_private(self.path(f"{who}.password"), secrets.token_urlsafe(18) + "\n")
        subprocess.run([f"{BIN}/aggregator", "bootstrap-admin", *self.storage(), "--password-file",
                        self.path("admin.password"), "--organisation", "Demo platform"], check=True,
                       stdout=subprocess.DEVNULL, cwd=ROOT)
        self.serve_aggregator()

    def serve_aggregator(self, fault: str | None = None, wait_ready: bool = True) -> None:
        env = dict(os.environ)
        env.pop("CARBON_FAULT_POINT", None)
        if fault:
            env["CARBON_FAULT_POINT"] = fault
        self.aggregator = self.spawn([f"{BIN}/aggregator", "serve", *self.storage(), "--listen",
                                      f"127.0.0.1:{self.port}", "--metrics-listen", "off", "--log-level", "warning"],
                                     self.path("aggregator.log"), env=env)
        if wait_ready:
            self.wait_aggregator_ready()

    def wait_aggregator_ready(self, timeout: float = 60) -> float:
        began = time.time()
        while time.time() - began < timeout:
            try:
                call(self.api, "GET", "/readyz", raw=True)
                return time.time() - began
            except OSError:
                if self.aggregator.poll() is not None:
                    raise SystemExit(f"the aggregator exited; see {self.path('aggregator.log')}")
                time.sleep(0.05)
        raise SystemExit("the aggregator did not become ready")

    def kill_aggregator(self) -> None:
        self.aggregator.kill()
        self.aggregator.wait()
        self.aggregator_kills += 1

    # -- agents ----------------------------------------------------------------------------------------------
    def write_configs(self) -> None:
        api = self.api
        if self.agent_endpoint:
            self.api = self.agent_endpoint
        try:
            super().write_configs()
        finally:
            self.api = api
        for agent in self.agents:
            # The breaker's default 30 s cooldown would make every short aggregator restart a 30 s pause
            # (seen: drain 22 s after the freeze on PostgreSQL); 5 s keeps the short form short.
            text = open(agent.config).read().replace("[sync]\n", f"[sync]\nbreaker_cooldown_s = {BREAKER_COOLDOWN_S}\n")
            text = text.replace("[buffer]\n", "[buffer]\n" + self.agent_extra)
            with open(agent.config, "w") as handle:
                handle.write(text)
        # Faster polling of some devices (the quota and corruption scenarios need a backlog of some
        # size within their short form): the plant serves whatever is asked, and records it.
        for device, interval_ms in self.device_intervals.items():
            for agent in self.agents:
                folder = os.path.join(agent.folder, "devices.d")
                for name in os.listdir(folder):
                    if name.endswith(f"-{device}.toml"):
                        path = os.path.join(folder, name)
                        text = open(path).read()
                        lines = [f"interval_ms = {interval_ms}" if line.startswith("interval_ms = ") else line
                                 for line in text.splitlines()]
                        with open(path, "w") as handle:
                            handle.write("\n".join(lines) + "\n")

    def set_buffer_key(self, agent: plant_stack.Agent, line: str) -> None:
        """Adds `line` (e.g. "max_bytes = 65536") to one agent's [buffer] table; read at its next start."""
        text = open(agent.config).read().replace("[buffer]\n", f"[buffer]\n{line}\n", 1)
        with open(agent.config, "w") as handle:
            handle.write(text)

    def buffer_path(self, agent: plant_stack.Agent) -> str:
        return os.path.join(agent.folder, "state", "buffer.sqlite")

    def agent(self, name: str) -> plant_stack.Agent:
        return next(a for a in self.agents if a.name == name)

    def start_agent(self, agent: plant_stack.Agent, fault: str | None = None) -> None:
        env = dict(os.environ)
        env.pop("CARBON_FAULT_POINT", None)
        if fault:
            env["CARBON_FAULT_POINT"] = fault
        agent.process = self.spawn([f"{BIN}/edge-agent", "run", "--config", agent.config, "--log-level", "notice"],
                                   agent.log, env=env)

    def wait_agent_up(self, agent: plant_stack.Agent, timeout: float = 20) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if agent.metrics():
                return
            if agent.process.poll() is not None:
                return  # died early (a fault point): the caller looks
            time.sleep(0.05)
        raise SystemExit(f"agent {agent.name} did not come up; see {agent.log}")

    def kill_agent(self, agent: plant_stack.Agent) -> None:
        agent.process.kill()
        agent.process.wait()
        self.kills[agent.name].append(time.time())

    def wait_death(self, process: subprocess.Popen, timeout: float) -> bool:
        try:
            process.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False


# -- checks --------------------------------------------------------------------------------------------------

def load_served(path: str) -> tuple[dict[str, list[tuple[float, str, str]]], list[tuple[str, ...]], dict]:
    """Per Modbus tag the served (real_time, value, device) in order; the MQTT messages as value tuples."""
    reads: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    messages: list[tuple[str, ...]] = []
    unacked, resent = [], []
    with open(path) as handle:
        for line in handle:
            record = json.loads(line)
            if record["kind"] == "read":
                for tag, value in record["values"].items():
                    reads[tag].append((record["real_time"], value, record["device"]))
            elif record["kind"] == "mqtt":
                message = tuple(Decimal(record["values"][t]) for t in sorted(BOILER_TAGS))
                messages.append(message)
                if record.get("resent"):
                    resent.append(message)
            elif record["kind"] == "mqtt-unacked":
                unacked.append(record)
    return reads, messages, {"unacked": unacked, "resent": resent}


def parse_time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def compare_with_kills(stack: FaultStack, points: dict, absorb=None) -> tuple[list[str], dict]:
    """Served vs stored when agents were killed: Modbus reads matched by time and value, MQTT exactly.
    `absorb(tag, served_at, value)`: a served read not stored raw that the agent accounted for otherwise
    (a roll-up or gap record, a row its salvage report counts as lost) returns a figure name, else None."""
    problems: list[str] = []
    reads, messages, extra = load_served(stack.truth)
    if extra["unacked"]:
        problems.append(f"the broker did not acknowledge {len(extra['unacked'])} publications")
    agent_of_site = {"plant1": "plant1-gw1", "plant2": "plant2-gw1"}
    device_agent = {d.name: agent_of_site[d.site] for d in plant_module.PROFILE.devices}
    figures = Counter()
    for tag, served in sorted(reads.items()):
        stored = sorted(((parse_time(p["time"]), Decimal(p["value"]), p.get("quality")) for p in points.get(tag, [])))
        used = [False] * len(served)
        j = 0
        unexplained = []
        for time_, value, quality in stored:
            # the first unused served read within 0.5 s (the agent stamps after the answer) with that value
            while j < len(served) and served[j][0] < time_ - 0.5:
                j += 1
            # the closest one: a killed agent's last read and its successor's first can be ms apart
            k, hit = j, None
            while k < len(served) and served[k][0] <= time_ + 0.05:
                if not used[k] and Decimal(served[k][1]) == value and (
                        hit is None or abs(served[k][0] - time_) < abs(served[hit][0] - time_)):
                    hit = k
                k += 1
            if hit is None or quality != "good":
                unexplained.append((time_, value, quality))
            else:
                used[hit] = True
        figures["modbus_stored"] += len(stored) - len(unexplained)
        if unexplained:
            problems.append(f"{tag}: {len(unexplained)} stored readings match no served read (duplicated or "
                            f"invented), first {unexplained[0]}")
        for index, (served_at, value, device) in enumerate(served):
            if used[index]:
                continue
            kills = stack.kills.get(device_agent[device], [])
            if any(0 <= kill - served_at <= KILL_WINDOW_S for kill in kills):
                figures["uncommitted_at_kill"] += 1
            elif absorb and (accounted := absorb(tag, served_at, Decimal(value))):
                figures[accounted] += 1
            else:
                figures["lost"] += 1
                if figures["lost"] <= 5:
                    problems.append(f"{tag}: the read served at {served_at:.3f} ({value}) is not stored and no "
                                    f"kill of {device_agent[device]} followed it within {KILL_WINDOW_S} s")
    # MQTT: every acknowledged publication exactly once (whatever the kills)
    by_time: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for tag in BOILER_TAGS:
        for p in points.get(tag, []):
            by_time[p["time"]][tag] = Decimal(p["value"])
    stored_messages = Counter(tuple(v.get(t) for t in sorted(BOILER_TAGS)) for v in by_time.values())
    acked = Counter(messages)
    missing, duplicated = acked - stored_messages, stored_messages - acked
    # A message the publisher had to send again after a broker restart may be stored twice: the
    # broker forwarded two publications (QoS 1 is at least once on the publisher's leg as well).
    allowed = Counter(extra["resent"])
    figures["mqtt_publisher_resends"] = sum(allowed.values())
    figures["mqtt_stored_twice_after_publisher_resend"] = sum((duplicated & allowed).values())
    duplicated = duplicated - allowed
    figures["mqtt_acknowledged"] = sum(acked.values())
    figures["mqtt_lost"] = sum(missing.values())
    figures["mqtt_duplicated"] = sum(duplicated.values())
    if missing:
        problems.append(f"MQTT: {sum(missing.values())} of {sum(acked.values())} acknowledged messages not stored")
    if duplicated:
        problems.append(f"MQTT: {sum(duplicated.values())} messages stored more than once (or not published)")
    return problems, dict(figures)


def sequence_rows(stack: FaultStack) -> list[tuple]:
    """(agent, epoch, count, distinct seqs, min, max) of the readings the aggregator holds."""
    query = ("SELECT a.name, r.store_epoch, count(*), count(DISTINCT r.seq), min(r.seq), max(r.seq) FROM readings r "
             "JOIN series s ON s.id = r.series_id JOIN agents a ON a.id = s.agent_id GROUP BY a.name, r.store_epoch "
             "ORDER BY a.name")
    if stack.database:
        out = subprocess.run(["psql", stack.database, "-At", "-F", "|", "-c", query], capture_output=True, text=True,
                             check=True).stdout
        return [tuple(int(x) if i else x for i, x in enumerate(line.split("|"))) for line in out.splitlines() if line]
    db = sqlite3.connect(f"file:{stack.path('aggregator', 'aggregator.sqlite')}?mode=ro", uri=True, timeout=10)
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


def check_sequences(stack: FaultStack, expect_single_epoch: bool = True, agents=None) -> tuple[list[str], dict]:
    problems = []
    rows = sequence_rows(stack)
    figures = {}
    for agent in agents if agents is not None else stack.agents:
        mine = [r for r in rows if r[0] == agent.name]
        acked = int(agent.metrics().get("edge_buffer_acknowledged_sequence", -1))
        if not mine:
            problems.append(f"{agent.name}: nothing stored upstream")
            continue
        if expect_single_epoch and len(mine) != 1:
            problems.append(f"{agent.name}: {len(mine)} store epochs upstream, expected 1")
        for _, epoch, count, distinct, low, high in mine:
            if count != distinct:
                problems.append(f"{agent.name} epoch {epoch}: {count - distinct} sequences stored twice upstream")
            if distinct != high - low + 1 or low != 1:
                problems.append(f"{agent.name} epoch {epoch}: sequences {low}..{high} with {distinct} stored "
                                f"({high - low + 1 - distinct} holes)")
        current = max(mine, key=lambda r: r[5])
        if current[5] != acked:
            problems.append(f"{agent.name}: upstream holds up to sequence {current[5]}, the agent acknowledged {acked}")
        figures[agent.name] = current[2]
    return problems, figures


# -- scenarios -----------------------------------------------------------------------------------------------

class Scenario:
    def __init__(self, name: str, run, *, database: bool = False, kills_agents: bool = False, proxy: bool = False,
                 agent_extra: str = "", what: str = "", check=None, device_intervals: dict | None = None):
        self.name, self.run, self.database, self.kills_agents = name, run, database, kills_agents
        self.proxy, self.agent_extra, self.what = proxy, agent_extra, what
        # check(stack, points, figures) -> (problems, figures): replaces the two standard comparisons
        self.check, self.device_intervals = check, device_intervals or {}


def settle(seconds: float) -> None:
    time.sleep(seconds)


def crash_point(point: str, agent_name: str, nth: int, rounds: int):
    """Restarts the agent with the point armed; it must die there (SIGKILL); restarted clean each time."""
    def run(stack: FaultStack, args) -> dict:
        agent = stack.agent(agent_name)
        settle(3)
        hits = 0
        for _ in range(rounds):
            agent.process.terminate()  # a clean stop may discard a read not yet handed to the commit
            agent.process.wait(timeout=10)
            stack.kills[agent.name].append(time.time())
            marker = os.path.getsize(agent.log)
            stack.start_agent(agent, fault=f"{point}:{nth}")
            if not stack.wait_death(agent.process, 30):
                raise SystemExit(f"{point}: the agent did not reach the point within 90 s")
            stack.kills[agent.name].append(time.time())
            with open(agent.log) as handle:
                handle.seek(marker)
                if f"FAULT POINT {point}" not in handle.read() or agent.process.returncode != -signal.SIGKILL:
                    raise SystemExit(f"{point}: the agent ended (status {agent.process.returncode}) but not at the point")
            hits += 1
            stack.start_agent(agent)
            stack.wait_agent_up(agent)
            settle(2)
        return {"crashes": hits}
    return run


def random_agent_kills(stack: FaultStack, args) -> dict:
    rng = random.Random(args.seed)
    settle(2)
    for _ in range(args.agent_kills):
        agent = rng.choice(stack.agents)
        settle(rng.uniform(0.5, 2.5))
        stack.kill_agent(agent)
        stack.start_agent(agent)
        stack.wait_agent_up(agent)
    settle(2)
    return {"kills": sum(len(v) for v in stack.kills.values())}


def aggregator_kills(stack: FaultStack, args) -> dict:
    rng = random.Random(args.seed + 1)
    settle(2)
    restarts = []
    for _ in range(args.aggregator_kills):
        settle(rng.uniform(0.5, 2.0))
        stack.kill_aggregator()
        stack.serve_aggregator(wait_ready=False)
        restarts.append(stack.wait_aggregator_ready())
    settle(2)
    return {"kills": stack.aggregator_kills, "restart_s_max": round(max(restarts), 2)}


def aggregator_fault_point(stack: FaultStack, args) -> dict:
    settle(2)
    hits = 0
    for _ in range(3):
        stack.aggregator.terminate()
        stack.aggregator.wait(timeout=15)
        marker = os.path.getsize(stack.path("aggregator.log"))
        stack.serve_aggregator(fault="aggregator.ingest.after-commit-before-reply:3")
        if not stack.wait_death(stack.aggregator, 90):
            raise SystemExit("the aggregator did not reach its fault point within 90 s")
        with open(stack.path("aggregator.log")) as handle:
            handle.seek(marker)
            if "FAULT POINT aggregator.ingest.after-commit-before-reply" not in handle.read():
                raise SystemExit("the aggregator ended but not at its fault point")
        hits += 1
        stack.serve_aggregator()
        settle(2)
    return {"crashes": hits}


def outage(stack: FaultStack, args) -> dict:
    settle(2)
    stack.aggregator.terminate()
    stack.aggregator.wait(timeout=15)
    settle(args.outage)
    backlog = {a.name: int(a.metrics().get("edge_buffer_unsent_readings", -1)) for a in stack.agents}
    restarted = time.time()
    stack.serve_aggregator()
    # drained: every agent's backlog down to what ~2 s of live data leaves unsent
    drain = {}
    while len(drain) < len(stack.agents) and time.time() - restarted < 300:
        for agent in stack.agents:
            if agent.name not in drain and agent.metrics().get("edge_buffer_unsent_readings", 1e9) <= 40:
                drain[agent.name] = round(time.time() - restarted, 1)
        time.sleep(0.2)
    settle(2)
    return {"outage_s": args.outage, "backlog_at_restart": backlog, "drain_s": drain}


class DroppingProxy(threading.Thread):
    """TCP between agents and aggregator; while `dropping`, each upstream answer is dropped with probability
    `rate` (the connection closed instead): the aggregator committed, the agent never hears it."""

    def __init__(self, target_port: int, rate: float, seed: int):
        super().__init__(daemon=True)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.target_port, self.rate, self.rng = target_port, rate, random.Random(seed)
        self.dropping = False
        self.dropped = 0
        self.forwarded = 0
        self.lock = threading.Lock()

    def run(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()

    def serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=30)
        except OSError:
            client.close()
            return

        def up() -> None:
            try:
                while data := client.recv(65536):
                    upstream.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    upstream.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

        threading.Thread(target=up, daemon=True).start()
        try:
            while data := upstream.recv(65536):
                with self.lock:
                    drop = self.dropping and self.rng.random() < self.rate
                    if drop:
                        self.dropped += 1
                    else:
                        self.forwarded += 1
                if drop:
                    break
                client.sendall(data)
        except OSError:
            pass
        finally:
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()


def lost_responses(stack: FaultStack, args) -> dict:
    settle(2)
    stack.proxy.dropping = True
    settle(args.lost_reply_period)
    stack.proxy.dropping = False
    settle(3)
    return {"replies_dropped": stack.proxy.dropped, "replies_forwarded": stack.proxy.forwarded}


def broker_restart(stack: FaultStack, args) -> dict:
    """SIGHUP: the plant restarts mosquitto (persistence on, saved at SIGTERM) while everything runs."""
    settle(3)
    for _ in range(args.broker_restarts):
        stack.plant.send_signal(signal.SIGHUP)
        settle(4)
    return {"broker_restarts": args.broker_restarts}


def reads_between(stack: FaultStack, device: str, start: float, end: float) -> int:
    count = 0
    with open(stack.truth) as handle:
        for line in handle:
            record = json.loads(line)
            if record["kind"] == "read" and record["device"] == device and start <= record["real_time"] < end:
                count += 1
    return count


def device_fault(device: str, fault, others: list[str]):
    """One device silent (no answer) or answering an exception for a period; the others keep their 1 s cycle,
    the device is read again afterwards, and nothing is stored for it meanwhile (the comparison: exact)."""
    def run(stack: FaultStack, args) -> dict:
        control = stack.path("plant", "device-faults.json")
        settle(3)
        began = time.time()
        with open(control, "w") as handle:
            json.dump({device: fault}, handle)
        settle(args.device_fault_period)
        ended = time.time()
        with open(control, "w") as handle:
            json.dump({}, handle)
        settle(args.device_recovery)
        figures = {"period_s": args.device_fault_period}
        problems = []
        for other in others:
            n = reads_between(stack, other, began + 0.5, ended)
            figures[f"{other}_reads_meanwhile"] = n
            if n < 0.8 * (ended - began - 0.5):
                problems.append(f"{other}: {n} reads served in {ended - began - 0.5:.1f} s while {device} was {fault}")
        after = reads_between(stack, device, ended, time.time())
        figures[f"{device}_reads_after"] = after
        if after == 0:
            problems.append(f"{device} was not read again within {args.device_recovery} s of answering again")
        figures["_problems"] = problems
        return figures
    return run


# -- the buffer's own faults: its disk quota reached, its database file damaged -------------------------------

BUFFER_FAULT_AGENT = "plant2-gw1"   # no MQTT: every one of its readings is a served Modbus read
FAST_DEVICE = {"power-meter-3": 100}  # 40 readings/s instead of 4: a backlog of some pages within seconds


def store_pages(path: str) -> tuple[int, int]:
    """(page size, pages holding data) of a live buffer file, read-only."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        size = db.execute("PRAGMA page_size").fetchone()[0]
        return size, db.execute("PRAGMA page_count").fetchone()[0] - db.execute("PRAGMA freelist_count").fetchone()[0]
    finally:
        db.close()


def upstream_records(stack: FaultStack, agent_name: str) -> dict[str, dict[str, list]]:
    """Per store epoch (its UUID, upper case) what the aggregator holds of one agent: raw readings
    (seq, tag, time_ms, value), roll-ups (first, last, tag, count, from_ms, to_ms), gaps (first, last, reason)."""
    db = sqlite3.connect(f"file:{stack.path('aggregator', 'aggregator.sqlite')}?mode=ro", uri=True, timeout=10)
    out: dict[str, dict[str, list]] = defaultdict(lambda: {"readings": [], "rollups": [], "gaps": []})
    try:
        row = db.execute("SELECT id FROM agents WHERE name = ?", (agent_name,)).fetchone()
        if row is None:
            return {}
        agent_id = row[0]
        epochs = {i: e.upper() for i, e in db.execute("SELECT id, store_epoch FROM ingest_epochs WHERE agent_id = ?",
                                                      (agent_id,))}
        for epoch, seq, tag, time_ms, value in db.execute(
                "SELECT r.store_epoch, r.seq, s.tag, r.time_ms, r.value FROM readings r JOIN series s ON s.id = r.series_id "
                "WHERE s.agent_id = ?", (agent_id,)):
            out[epochs.get(epoch, str(epoch))]["readings"].append((seq, tag, time_ms, value))
        for epoch, *rest in db.execute("SELECT store_epoch, first_seq, last_seq, tag, count, from_ms, to_ms "
                                       "FROM reading_rollups WHERE agent_id = ?", (agent_id,)):
            out[epoch.upper()]["rollups"].append(tuple(rest))
        for epoch, *rest in db.execute("SELECT store_epoch, first_seq, last_seq, reason FROM ingest_gaps "
                                       "WHERE agent_id = ?", (agent_id,)):
            out[epoch.upper()]["gaps"].append(tuple(rest))
    finally:
        db.close()
    return dict(out)


def tiling(records: dict[str, list]) -> tuple[int, list[str]]:
    """Readings, roll-ups and gaps of one epoch must tile 1..N: returns N and what is wrong."""
    spans = sorted([(r[0], r[0], "reading") for r in records["readings"]]
                   + [(r[0], r[1], "roll-up") for r in records["rollups"]]
                   + [(g[0], g[1], f"gap ({g[2]})") for g in records["gaps"]])
    problems, holes, overlaps = [], [], []
    expected = 1
    for first, last, kind in spans:
        if first > expected:
            holes.append((expected, first - 1))
        elif first < expected:
            overlaps.append((first, last, kind))
        expected = max(expected, last + 1)
    if holes:
        problems.append(f"{sum(b - a + 1 for a, b in holes)} sequences covered by no record, in {len(holes)} holes, "
                        f"first {holes[0][0]}..{holes[0][1]}")
    if overlaps:
        problems.append(f"{len(overlaps)} records overlap others (sent twice), first {overlaps[0]}")
    return expected - 1, problems


def log_since(path: str, offset: int) -> str:
    with open(path, errors="replace") as handle:
        handle.seek(offset)
        return handle.read()


def agent_decimal(value, scale: int) -> Decimal:
    """A value of the agent's readings table: TEXT exact, or an INTEGER mantissa × 10^-scale."""
    return Decimal(value) if isinstance(value, str) else Decimal(int(value)).scaleb(-int(scale))


def quota_reached(stack: FaultStack, args) -> dict:
    """The aggregator stops; the agent restarts with buffer.max_bytes = what its store holds now plus
    args.quota_pages pages, so its unsent readings pass the quota within seconds; after args.quota_wait
    (at least one 30 s quota enforcement) the aggregator comes back and everything drains."""
    agent = stack.agent(BUFFER_FAULT_AGENT)
    settle(2)
    stack.aggregator.terminate()
    stack.aggregator.wait(timeout=15)
    page_size, used = store_pages(stack.buffer_path(agent))
    max_bytes = (used + args.quota_pages) * page_size
    stack.set_buffer_key(agent, f"max_bytes = {max_bytes}")
    agent.process.terminate()  # a clean stop may discard a read not yet handed to the commit
    agent.process.wait(timeout=10)
    stack.kills[agent.name].append(time.time())
    marker = os.path.getsize(agent.log)
    stack.start_agent(agent)
    stack.wait_agent_up(agent)
    settle(args.quota_wait)
    metrics = agent.metrics()
    stack.fault_state = {"marker": marker, "max_bytes": max_bytes}
    stack.serve_aggregator()
    settle(5)
    figures = {"max_bytes": max_bytes, "pages_at_restart": used, "page_size": page_size,
               "unsent_at_aggregator_restart": int(metrics.get("edge_buffer_unsent_readings", -1)),
               "buffer_bytes_at_aggregator_restart": int(metrics.get("edge_buffer_bytes", -1))}
    # Found here rather than after the drain: when the sync cannot build a batch the drain never ends.
    lines = log_since(agent.log, marker).splitlines()
    failed = [l for l in lines if "readings not stored" in l]
    lost = sum(int(m.group(1)) for l in failed if (m := re.search(r"edge\.readings=(\d+)", l)))
    figures.update(failed_commits=len(failed), readings_refused_at_cap=lost,
                   quota_reports=[re.sub(r".*(QuotaReport\([^)]*\)).*", r"\1", l)[:400] for l in lines
                                  if "QuotaReport(" in l and "steps: []" not in l][:3])
    problems = []
    if failed:
        problems.append(f"{agent.name}: {len(failed)} group commits ({lost} readings) refused at the max_bytes cap "
                        f"between quota rounds: lost without a sequence or a gap record; first: {failed[0].strip()[:240]}")
    wedged = [l for l in lines if "sync could not build a batch" in l]
    if wedged:
        problems.append(f"{agent.name}: its sync is wedged ({len(wedged)} times in 5 s): {wedged[-1].strip()[:240]}")
        figures["_abort"] = True
    figures["_problems"] = problems
    return figures


class Accounted:
    """Served reads the agent did not store raw but accounted for: per tag within a roll-up's time range
    (up to its count), then any tag against the gap records' sequence count."""

    def __init__(self, tags: set[str], rollups: list[tuple], gap_sequences: int):
        self.tags = tags
        self.rollups = defaultdict(list)
        for _, _, tag, count, from_ms, to_ms in rollups:
            self.rollups[tag].append([from_ms / 1000.0, to_ms / 1000.0, count])
        self.gap_pool = gap_sequences

    def __call__(self, tag: str, served_at: float, value: Decimal) -> str | None:
        if tag not in self.tags:
            return None
        for entry in self.rollups.get(tag, []):
            if entry[2] > 0 and entry[0] - 0.5 <= served_at <= entry[1] + 0.05:
                entry[2] -= 1
                return "served_in_rollups"
        if self.gap_pool > 0:
            self.gap_pool -= 1
            return "served_in_gaps"
        return None


def quota_check(stack: FaultStack, points: dict, figures: dict) -> tuple[list[str], dict]:
    problems: list[str] = []
    out: dict = {}
    agent = stack.agent(BUFFER_FAULT_AGENT)
    text = log_since(agent.log, stack.fault_state["marker"])
    lines = text.splitlines()
    warned = [l for l in lines if "buffer above 80% of its quota" in l]
    dropped = [l for l in lines if "buffer quota reached" in l]
    out.update(quota_warnings=len(warned), quota_drop_alarms=len(dropped),
               commit_failures=int(agent.metrics().get("edge_commit_failures_total", 0)))
    if not warned and not dropped:
        problems.append(f"{agent.name}: no quota warning (80%) or shedding alarm in its log")
    # (failed commits are reported by quota_reached; they also show below as served reads not accounted for)
    epochs = upstream_records(stack, agent.name)
    acked = int(agent.metrics().get("edge_buffer_acknowledged_sequence", -1))
    if len(epochs) != 1:
        problems.append(f"{agent.name}: {len(epochs)} store epochs upstream, expected 1")
    rollups, gaps = [], []
    for epoch, records in epochs.items():
        top, found = tiling(records)
        problems += [f"{agent.name} epoch {epoch[:8]}: {p}" for p in found]
        if top != acked:
            problems.append(f"{agent.name} epoch {epoch[:8]}: records tile 1..{top}, the agent acknowledged {acked}")
        rollups += records["rollups"]
        gaps += records["gaps"]
        out.update(sequences=top, raw_readings=len(records["readings"]), rollup_records=len(records["rollups"]),
                   rolled_up_readings=sum(r[3] for r in records["rollups"]), gap_records=len(records["gaps"]),
                   gap_sequences=sum(g[1] - g[0] + 1 for g in records["gaps"]),
                   gap_reasons=sorted({g[2] for g in records["gaps"]}))
    if not rollups and not gaps:
        problems.append(f"{agent.name}: the quota never shed (no roll-up or gap record upstream): the scenario "
                        f"did not reach its point")
    tags = {t.name for d in plant_module.devices_of("plant2") for t in d.tags}
    accounted = Accounted(tags, rollups, sum(g[1] - g[0] + 1 for g in gaps))
    found, more = compare_with_kills(stack, points, absorb=accounted)
    problems += found
    out.update(more)
    out["rollup_count_not_matched_to_served"] = sum(e[2] for v in accounted.rollups.values() for e in v)
    out["gap_sequences_not_matched_to_served"] = accounted.gap_pool
    found, _ = check_sequences(stack, agents=[a for a in stack.agents if a.name != agent.name])
    problems += found
    return problems, out


def corrupt_database(stack: FaultStack, args) -> dict:
    """The aggregator stops (a backlog builds); the agent is SIGKILLed; its buffer file is checkpointed (so
    every row is in the main file) and two leaf pages of the readings table in the middle of the unsent
    rows are overwritten; the agent restarts, then the aggregator."""
    agent = stack.agent(BUFFER_FAULT_AGENT)
    settle(2)
    stack.aggregator.terminate()
    stack.aggregator.wait(timeout=15)
    settle(args.corrupt_backlog)
    stack.kill_agent(agent)
    path = stack.buffer_path(agent)
    db = sqlite3.connect(path, timeout=10)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        epoch, cursor = db.execute("SELECT epoch, acked_through FROM meta WHERE id = 1").fetchone()
        rows = {seq: (tag, time_ms, agent_decimal(value, scale)) for seq, tag, time_ms, value, scale in db.execute(
            "SELECT r.seq, s.tag, r.time_ms, r.value, r.scale FROM readings r JOIN series s ON s.id = r.series")}
        # leaf pages in key (sequence) order; the unsent rows are the last ones
        leaves = [p for (p,) in db.execute("SELECT pageno FROM dbstat WHERE name = 'readings' AND pagetype = 'leaf' "
                                           "ORDER BY path")]
    finally:
        db.close()
    top = max(rows)
    unsent = sum(1 for s in rows if s > cursor)
    first_unsent_leaf = int(len(leaves) * (1 - unsent / max(1, len(rows))))
    # two consecutive leaves in the middle of the unsent rows, never the last one (the highest sequence
    # stays readable, so the salvage report can count what it lost)
    middle = max(first_unsent_leaf, (first_unsent_leaf + len(leaves)) // 2 - 1)
    damaged = [p for p in leaves[middle:middle + 2] if p != leaves[-1]]
    if not damaged:
        raise SystemExit(f"the readings table has too few leaf pages ({len(leaves)}) to damage one in the middle")
    with open(path, "r+b") as handle:
        for page in damaged:
            handle.seek((page - 1) * page_size)
            handle.write(b"\xA5" * page_size)
        handle.flush()
        os.fsync(handle.fileno())
    before = {r[0] for r in upstream_records(stack, agent.name).get(epoch.upper(), {"readings": []})["readings"]}
    marker = os.path.getsize(agent.log)
    began = time.time()
    stack.start_agent(agent)
    collecting_s = None
    while time.time() - began < 30:
        if agent.process.poll() is not None:
            raise SystemExit(f"{agent.name} exited after the damage (status {agent.process.returncode}); see {agent.log}")
        if agent.metrics().get("edge_readings_committed_total", 0) > 0:
            collecting_s = round(time.time() - began, 2)
            break
        time.sleep(0.05)
    settle(3)
    stack.serve_aggregator()
    settle(3)
    stack.fault_state = {"marker": marker, "epoch": epoch.upper(), "cursor": cursor, "top": top, "rows": rows,
                         "before": before, "collecting_s": collecting_s, "damaged_pages": damaged}
    return {"old_cursor": cursor, "old_top_seq": top, "old_unsent": unsent, "damaged_pages": damaged,
            "readings_leaf_pages": len(leaves), "upstream_before": len(before), "collecting_again_s": collecting_s}


def corrupt_check(stack: FaultStack, points: dict, figures: dict) -> tuple[list[str], dict]:
    import glob
    import re
    problems: list[str] = []
    state = stack.fault_state
    agent = stack.agent(BUFFER_FAULT_AGENT)
    out: dict = {}
    if state["collecting_s"] is None or state["collecting_s"] > args_collect_limit:
        problems.append(f"{agent.name}: no commit within {args_collect_limit} s of the restart "
                        f"(collecting again after {state['collecting_s']} s)")
    text = log_since(agent.log, state["marker"])
    report = next((l for l in text.splitlines() if "the buffer was damaged" in l), None)
    recovered = lost = None
    if report is None:
        problems.append(f"{agent.name}: no 'the buffer was damaged' report in its log after the restart")
    else:
        m = re.search(r"rowsRecovered: (\d+)", report)
        recovered = int(m.group(1)) if m else None
        m = re.search(r"rowsLost: (?:Optional\()?(\d+|nil)", report)
        lost = int(m.group(1)) if m and m.group(1) != "nil" else None
        if recovered is None or lost is None:
            problems.append(f"{agent.name}: the salvage report names no rowsRecovered/rowsLost: {report[:300]}")
    kept = glob.glob(stack.buffer_path(agent) + ".corrupt-*")
    out["damaged_file_kept"] = [os.path.basename(k) for k in kept]
    if not any(not k.endswith("-wal") for k in kept):
        problems.append(f"{agent.name}: the damaged file was not kept beside the new store")
    epochs = upstream_records(stack, agent.name)
    old = epochs.get(state["epoch"], {"readings": [], "rollups": [], "gaps": []})
    seqs = [r[0] for r in old["readings"]]
    distinct = set(seqs)
    cursor, top, rows, before = state["cursor"], state["top"], state["rows"], state["before"]
    rescued_up = distinct - before
    missing = set(range(cursor + 1, top + 1)) - distinct
    out.update(salvage_rows_recovered=recovered, salvage_rows_lost=lost, old_epoch_upstream=len(distinct),
               old_epoch_rescued_upstream=len(rescued_up), old_epoch_unsent_not_upstream=len(missing))
    if len(seqs) != len(distinct):
        problems.append(f"old epoch: {len(seqs) - len(distinct)} sequences stored twice upstream")
    if not set(range(1, cursor + 1)) <= before:
        problems.append(f"old epoch: the aggregator lacked acknowledged sequences before the restart "
                        f"({len(set(range(1, cursor + 1)) - before)} of 1..{cursor})")
    outside = sorted(s for s in rescued_up if not cursor < s <= top)
    if outside:
        problems.append(f"old epoch: {len(outside)} sequences upstream the damaged store never had, first {outside[0]}")
    if recovered is not None and len(rescued_up) != recovered - len(before & set(range(cursor + 1, top + 1))):
        problems.append(f"old epoch: {len(rescued_up)} rescued readings arrived upstream, the salvage report says "
                        f"{recovered} were recovered")
    if lost is not None and len(missing) != lost:
        problems.append(f"old epoch: {len(missing)} unsent sequences of the damaged store are not upstream, the "
                        f"salvage report counts {lost} lost")
    if recovered is not None and recovered == 0:
        problems.append("old epoch: nothing was rescued (the damage hit no unsent row?)")
    wrong = [(seq, tag, t, v, rows.get(seq)) for seq, tag, t, v in old["readings"]
             if seq in rows and seq > cursor and (rows[seq][0], rows[seq][1], rows[seq][2]) != (tag, t, Decimal(v))]
    if wrong:
        problems.append(f"old epoch: {len(wrong)} rescued readings differ from the damaged store's rows, first {wrong[0]}")
    others = {e: r for e, r in epochs.items() if e != state["epoch"]}
    acked = int(agent.metrics().get("edge_buffer_acknowledged_sequence", -1))
    if len(others) != 1:
        problems.append(f"{agent.name}: {len(others)} new store epochs upstream, expected 1")
    for epoch, records in others.items():
        n, found = tiling(records)
        problems += [f"new epoch {epoch[:8]}: {p}" for p in found]
        if n != acked:
            problems.append(f"new epoch {epoch[:8]}: upstream 1..{n}, the agent acknowledged {acked}")
        out["new_epoch_sequences"] = n
    # served vs stored: a read the agent stored in a row the damage destroyed is excused (it is counted lost)
    lost_rows = defaultdict(list)
    for seq in missing:
        if seq in rows:
            tag, t, v = rows[seq]
            lost_rows[tag].append([t / 1000.0, v, True])

    def absorb(tag: str, served_at: float, value: Decimal) -> str | None:
        for entry in lost_rows.get(tag, []):
            if entry[2] and entry[1] == value and served_at - 0.05 <= entry[0] <= served_at + 0.5:
                entry[2] = False
                return "served_in_rows_lost_to_damage"
        return None

    found, more = compare_with_kills(stack, points, absorb=absorb)
    problems += found
    out.update(more)
    found, _ = check_sequences(stack, agents=[a for a in stack.agents if a.name != agent.name])
    problems += found
    return problems, out


args_collect_limit = 10.0   # "collects again within seconds"


def scenarios(args) -> list[Scenario]:
    return [
        Scenario("crash agent.modbus.after-receive-before-commit",
                 crash_point("agent.modbus.after-receive-before-commit", "plant2-gw1", 5, args.crash_rounds),
                 kills_agents=True),
        Scenario("crash agent.mqtt.after-receive-before-commit",
                 crash_point("agent.mqtt.after-receive-before-commit", "plant1-gw1", 3, args.crash_rounds),
                 kills_agents=True),
        Scenario("crash agent.mqtt.after-commit-before-ack",
                 crash_point("agent.mqtt.after-commit-before-ack", "plant1-gw1", 3, args.crash_rounds),
                 kills_agents=True),
        Scenario("crash agent.sync.after-upstream-commit-before-reply-recorded",
                 crash_point("agent.sync.after-upstream-commit-before-reply-recorded", "plant1-gw1", 2,
                             args.crash_rounds), kills_agents=True),
        Scenario("random kill -9 of agents", random_agent_kills, kills_agents=True),
        Scenario("kill -9 of the aggregator during ingest", aggregator_kills),
        Scenario("crash aggregator.ingest.after-commit-before-reply", aggregator_fault_point),
        Scenario("aggregator outage", outage),
        Scenario("lost responses (proxy drops replies after commit)", lost_responses, proxy=True),
        Scenario("broker restart", broker_restart),
        Scenario("a Modbus device stops answering", device_fault("power-meter-2", "silent", ["power-meter-1", "stack-1-analyser"])),
        Scenario("a Modbus device answers exception 04", device_fault("power-meter-3", 4, ["genset-fuel-meter"])),
        Scenario("agent disk quota reached", quota_reached, kills_agents=True, check=quota_check,
                 device_intervals=FAST_DEVICE),
        Scenario("corrupted agent database", corrupt_database, kills_agents=True, check=corrupt_check,
                 device_intervals=FAST_DEVICE),
        Scenario("postgres: kill -9 of the aggregator during ingest", aggregator_kills, database=True),
        Scenario("postgres: aggregator outage", outage, database=True),
    ]


def run_scenario(scenario: Scenario, args, index: int, pg_url: str | None) -> bool:
    run_dir = os.path.join(args.run_dir, f"{index:02d}")
    database = None
    if scenario.database:
        name = f"faults_{index}"
        base = pg_url.rsplit("/", 1)[0]
        subprocess.run(["psql", pg_url, "-q", "-c", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}"],
                       check=True, capture_output=True)
        database = f"{base}/{name}?sslmode=disable"
    proxy = None
    stack = FaultStack(run_dir, database=database, agent_extra=scenario.agent_extra)
    stack.device_intervals = dict(scenario.device_intervals)
    began_wall = time.time()
    began = datetime.now(timezone.utc)
    problems: list[str] = []
    figures: dict = {}
    try:
        if scenario.proxy:
            # the proxy's port is fixed before the configs are written; it learns the aggregator's port after
            proxy = DroppingProxy(0, rate=0.5, seed=args.seed)
            stack.agent_endpoint = f"http://127.0.0.1:{proxy.port}"
            stack.proxy = proxy
            orig = stack.start_aggregator

            def start_aggregator_then_proxy() -> None:
                orig()
                proxy.target_port = stack.port
                proxy.start()
            stack.start_aggregator = start_aggregator_then_proxy
        stack.start()
        figures.update(scenario.run(stack, args))
        problems += figures.pop("_problems", [])
        if figures.pop("_abort", False):
            raise SystemExit("stopped before the drain: it cannot complete (see the problems above)")
        stack.freeze_plant()
        figures["drain_after_freeze_s"] = round(stack.wait_drained(timeout=240), 1)
        series, points = fetch_stored(stack, began - timedelta(hours=1))
        with open(stack.path("kills.json"), "w") as handle:
            json.dump({"agents": stack.kills, "aggregator": stack.aggregator_kills}, handle)
        if scenario.check:
            found, more = scenario.check(stack, points, figures)
            figures.update(more)
            problems += found
        elif stack.kills:
            found, more = compare_with_kills(stack, points)
            figures.update(more)
        else:
            found = compare_readings(load_truth(stack.truth), series, points)
            figures["stored"] = sum(len(p) for p in points.values())
        if not scenario.check:
            problems += found
            more_problems, per_agent = check_sequences(stack)
            problems += more_problems
    except SystemExit as error:
        problems.append(f"scenario could not run: {error}")
    except Exception as error:  # noqa: BLE001 — reported as this scenario's failure, the suite goes on
        problems.append(f"scenario raised {type(error).__name__}: {error}")
    finally:
        stack.stop()
        if proxy:
            proxy.listener.close()
    seconds = time.time() - began_wall
    status = "OK" if not problems else "FAILED"
    log(f"faults: [{status}] {scenario.name} ({seconds:.0f} s) {json.dumps(figures, sort_keys=True)}")
    for problem in problems[:12]:
        log(f"    - {problem}")
    if len(problems) > 12:
        log(f"    - … {len(problems) - 12} more")
    if problems:
        log(f"    run folder kept: {run_dir}")
    elif not args.keep:
        shutil.rmtree(run_dir, ignore_errors=True)
    return not problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--soak", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated substrings of scenario names")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FAULTS_SEED", "6")))
    parser.add_argument("--run-dir", default=os.path.join(ROOT, "run", "faults"))
    args = parser.parse_args()
    args.agent_kills = 50 if args.soak else 10
    args.aggregator_kills = 30 if args.soak else 10
    args.outage = 300.0 if args.soak else 20.0
    args.crash_rounds = 5 if args.soak else 2
    args.lost_reply_period = 60.0 if args.soak else 12.0
    args.broker_restarts = 5 if args.soak else 2
    args.device_fault_period = 60.0 if args.soak else 8.0
    args.device_recovery = 40.0 if args.soak else 12.0
    args.quota_pages = 4              # the quota: the store's pages when the aggregator stops, plus these
    args.quota_wait = 35.0            # past the agent's first quota enforcement after its start (every 30 s)
    args.corrupt_backlog = 60.0 if args.soak else 12.0
    chosen = scenarios(args)
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        chosen = [s for s in chosen if any(w in s.name for w in wanted)]
    if args.list:
        for s in chosen:
            print(s.name)
        return 0
    pg_url = None
    pg_dir = os.path.join(ROOT, ".build", "pg-faults")
    if any(s.database for s in chosen):
        pg_url = subprocess.run([os.path.join(ROOT, "scripts", "postgres-test-server"), "start", pg_dir, str(PG_PORT)],
                                capture_output=True, text=True, check=True).stdout.strip()
    log(f"faults: {len(chosen)} scenarios ({'soak' if args.soak else 'short'} form), seed {args.seed}")
    began = time.time()
    failed = []
    try:
        for index, scenario in enumerate(chosen):
            if not run_scenario(scenario, args, index, pg_url):
                failed.append(scenario.name)
    finally:
        if pg_url:
            subprocess.run([os.path.join(ROOT, "scripts", "postgres-test-server"), "stop", pg_dir],
                           capture_output=True)
    log(f"faults: {len(chosen) - len(failed)} of {len(chosen)} scenarios passed in {time.time() - began:.0f} s")
    if failed:
        log("faults: FAILED: " + "; ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
