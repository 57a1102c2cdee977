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
PG_PORT = 55447
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


def compare_with_kills(stack: FaultStack, points: dict) -> tuple[list[str], dict]:
    """Served vs stored when agents were killed: Modbus reads matched by time and value, MQTT exactly."""
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


def check_sequences(stack: FaultStack, expect_single_epoch: bool = True) -> tuple[list[str], dict]:
    problems = []
    rows = sequence_rows(stack)
    figures = {}
    for agent in stack.agents:
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
                 agent_extra: str = "", what: str = ""):
        self.name, self.run, self.database, self.kills_agents = name, run, database, kills_agents
        self.proxy, self.agent_extra, self.what = proxy, agent_extra, what


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
        stack.freeze_plant()
        figures["drain_after_freeze_s"] = round(stack.wait_drained(timeout=240), 1)
        series, points = fetch_stored(stack, began - timedelta(hours=1))
        with open(stack.path("kills.json"), "w") as handle:
            json.dump({"agents": stack.kills, "aggregator": stack.aggregator_kills}, handle)
        if stack.kills:
            found, more = compare_with_kills(stack, points)
            figures.update(more)
        else:
            found = compare_readings(load_truth(stack.truth), series, points)
            figures["stored"] = sum(len(p) for p in points.values())
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
