#!/usr/bin/env python3
"""The whole demo plant as one object, for scripts/demo-plant and Tests/EndToEnd/ground_truth.py:
the aggregator on SQLite (first administrator with a random password), the organisation with two sites
(an edge agent each, credentials through the API) and an operator, the group's tag → source mappings and
its inventory for the current reporting year (scripts/sim/demo_world.py), the simulated plant
(scripts/sim/plant.py: Modbus TCP + RTU devices, the broker and the boiler's MQTT publisher), and the two
edge agents configured from the plant's profile. Everything binds 127.0.0.1; state goes to one run folder
(removed first). stdlib only; the binaries must be built (.build/debug).

Every child is started in its own session (a terminal's Ctrl-C reaches only this process) and `stop()`
ends them in order: agents (SIGTERM: final commit), plant (SIGINT: mosquitto and socat with it),
aggregator; anything still running after 10 s gets SIGKILL, by its own pid.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plant as plant_module  # noqa: E402
from demo_world import create_accounting, create_world  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, ".build", "debug")
PY = os.path.join(ROOT, ".venv", "bin", "python")

SITES = (  # (site key in the profile, site name, agent name)
    ("plant1", "Plant 1 (boiler house)", "plant1-gw1"),
    ("plant2", "Plant 2 (genset yard)", "plant2-gw1"),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_private(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def call(url: str, method: str, path: str, token: str | None = None, body=None, raw: bool = False):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read()
        return text if raw else (json.loads(text) if text else None)


@dataclass
class Agent:
    name: str
    site: str
    folder: str
    metrics_port: int
    process: subprocess.Popen | None = None

    @property
    def config(self) -> str:
        return os.path.join(self.folder, "edge-agent.toml")

    @property
    def socket(self) -> str:
        return os.path.join(self.folder, "control.sock")

    @property
    def log(self) -> str:
        return os.path.join(self.folder, "agent.log")

    def metrics(self) -> dict[str, float]:
        """The agent's Prometheus samples (unlabelled and summed over labels), {} when it does not answer."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=2) as response:
                text = response.read().decode()
        except OSError:
            return {}
        out: dict[str, float] = {}
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            name_part, _, value = line.rpartition(" ")
            name = name_part.split("{", 1)[0]
            try:
                out[name] = out.get(name, 0.0) + float(value)
            except ValueError:
                pass
        return out


@dataclass
class PlantStack:
    run_dir: str
    speed: float = 1.0
    excursion: tuple[float, float] = (20.0, 90.0)   # simulated seconds after the start, and duration
    sim_start: float | None = None                    # simulated epoch seconds (default: now)
    seed: int = 7
    api: str = ""
    agents: list[Agent] = field(default_factory=list)
    processes: list[subprocess.Popen] = field(default_factory=list)
    plant: subprocess.Popen | None = None
    aggregator: subprocess.Popen | None = None
    account: bool = False                             # set up the group's mappings and inventory (demo, ground truth)
    accounting: dict = field(default_factory=dict)   # {"inventory_id", "year", "mappings"} (demo_world)

    # -- paths -------------------------------------------------------------------------------------------
    def __post_init__(self) -> None:
        self.run_dir = os.path.abspath(self.run_dir)

    def path(self, *parts: str) -> str:
        return os.path.join(self.run_dir, *parts)

    @property
    def truth(self) -> str:
        return self.path("plant", "truth.jsonl")

    @property
    def credentials(self) -> str:
        return self.path("credentials")

    def spawn(self, args: list[str], log: str, **kwargs) -> subprocess.Popen:
        handle = open(log, "ab")
        process = subprocess.Popen(args, stdout=kwargs.pop("stdout", handle), stderr=handle, stdin=subprocess.DEVNULL,
                                   start_new_session=True, cwd=ROOT, **kwargs)
        self.processes.append(process)
        return process

    # -- start ---------------------------------------------------------------------------------------------
    def start(self) -> None:
        subprocess.run(["rm", "-rf", self.run_dir], check=True)
        os.makedirs(self.path("plant"), exist_ok=True)
        self.start_aggregator()
        self.create_world()
        self.write_configs()
        self.start_plant()
        self.start_agents()
        if self.account:
            self.accounting = create_accounting(self.api, open(self.path("admin.password")).readline().strip(),
                                                self.world["group_id"])

    def start_aggregator(self) -> None:
        port = free_port()
        self.api = f"http://127.0.0.1:{port}"
        for who in ("admin", "operator"):
            write_private(self.path(f"{who}.password"), secrets.token_urlsafe(18) + "\n")
        state = self.path("aggregator")
        subprocess.run([f"{BIN}/aggregator", "bootstrap-admin", "--state-dir", state, "--password-file",
                        self.path("admin.password"), "--organisation", "Demo platform"], check=True,
                       stdout=subprocess.DEVNULL, cwd=ROOT)
        self.aggregator = self.spawn([f"{BIN}/aggregator", "serve", "--state-dir", state, "--listen",
                                      f"127.0.0.1:{port}", "--metrics-listen", "off", "--log-level", "warning"],
                                     self.path("aggregator.log"))
        for _ in range(300):
            try:
                call(self.api, "GET", "/readyz", raw=True)
                return
            except OSError:
                if self.aggregator.poll() is not None:
                    raise SystemExit(f"the aggregator exited; see {self.path('aggregator.log')}")
                time.sleep(0.1)
        raise SystemExit("the aggregator did not become ready")

    def create_world(self) -> None:
        admin_password = open(self.path("admin.password")).readline().strip()
        operator_password = open(self.path("operator.password")).readline().strip()
        for key, _, agent_name in SITES:
            folder = self.path(agent_name)
            os.makedirs(os.path.join(folder, "devices.d"), exist_ok=True)
            self.agents.append(Agent(agent_name, key, folder, free_port()))
        self.world = create_world(self.api, admin_password, operator_password,
                                  [(name, agent, self.path(agent, "agent.token")) for _, name, agent in SITES])
        write_private(self.credentials,
                      f"aggregator   {self.api}   (database: {self.path('aggregator', 'aggregator.sqlite')})\n"
                      f"admin        admin / {admin_password}\n"
                      f"operator     operator / {operator_password}\n")

    def write_configs(self) -> None:
        profile = plant_module.PROFILE
        config = {
            "run_dir": self.path("plant"),
            "sim_start": self.sim_start if self.sim_start is not None else time.time(),
            "excursion": list(self.excursion),
            "broker_port": free_port(),
            "pty_plant": self.path("plant", "tty-plant"),
            "pty_agent": self.path("plant", "tty-agent"),
            "baud": 19200,
            "ports": {d.name: free_port() for d in profile.devices if d.protocol == "modbus_tcp"},
        }
        self.plant_config = config
        with open(self.path("plant", "plant.json"), "w") as handle:
            json.dump(config, handle, indent=2)
        for agent in self.agents:
            for index, device in enumerate(plant_module.devices_of(agent.site, profile)):
                with open(os.path.join(agent.folder, "devices.d", f"{10 * (index + 1)}-{device.name}.toml"), "w") as h:
                    h.write(device_file(device, config, profile))
            with open(agent.config, "w") as handle:
                handle.write(agent_file(agent, self.api, config, profile))

    def start_plant(self) -> None:
        self.plant = self.spawn([PY, os.path.join(ROOT, "scripts", "sim", "plant.py"), "serve", "--config",
                                 self.path("plant", "plant.json"), "--truth", self.truth, "--speed", str(self.speed),
                                 "--seed", str(self.seed)], self.path("plant", "plant.log"), stdout=subprocess.PIPE)
        line = self.plant.stdout.readline().decode().strip()
        if line != "ready":
            raise SystemExit(f"the plant did not start ({line!r}); see {self.path('plant', 'plant.log')}")

    def start_agents(self) -> None:
        for agent in self.agents:
            check = subprocess.run([f"{BIN}/edge-agent", "check-config", "--config", agent.config],
                                   capture_output=True, text=True, cwd=ROOT)
            if check.returncode != 0:
                raise SystemExit(f"edge-agent check-config {agent.config}:\n{check.stdout}{check.stderr}")
            agent.process = self.spawn([f"{BIN}/edge-agent", "run", "--config", agent.config, "--log-level", "notice"],
                                       agent.log)
        for agent in self.agents:
            for _ in range(100):
                if agent.metrics():
                    break
                if agent.process.poll() is not None:
                    raise SystemExit(f"agent {agent.name} exited; see {agent.log}")
                time.sleep(0.1)
        # The boiler publishes only once its subscriber is connected (then subscribed: its session is
        # persistent, so from there on nothing published is lost even across agent restarts).
        subscriber = next(a for a in self.agents if a.site == plant_module.PROFILE.boiler_site)
        for _ in range(100):
            with open(subscriber.log) as handle:
                if "MQTT connected" in handle.read():
                    break
            time.sleep(0.1)
        else:
            raise SystemExit(f"agent {subscriber.name} did not connect to the broker; see {subscriber.log}")
        time.sleep(1.0)
        self.plant.send_signal(signal.SIGUSR2)

    # -- looking -------------------------------------------------------------------------------------------
    def central_count(self) -> int:
        """Readings stored by the aggregator (its SQLite file, read-only: the API has no count)."""
        try:
            db = sqlite3.connect(f"file:{self.path('aggregator', 'aggregator.sqlite')}?mode=ro", uri=True, timeout=2)
            try:
                return db.execute("SELECT count(*) FROM readings").fetchone()[0]
            finally:
                db.close()
        except sqlite3.Error:
            return -1

    def open_alarms(self, agent: Agent) -> list[dict]:
        result = subprocess.run([f"{BIN}/carbonctl", "alarms", "list", "--socket", agent.socket, "--format", "json"],
                                capture_output=True, text=True, cwd=ROOT)
        if result.returncode != 0:
            return []
        try:
            data = json.loads(result.stdout or "[]")
        except json.JSONDecodeError:
            return []
        return data if isinstance(data, list) else data.get("alarms", [])

    def admin_token(self) -> str:
        password = open(self.path("admin.password")).readline().strip()
        return call(self.api, "POST", "/api/v1/auth/login", body={"username": "admin", "password": password})["token"]

    def calculate_inventory(self, token: str | None = None) -> dict:
        """POST /api/v1/inventories/:id/calculate: the calculation reply (a new version when telemetry changed)."""
        return call(self.api, "POST", f"/api/v1/inventories/{self.accounting['inventory_id']}/calculate",
                    token or self.admin_token())

    # -- stopping ------------------------------------------------------------------------------------------
    def freeze_plant(self, timeout: float = 60) -> dict:
        """Stops the devices answering and the publisher publishing; returns the plant's totals record."""
        self.plant.send_signal(signal.SIGUSR1)
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.plant.stdout.readline().decode()
            if line.startswith("frozen "):
                return json.loads(line[len("frozen "):])
            if not line and self.plant.poll() is not None:
                break
        raise SystemExit("the plant did not freeze")

    def wait_drained(self, timeout: float = 120, quiet: float = 3.0) -> float:
        """Waits until every agent has nothing unsent and commits nothing new for `quiet` s; returns the wait."""
        started = time.time()
        last, since = None, time.time()
        while time.time() - started < timeout:
            samples = [a.metrics() for a in self.agents]
            state = [(m.get("edge_readings_committed_total"), m.get("edge_buffer_unsent_readings"),
                      m.get("edge_buffer_acknowledged_sequence")) for m in samples]
            if state != last:
                last, since = state, time.time()
            elif all(s[1] == 0 and s[2] is not None for s in state) and time.time() - since >= quiet:
                return time.time() - started
            time.sleep(0.5)
        raise SystemExit(f"the agents did not drain within {timeout} s: {last}")

    def stop(self) -> None:
        def end(process: subprocess.Popen | None, sig: int) -> None:
            if process is not None and process.poll() is None:
                process.send_signal(sig)

        for agent in self.agents:
            end(agent.process, signal.SIGTERM)
        for agent in self.agents:
            wait(agent.process, 10)
        end(self.plant, signal.SIGINT)
        wait(self.plant, 15)
        end(self.aggregator, signal.SIGTERM)
        wait(self.aggregator, 10)
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def wait(process: subprocess.Popen | None, seconds: float) -> None:
    if process is None:
        return
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- configuration files, written from the plant's profile -------------------------------------------------

def toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def device_file(device: plant_module.Device, config: dict, profile: plant_module.Profile) -> str:
    lines = [f"# Written by scripts/sim/plant_stack.py from the plant's profile (scripts/sim/plant.py).",
             f"name = {toml_string(device.name)}", f"protocol = {toml_string(device.protocol)}"]
    if device.protocol == "modbus_tcp":
        lines += ['host = "127.0.0.1"', f"port = {config['ports'][device.name]}"]
    lines += [f"unit_id = {device.unit_id}", f"interval_ms = {device.interval_ms}", "timeout_ms = 1500",
              f"address_base = {device.address_base}", "max_gap = 0"]
    if device.protocol == "modbus_rtu":
        lines += ["", "[serial]", f"device = {toml_string(config['pty_agent'])}", f"baud = {config['baud']}",
                  'parity = "N"']
    for tag in device.tags:
        lines += ["", "[[tags]]", f"name = {toml_string(tag.name)}", f"table = {toml_string(tag.table)}",
                  f"address = {tag.address + device.address_base}", f"data_type = {toml_string(tag.data_type)}"]
        if tag.order and tag.registers == 2:
            lines.append(f"order = {toml_string(tag.order)}")
        if tag.scale != "1":
            lines.append(f"scale = {toml_string(tag.scale)}")
        lines.append(f"unit = {toml_string(tag.unit)}")
    if any(t.name == profile.excursion_tag for t in device.tags):
        lines += ["", "[[alarms]]", f"tag = {toml_string(profile.excursion_tag)}", 'deadband = "20"',
                  f'h = {{ limit = "{profile.alarm_limit}", priority = "high" }}']
    return "\n".join(lines) + "\n"


def agent_file(agent: Agent, api: str, config: dict, profile: plant_module.Profile) -> str:
    text = f"""# Written by scripts/sim/plant_stack.py: edge agent {agent.name} of the demo plant.
[agent]
id = "{agent.name}"
state_directory = "state"
devices_directory = "devices.d"
control_socket = "control.sock"
metrics_listen = "127.0.0.1:{agent.metrics_port}"

[buffer]
group_commit_ms = 100

[alarms]
tick_s = 1

[sync]
endpoints = ["{api}"]
token_file = {toml_string(os.path.join(agent.folder, "agent.token"))}
batch_max_age_ms = 1000
retry_base_ms = 200
retry_cap_s = 5
"""
    if profile.boiler_site == agent.site:
        filter_ = profile.boiler_topic.replace("/1/", "/+/")
        fields = ", ".join(f'{{ value = "{f.key}", tag = "{f.tag}", unit = {toml_string(f.unit)} }}'
                           for f in profile.boiler_fields)
        text += f"""
[mqtt]
host = "127.0.0.1"
port = {config['broker_port']}
client_id = "{agent.name}-mqtt"

[[mqtt.subscriptions]]
filter = "{filter_}"
fields = [ {fields} ]
"""
    return text


# -- the demo (scripts/demo-plant) ---------------------------------------------------------------------------

class InventoryWatch:
    """The group's inventory, calculated through the API every `every` seconds for the live summary."""

    def __init__(self, stack: PlantStack, every: float = 30.0):
        self.stack, self.every = stack, every
        self.token: str | None = None
        self.last: dict | None = None
        self.at = 0.0
        self.error = ""

    def calculate(self) -> dict | None:
        for attempt in range(2):
            try:
                self.token = self.token or self.stack.admin_token()
                self.last, self.at, self.error = self.stack.calculate_inventory(self.token), time.time(), ""
                return self.last
            except urllib.error.HTTPError as error:
                self.error = f"HTTP {error.code}"
                if error.code != 401 or attempt:
                    break
                self.token = None  # the session ran out: log in again
            except OSError as error:
                self.error = str(error)
                break
        self.at = time.time()
        return None

    def summary(self) -> str:
        """'12.345 (v3)': the total so far and the version it is, recalculated when `every` has passed."""
        if time.time() - self.at >= self.every:
            self.calculate()
        if self.last is None:
            return f"n/a ({self.error or 'not calculated yet'})"
        version = self.last["version"]
        return f"{version['total_tco2e']} (v{version['number']}{', ' + self.error if self.error else ''})"

    def lines(self) -> list[str]:
        """The inventory's per-source lines: source, kind, activity from telemetry, tCO2e and gases."""
        version = self.last["version"]
        inputs = {s["id"]: s for s in version["inputs"].get("sources", [])}
        readings: dict[str, int] = {}
        for entry in version["result"].get("coverage", []):
            readings[entry["source_id"]] = readings.get(entry["source_id"], 0) + int(entry.get("readings") or 0)
        report = version["result"]["report"]
        out = [f"== inventory of {report['organisation']} {report['period']['from']} … {report['period']['to']} "
               f"(version {version['number']}, {version['status']}): {version['total_tco2e']} tCO2e"]
        for source in report["sources"]:
            given = inputs.get(source["id"], {})
            parts = given.get("quantities") or ([given["quantity"]] if "quantity" in given else [])
            activity = " + ".join(f"{q['value']} {q['unit']}" for q in parts) or "-"
            gases = ", ".join(f"{gas} {mass} t" for gas, mass in sorted(source.get("gases", {}).items()))
            out.append(f"  {source['id']:<22} {source['kind']:<22} {source['tco2e']:>10} tCO2e   activity {activity}"
                       f"   ({gases}; {readings.get(source['id'], 0)} readings"
                       f"{'' if source.get('counted', True) else '; not counted'})")
        return out


def demo(argv: list[str]) -> int:
    """Runs the plant for DURATION seconds (absent or 0: until Ctrl-C) with a live summary every 5 s."""
    import argparse
    parser = argparse.ArgumentParser(prog="scripts/demo-plant")
    parser.add_argument("duration", nargs="?", type=float, default=0.0, help="seconds (default: until Ctrl-C)")
    parser.add_argument("--speed", type=float, default=float(os.environ.get("PLANT_SPEED", "1")),
                        help="simulated seconds per real second (default 1: real time)")
    parser.add_argument("--run-dir", default=os.path.join(ROOT, "run", "demo"))
    args = parser.parse_args(argv)
    # The CH4 excursion: 8 simulated seconds in, for 2 minutes (at ×1; proportionally later when faster).
    start = 8.0 * max(1.0, args.speed)
    stack = PlantStack(args.run_dir, speed=args.speed, excursion=(start, 120.0 * max(1.0, args.speed)), account=True)
    ctl = f"{BIN}/carbonctl"

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    # Ctrl-C and SIGTERM both stop everything cleanly (explicitly: a shell that starts us in the
    # background leaves SIGINT ignored).
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    inventory: InventoryWatch | None = None
    try:
        stack.start()
        first = stack.agents[0]
        rel = lambda p: os.path.relpath(p, ROOT)  # noqa: E731
        print(f"""== the demo plant is running (×{args.speed:g} simulated time)
  aggregator API    {stack.api}   (try: curl -s {stack.api}/readyz)
  credentials       {rel(stack.credentials)}  (0600: admin and operator, random passwords)
  logs              {rel(stack.path('aggregator.log'))}, {rel(first.log)}, {rel(stack.agents[1].log)}, {rel(stack.path('plant', 'plant.log'))}
  ground truth      {rel(stack.truth)}  (what the plant served, per read)
  agent configs     {', '.join(rel(a.config) for a in stack.agents)}
  alarms at the edge  {rel(ctl)} alarms list --socket {rel(first.socket)}
                      {rel(ctl)} alarms ack stack1.ch4 H --socket {rel(first.socket)} --operator you --comment seen
  plant: {', '.join(d.name + ' (' + ('RTU ' + stack.plant_config['pty_agent'] if d.protocol == 'modbus_rtu' else 'TCP :' + str(stack.plant_config['ports'][d.name])) + ')' for d in plant_module.PROFILE.devices)},
         boiler JSON on mqtt://127.0.0.1:{stack.plant_config['broker_port']}/{plant_module.PROFILE.boiler_topic}
  {'stops after ' + format(args.duration, 'g') + ' s' if args.duration else 'Ctrl-C stops everything'}""", flush=True)
        print(f"  inventory         {stack.accounting['year']}, organisation {stack.world['group_id']}: "
              f"{stack.api}/api/v1/inventories/{stack.accounting['inventory_id']} (calculated every ~30 s)",
              flush=True)
        inventory = InventoryWatch(stack)
        began, last_time, last_total = time.time(), time.time(), 0.0
        while not args.duration or time.time() - began < args.duration:
            time.sleep(min(5.0, max(0.1, args.duration - (time.time() - began))) if args.duration else 5.0)
            now = time.time()
            samples = [a.metrics() for a in stack.agents]
            # every reading (Modbus or MQTT) takes the next sequence: acknowledged + unsent = stored at the edge
            total = sum(m.get("edge_buffer_acknowledged_sequence", 0) + m.get("edge_buffer_unsent_readings", 0)
                        for m in samples)
            rate = (total - last_total) / max(0.001, now - last_time)
            last_time, last_total = now, total
            backlog = " ".join(f"{a.name}={int(m.get('edge_buffer_unsent_readings', -1))}"
                               for a, m in zip(stack.agents, samples))
            alarms = [f"{x.get('tag')} {x.get('kind')} {x.get('state')}" for a in stack.agents
                      for x in stack.open_alarms(a) if x.get("state") != "normal"]
            print(f"[{now - began:5.0f} s] {rate:6.1f} readings/s | backlog {backlog} | "
                  f"alarms: {', '.join(alarms) or 'none'} | stored centrally {stack.central_count()} | "
                  f"tCO2e so far: {inventory.summary()}", flush=True)
        if args.duration:  # the smoke run shows the edge's alarm handling once
            for command in (["alarms", "list"], ["alarms", "ack", "stack1.ch4", "H", "--operator", "demo", "--comment",
                                                 "seen on the stack"], ["alarms", "history"]):
                print(f"$ carbonctl {' '.join(command)} --socket {os.path.relpath(first.socket, ROOT)}", flush=True)
                subprocess.run([ctl, *command, "--socket", first.socket], cwd=ROOT)
            print("== the same readings, centrally, through the aggregator's API (as the administrator)", flush=True)
            write_private(stack.path("admin.token"), stack.admin_token() + "\n")
            subprocess.run([PY, os.path.join(ROOT, "scripts", "sim", "demo_readings.py"), stack.api,
                            stack.path("admin.token")], cwd=ROOT)
    except KeyboardInterrupt:
        print("\n== Ctrl-C: stopping", flush=True)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave orphans
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if stack.accounting and stack.aggregator is not None and stack.aggregator.poll() is None:
            watch = inventory or InventoryWatch(stack)
            if watch.calculate() is not None:
                print("\n".join(watch.lines()), flush=True)
            else:
                print(f"== inventory: not calculated ({watch.error})", flush=True)
        stack.stop()
    print(f"stopped: agents, plant (mosquitto, socat), aggregator; readings stored centrally: {stack.central_count()}; "
          f"state kept in {os.path.relpath(stack.run_dir, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(demo(sys.argv[1:]))
