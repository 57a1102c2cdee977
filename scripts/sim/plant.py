#!/usr/bin/env python3
"""The simulated plant: deterministic Modbus devices (TCP and one RTU through a socat pty pair) and an
MQTT publisher (boiler sensors as JSON, QoS 1) to a mosquitto broker it starts on loopback.

    plant.py serve --config plant.json --truth truth.jsonl [--speed 1440] [--seed 7]

plant.json is written by `write_config` (scripts/sim/plant_stack.py calls it): ports, the pty paths, the
run folder, the simulated start time and the excursion. Everything binds 127.0.0.1.

Values follow PROFILE below: a daily load curve (simulated time, which --speed accelerates: 1440 is one
simulated day per real minute) plus noise drawn from Random(f"{seed}:{tag}:{step}"), so a value depends
only on the seed, the tag and the step (STEP_SECONDS of simulated time, or `speed` seconds when faster),
never on when it was read. Counters integrate their rate exactly (fractions) and expose floor(total/scale).
A scripted excursion adds EXCURSION_PPM to the stack's CH4 between two simulated times; it trips the H
alarm the agent's device file declares.

Ground truth (--truth, JSON lines, flushed as written):
  {"kind": "step", "device", "step", "sim_time", "real_time", "values": {tag: decimal}}   what a device
        made readable from that step on (the decimal the registers encode, as the agent must decode it)
  {"kind": "read", "device", "step", "real_time", "values": {tag: decimal}}   one served read request:
        the tags it covered entirely, with the values it returned
  {"kind": "mqtt", "topic", "real_time", "sim_time", "values": {tag: decimal}}   one QoS 1 message the
        broker acknowledged (PUBACK received)
  {"kind": "frozen", ...} and {"kind": "totals", "counters": {tag: decimal}, "reads": {...}, "messages": n}
Device faults (for Tests/EndToEnd/faults.py): <run_dir>/device-faults.json, re-read when it changes, maps a
device name to "silent" (requests get no answer: the agent's timeout runs out) or to a Modbus exception code
(an integer, e.g. 4 = server device failure); nothing is logged as served for such a request. Absent or {}:
every device answers.
The MQTT publisher starts on SIGUSR2 (once the subscriber is connected). SIGUSR1 freezes the plant: from then on every Modbus request is answered with exception 06 (device busy,
nothing logged) and nothing more is published; once every published message is acknowledged the totals
are written and "frozen" is printed. The broker stays up so the agents can still receive what it holds.
SIGHUP restarts the broker (SIGTERM, which saves its persistence, then a new one on the same port).
SIGINT/SIGTERM stop everything (mosquitto and socat included). Prints "ready" once all of it listens.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal, getcontext
from fractions import Fraction

getcontext().prec = 60

STEP_SECONDS = 1          # simulated seconds per value step at real-time speed
EXCURSION_PPM = 300       # added to the stack's CH4 during the excursion (H limit 200 ppm)


# ---------------------------------------------------------------------------------------------------
# The profile: devices, their register maps (as the agent's device files declare them) and signals.

@dataclass(frozen=True)
class Tag:
    name: str
    address: int                 # protocol address (0-based) of the first register
    data_type: str               # uint16, uint32, float32
    unit: str
    order: str | None = None     # 32-bit permutation (ABCD, CDAB, BADC, DCBA)
    scale: str = "1"
    table: str = "holding_register"
    signal: str = "const"        # see Plant.signal
    base: float = 0.0            # signal parameters: value = base + swing × load + noise
    swing: float = 0.0
    noise: float = 0.0
    resolution: str = "0.01"     # the value is rounded to this before it is encoded
    counter_of: str | None = None  # a cumulative counter integrating this tag's rate (per hour)
    initial: str = "0"           # a counter's starting total

    @property
    def registers(self) -> int:
        return 1 if self.data_type in ("uint16", "int16") else 2


@dataclass(frozen=True)
class Device:
    name: str
    site: str                    # which agent polls it: "plant1" or "plant2"
    protocol: str                # modbus_tcp or modbus_rtu
    unit_id: int
    tags: tuple[Tag, ...]
    address_base: int = 0        # as the device file writes addresses (the RTU meter counts from 1)
    interval_ms: int = 1000


@dataclass(frozen=True)
class MQTTField:
    key: str                     # JSON key in the payload
    tag: str
    unit: str
    base: float
    swing: float
    noise: float
    resolution: str


@dataclass(frozen=True)
class Profile:
    devices: tuple[Device, ...]
    boiler_topic: str
    boiler_fields: tuple[MQTTField, ...]
    boiler_site: str = "plant1"
    publish_interval_s: float = 1.0
    excursion_tag: str = "stack1.ch4"
    alarm_limit: str = "200"


def _power_meter(name: str, prefix: str, site: str, energy_order: str, initial: str, rated_kw: float) -> Device:
    return Device(name, site, "modbus_tcp", 1, (
        Tag(f"{prefix}.energy", 0, "uint32", "kWh", order=energy_order, scale="0.01", table="input_register",
            counter_of=f"{prefix}.power", initial=initial),
        Tag(f"{prefix}.voltage", 2, "uint16", "V", scale="0.1", table="input_register", signal="voltage",
            base=400.0, noise=1.5, resolution="0.1"),
        Tag(f"{prefix}.current", 3, "uint16", "A", scale="0.1", table="input_register", signal="current",
            resolution="0.1"),
        Tag(f"{prefix}.power", 4, "float32", "kW", order="ABCD", table="input_register", signal="load",
            base=0.25 * rated_kw, swing=0.7 * rated_kw, noise=0.02 * rated_kw, resolution="0.01"),
    ))


PROFILE = Profile(
    devices=(
        # Site 1: the boiler house's stack gas analyser, the natural-gas meter and two power meters.
        Device("stack-1-analyser", "plant1", "modbus_tcp", 1, (
            Tag("stack1.co2", 0, "uint16", "%", scale="0.01", signal="load", base=8.6, swing=1.8, noise=0.08),
            Tag("stack1.ch4", 1, "float32", "ppm", order="ABCD", signal="ch4", base=12.0, swing=8.0, noise=1.0,
                resolution="0.1"),
            Tag("stack1.flow", 3, "float32", "Nm3/h", order="CDAB", signal="load", base=4200.0, swing=7600.0,
                noise=60.0, resolution="0.5"),
        )),
        Device("natural-gas-meter", "plant1", "modbus_tcp", 1, (
            Tag("gas.flow", 0, "float32", "Nm3/h", order="BADC", signal="load", base=380.0, swing=700.0, noise=8.0,
                resolution="0.1"),
            Tag("gas.total", 2, "uint32", "Nm3", order="CDAB", scale="0.1", counter_of="gas.flow", initial="1234567.8"),
        )),
        _power_meter("power-meter-1", "pm1", "plant1", "ABCD", "5234100.25", 900.0),
        _power_meter("power-meter-2", "pm2", "plant1", "DCBA", "871522.50", 350.0),
        # Site 2: one power meter on TCP and a genset fuel meter on Modbus RTU (addresses counted from 1).
        _power_meter("power-meter-3", "pm3", "plant2", "CDAB", "2010033.00", 600.0),
        Device("genset-fuel-meter", "plant2", "modbus_rtu", 5, (
            Tag("genset.fuel_rate", 0, "uint16", "L/h", scale="0.1", signal="load", base=20.0, swing=60.0, noise=1.0,
                resolution="0.1"),
            Tag("genset.fuel_total", 1, "uint32", "L", order="BADC", scale="0.01", counter_of="genset.fuel_rate",
                initial="45210.37"),
        ), address_base=1),
    ),
    boiler_topic="plant1/boiler/1/telemetry",
    boiler_fields=(
        MQTTField("steam_t_h", "boiler1.steam", "t/h", 4.0, 9.0, 0.15, "0.01"),
        MQTTField("pressure_bar", "boiler1.pressure", "bar", 9.2, 0.8, 0.05, "0.01"),
        MQTTField("feedwater_c", "boiler1.feedwater", "°C", 103.0, 4.0, 0.3, "0.1"),
        MQTTField("o2_pct", "boiler1.o2", "%", 4.2, -1.2, 0.1, "0.01"),
    ),
)


def devices_of(site: str, profile: Profile = PROFILE) -> list[Device]:
    return [d for d in profile.devices if d.site == site]


# ---------------------------------------------------------------------------------------------------
# Encoding: value → registers in a given order, and registers → the decimal the agent must record.

def _order_registers(value_bytes: bytes, order: str | None) -> list[int]:
    order = order or "ABCD"[: len(value_bytes)]
    wire = bytes(value_bytes[ord(letter) - 65] for letter in order)
    return [int.from_bytes(wire[i:i + 2], "big") for i in range(0, len(wire), 2)]


def _value_bytes(registers: list[int], order: str | None) -> bytes:
    wire = b"".join(r.to_bytes(2, "big") for r in registers)
    order = order or "ABCD"[: len(wire)]
    out = bytearray(len(wire))
    for position, letter in enumerate(order):
        out[ord(letter) - 65] = wire[position]
    return bytes(out)


def shortest_float32(bits: bytes) -> Decimal:
    """The shortest decimal that reads back as the same float32 (what Swift's Float.description gives)."""
    value = struct.unpack(">f", bits)[0]
    for digits in range(1, 10):
        text = "%.*g" % (digits, value)
        if struct.pack(">f", float(text)) == bits:
            return Decimal(text)
    raise ValueError(bits.hex())


def encode(tag: Tag, value: Decimal) -> list[int]:
    """Registers holding `value` (already scaled: the raw register value is value / scale)."""
    if tag.data_type == "float32":
        return _order_registers(struct.pack(">f", float(value)), tag.order)
    raw = int((value / Decimal(tag.scale)).to_integral_value())
    if tag.data_type == "uint16":
        return [raw & 0xFFFF]
    return _order_registers(struct.pack(">I", raw & 0xFFFFFFFF), tag.order)


def decode(tag: Tag, registers: list[int]) -> Decimal:
    """What the agent records for these registers: raw × scale, floats through their shortest text."""
    raw_bytes = _value_bytes(registers, tag.order if tag.registers == 2 else None)
    if tag.data_type == "float32":
        raw = shortest_float32(raw_bytes)
    else:
        raw = Decimal(int.from_bytes(raw_bytes, "big"))
    value = raw * Decimal(tag.scale)
    return value.normalize() if value != 0 else Decimal(0)


def quantise(value: float, resolution: str) -> Decimal:
    step = Decimal(resolution)
    return (Decimal(repr(value)) / step).to_integral_value() * step


# ---------------------------------------------------------------------------------------------------
# The simulated process.

def daily_load(sim_time: float) -> float:
    """0..1: night base, a morning ramp, a midday dip and an evening shoulder (local plant time = UTC+8)."""
    hour = ((sim_time / 3600.0) + 8.0) % 24.0
    day = max(0.0, math.sin(math.pi * (hour - 6.0) / 15.0)) if 6.0 <= hour <= 21.0 else 0.0
    dip = 0.12 * math.exp(-((hour - 12.5) ** 2) / 0.5)
    return max(0.0, min(1.0, 0.15 + 0.85 * day - dip))


class Plant:
    def __init__(self, profile: Profile, seed: int, sim_start: float, speed: float, excursion: tuple[float, float],
                 truth_path: str):
        self.profile, self.seed, self.sim_start, self.speed = profile, seed, sim_start, speed
        self.step_seconds = max(STEP_SECONDS, int(speed))
        self.excursion = excursion  # (start, duration) in simulated seconds after the start
        self.real_start = time.time()
        self.truth = open(truth_path, "a", buffering=1)
        self.lock = threading.Lock()
        self.frozen = False
        self.tags = {t.name: t for d in profile.devices for t in d.tags}
        # per device: the step whose values its registers hold, and the registers by address
        self.current_step: dict[str, int] = {}
        self.registers: dict[str, dict[int, int]] = {}
        self.values: dict[str, dict[str, Decimal]] = {}
        self.counter_totals: dict[str, Fraction] = {t.name: Fraction(Decimal(t.initial)) for t in self.tags.values()
                                                    if t.counter_of}
        self.counter_steps: dict[str, int] = {name: 0 for name in self.counter_totals}
        self.reads: dict[str, int] = {}
        self.messages = 0
        self.faults_path: str | None = None
        self.faults_seen: tuple[float, dict] = (0.0, {})

    def device_fault(self, device: str):
        """None, "silent" or an exception code, from the device-faults file (see the module's doc)."""
        if not self.faults_path:
            return None
        try:
            mtime = os.stat(self.faults_path).st_mtime
        except OSError:
            return None
        if mtime != self.faults_seen[0]:
            try:
                with open(self.faults_path) as handle:
                    self.faults_seen = (mtime, json.load(handle))
            except (OSError, ValueError):
                return None
        return self.faults_seen[1].get(device)

    # simulated clock
    def sim_now(self) -> float:
        return self.sim_start + (time.time() - self.real_start) * self.speed

    def step_now(self) -> int:
        return int((self.sim_now() - self.sim_start) // self.step_seconds)

    def sim_time_of(self, step: int) -> float:
        return self.sim_start + step * self.step_seconds

    def noise(self, tag: str, step: int, sigma: float) -> float:
        return random.Random(f"{self.seed}:{tag}:{step}").gauss(0.0, sigma) if sigma else 0.0

    def in_excursion(self, step: int) -> bool:
        start, duration = self.excursion
        offset = step * self.step_seconds
        return start <= offset < start + duration

    def signal(self, tag: Tag, step: int) -> Decimal:
        load = daily_load(self.sim_time_of(step))
        if tag.signal == "load":
            value = tag.base + tag.swing * load + self.noise(tag.name, step, tag.noise)
        elif tag.signal == "ch4":
            value = tag.base + tag.swing * load + self.noise(tag.name, step, tag.noise)
            if self.in_excursion(step):
                value += EXCURSION_PPM
        elif tag.signal == "voltage":
            value = tag.base - 6.0 * load + self.noise(tag.name, step, tag.noise)
        elif tag.signal == "current":
            prefix = tag.name.rsplit(".", 1)[0]
            kw = float(self.signal(self.tags[prefix + ".power"], step))
            volts = float(self.signal(self.tags[prefix + ".voltage"], step))
            value = kw * 1000.0 / (math.sqrt(3) * volts * 0.92)
        else:
            value = tag.base
        return quantise(max(0.0, value), tag.resolution)

    def counter(self, tag: Tag, step: int) -> Decimal:
        """floor(total / scale) × scale, the total integrating the rate tag's value of each step (per hour)."""
        rate = self.tags[tag.counter_of]
        while self.counter_steps[tag.name] < step:
            self.counter_steps[tag.name] += 1
            k = self.counter_steps[tag.name]
            self.counter_totals[tag.name] += Fraction(self.signal(rate, k)) * self.step_seconds / 3600
        scale = Fraction(Decimal(tag.scale))
        return Decimal(math.floor(self.counter_totals[tag.name] / scale)) * Decimal(tag.scale)

    def materialise(self, device: Device, step: int) -> None:
        """Puts the values of `step` into the device's registers and logs them (once per step)."""
        if self.current_step.get(device.name) == step:
            return
        registers: dict[int, int] = {}
        values: dict[str, Decimal] = {}
        for tag in device.tags:
            value = self.counter(tag, step) if tag.counter_of else self.signal(tag, step)
            words = encode(tag, value)
            for offset, word in enumerate(words):
                registers[tag.address + offset] = word
            values[tag.name] = decode(tag, words)
        self.current_step[device.name] = step
        self.registers[device.name] = registers
        self.values[device.name] = values
        self.log(kind="step", device=device.name, step=step, sim_time=self.sim_time_of(step), real_time=time.time(),
                 values={k: str(v) for k, v in values.items()})

    def serve_read(self, device: Device, address: int, count: int) -> dict[int, int] | None:
        """The registers for one read request (None once frozen), logged as ground truth."""
        with self.lock:
            if self.frozen:
                return None
            self.materialise(device, max(0, self.step_now()))
            covered = {t.name: str(self.values[device.name][t.name]) for t in device.tags
                       if address <= t.address and t.address + t.registers <= address + count}
            self.reads[device.name] = self.reads.get(device.name, 0) + 1
            self.log(kind="read", device=device.name, step=self.current_step[device.name], real_time=time.time(),
                     address=address, count=count, values=covered)
            return self.registers[device.name]

    def log(self, **record) -> None:
        self.truth.write(json.dumps(record, sort_keys=True) + "\n")

    def boiler_payload(self, step: int) -> tuple[str, dict[str, str]]:
        load = daily_load(self.sim_time_of(step))
        values = {}
        for f in self.profile.boiler_fields:
            value = f.base + f.swing * load + self.noise(f.tag, step, f.noise)
            values[f.key] = quantise(max(0.0, value), f.resolution)
        # Written by hand so every number travels exactly as the decimal logged (no float repr).
        body = "{" + ", ".join(f'"{k}": {v}' for k, v in values.items()) + f', "sim_step": {step}' + "}"
        return body, {f.tag: str(values[f.key]) for f in self.profile.boiler_fields}

    def freeze(self) -> None:
        with self.lock:
            self.frozen = True

    def write_totals(self) -> dict:
        with self.lock:
            counters = {}
            for name in self.counter_totals:
                device = next(d for d in self.profile.devices if any(t.name == name for t in d.tags))
                if device.name in self.values:
                    counters[name] = str(self.values[device.name][name])
            record = dict(kind="totals", counters=counters, reads=self.reads, messages=self.messages,
                          real_time=time.time(), sim_time=self.sim_now())
            self.log(**record)
            return record


# ---------------------------------------------------------------------------------------------------
# Servers: pymodbus (not our code) for Modbus, mosquitto + paho-mqtt for MQTT, socat for the pty pair.

def make_sim_device(plant: Plant, device: Device):
    from pymodbus.constants import ExcCodes
    from pymodbus.simulator import DataType, SimData, SimDevice

    async def action(function_code, start_address, address, count, current_registers, set_values):
        if set_values is not None:
            return ExcCodes.ILLEGAL_FUNCTION  # the plant is read-only
        fault = plant.device_fault(device.name)
        if fault == "silent":
            await asyncio.sleep(5.0)  # past the agent's timeout; the late answer is not logged as served
            return ExcCodes.DEVICE_BUSY
        if isinstance(fault, int):
            return ExcCodes(fault)
        registers = plant.serve_read(device, address, count)
        if registers is None:
            return ExcCodes.DEVICE_BUSY
        for a, word in registers.items():
            index = a - start_address
            if 0 <= index < len(current_registers):
                current_registers[index] = word
        return None

    addresses = sorted(a for t in device.tags for a in range(t.address, t.address + t.registers))
    # One single-register block per address: 3.16.1 wraps reads past a multi-register block around
    # (see modbus_device.py), so only listed addresses exist and anything else is exception 02.
    blocks = [SimData(address=a, count=1, values=[0], datatype=DataType.REGISTERS) for a in addresses]
    return SimDevice(id=device.unit_id, simdata=blocks, action=action)


def start_broker(run_dir: str, port: int) -> subprocess.Popen:
    folder = os.path.join(run_dir, "mosquitto")
    os.makedirs(folder, exist_ok=True)
    config = os.path.join(folder, "mosquitto.conf")
    with open(config, "w") as handle:
        # Persistence on (saved on SIGTERM), so a broker restart (SIGHUP to the plant) keeps the agent's
        # session and what is queued for it, as a production broker must (see MQTTInput.swift).
        handle.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                     f"persistence_location {folder}/\nautosave_interval 1\n"
                     f"max_queued_messages 1000000\nmax_inflight_messages 100\n"
                     f"log_dest file {folder}/mosquitto.log\nlog_type error\nlog_type warning\n")
    if os.geteuid() == 0:  # as root mosquitto drops to its own user and must still write its log
        shutil.chown(folder, "mosquitto")
    return subprocess.Popen(["mosquitto", "-c", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_pty_pair(plant_end: str, agent_end: str) -> subprocess.Popen:
    for path in (plant_end, agent_end):
        if os.path.lexists(path):
            os.unlink(path)
    process = subprocess.Popen(["socat", f"pty,raw,echo=0,link={plant_end}", f"pty,raw,echo=0,link={agent_end}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(plant_end) and os.path.exists(agent_end):
            return process
        time.sleep(0.05)
    raise SystemExit("plant: socat did not create the pty pair")


async def wait_port(port: int, seconds: float = 10.0) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise SystemExit(f"plant: nothing listens on 127.0.0.1:{port}")


class Publisher(threading.Thread):
    """Publishes the boiler's JSON at QoS 1 every publish_interval_s (real time); logs each message after its PUBACK.

    A persistent session (clean_session off) and automatic reconnects keep it publishing across broker
    restarts. QoS 1 is at least once on the publisher's leg too: a message whose PUBACK was lost to a
    restart is sent again after the reconnect, and the broker cannot tell the copies apart, so such a
    message is logged with "resent": true (a subscriber may rightly store it twice)."""

    def __init__(self, plant: Plant, port: int):
        super().__init__(daemon=True)
        import paho.mqtt.client as mqtt
        self.plant, self.stop_event = plant, threading.Event()
        self.disconnects = 0
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="plant-boiler-1", clean_session=False)
        self.client.max_inflight_messages_set(100)
        self.client.reconnect_delay_set(min_delay=1, max_delay=2)
        self.client.on_disconnect = self._disconnected
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _disconnected(self, *_args) -> None:
        self.disconnects += 1

    def run(self) -> None:
        profile, plant = self.plant.profile, self.plant
        next_time = time.time()
        while not self.stop_event.is_set():
            # Publish only while connected: a message queued without a connection may be dropped.
            if not self.client.is_connected():
                self.stop_event.wait(0.1)
                continue
            step = max(0, plant.step_now())
            body, values = plant.boiler_payload(step)
            disconnects = self.disconnects
            try:
                info = self.client.publish(profile.boiler_topic, body, qos=1)
                info.wait_for_publish(timeout=30)
                published = info.is_published()
            except (RuntimeError, ValueError):  # not queued: the connection dropped under us; not sent
                published = False
            if published:
                with plant.lock:
                    plant.messages += 1
                    plant.log(kind="mqtt", topic=profile.boiler_topic, step=step, real_time=time.time(),
                              sim_time=plant.sim_time_of(step), values=values,
                              resent=self.disconnects != disconnects)
            else:
                plant.log(kind="mqtt-unacked", topic=profile.boiler_topic, step=step, values=values)
            next_time += profile.publish_interval_s
            self.stop_event.wait(max(0.0, next_time - time.time()))

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=35)
        self.client.disconnect()
        self.client.loop_stop()


async def serve(config: dict, truth: str, speed: float, seed: int) -> None:
    from pymodbus.framer import FramerType
    from pymodbus.server import ModbusSerialServer, ModbusTcpServer

    children: list[subprocess.Popen] = []
    try:
        await run_plant(config, truth, speed, seed, children)
    finally:  # whatever happened, mosquitto and socat go with us
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


async def run_plant(config: dict, truth: str, speed: float, seed: int, children: list) -> None:
    from pymodbus.framer import FramerType
    from pymodbus.server import ModbusSerialServer, ModbusTcpServer

    plant = Plant(PROFILE, seed, config["sim_start"], speed, tuple(config["excursion"]), truth)
    plant.faults_path = os.path.join(config["run_dir"], "device-faults.json")
    children.append(start_broker(config["run_dir"], config["broker_port"]))
    children.append(start_pty_pair(config["pty_plant"], config["pty_agent"]))
    servers = []
    for device in PROFILE.devices:
        sim_device = make_sim_device(plant, device)
        if device.protocol == "modbus_tcp":
            servers.append(ModbusTcpServer(sim_device, address=("127.0.0.1", config["ports"][device.name])))
        else:
            servers.append(ModbusSerialServer(sim_device, framer=FramerType.RTU, port=config["pty_plant"],
                                              baudrate=config["baud"]))
    tasks = [asyncio.create_task(server.serve_forever()) for server in servers]
    await wait_port(config["broker_port"])
    for device in PROFILE.devices:
        if device.protocol == "modbus_tcp":
            await wait_port(config["ports"][device.name])
    publisher = Publisher(plant, config["broker_port"])
    # Publishing starts on SIGUSR2 (sent once the subscribing agent is connected: a QoS 1 message
    # published before any subscriber exists is, rightly, delivered to nobody) or at once with
    # "publish_at_start" in the config.
    loop = asyncio.get_running_loop()
    if config.get("publish_at_start", False):
        publisher.start()
    else:
        loop.add_signal_handler(signal.SIGUSR2, lambda: None if publisher.is_alive() or plant.frozen else publisher.start())
    plant.log(kind="start", real_time=plant.real_start, sim_start=plant.sim_start, speed=speed, seed=seed,
              step_seconds=plant.step_seconds, excursion=list(plant.excursion))
    print("ready", flush=True)

    done = asyncio.Event()

    async def freeze() -> None:
        plant.freeze()
        if publisher.is_alive():
            await asyncio.to_thread(publisher.stop)
        record = plant.write_totals()
        plant.log(kind="frozen", real_time=time.time())
        print("frozen " + json.dumps(record, sort_keys=True), flush=True)

    loop.add_signal_handler(signal.SIGUSR1, lambda: asyncio.ensure_future(freeze()))

    async def restart_broker() -> None:
        broker = children[0]
        broker.terminate()
        await asyncio.to_thread(broker.wait)
        children[0] = start_broker(config["run_dir"], config["broker_port"])
        await wait_port(config["broker_port"])
        plant.log(kind="broker-restarted", real_time=time.time())
        print("broker restarted", flush=True)

    loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(restart_broker()))
    loop.add_signal_handler(signal.SIGINT, done.set)
    loop.add_signal_handler(signal.SIGTERM, done.set)
    await done.wait()
    if not plant.frozen:
        plant.freeze()
        if publisher.is_alive():
            publisher.stop()
        plant.write_totals()
    for server in servers:
        await server.shutdown()
    for task in tasks:
        task.cancel()
    plant.truth.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve")
    run.add_argument("--config", required=True)
    run.add_argument("--truth", required=True)
    run.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second")
    run.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with open(args.config) as handle:
        config = json.load(handle)
    asyncio.run(serve(config, args.truth, args.speed, args.seed))


if __name__ == "__main__":
    main()
