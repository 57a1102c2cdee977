#!/usr/bin/env python3
"""A simulated Modbus device for tests and the demo, served by pymodbus (not our code).

  modbus_device.py --port 15020 --registers '{"0": [17142, 59769], "10": [1, 2, 3]}'   # TCP on 127.0.0.1
  modbus_device.py --serial /tmp/ttyA --registers ...                                  # RTU on a pty

Registers are holding and input registers alike (pymodbus's shared block). The listed blocks are
merged into one contiguous block from the lowest to the highest address, gaps filled with 0:
pymodbus 3.16's simulator shifts addresses when it holds several blocks (seen: a read at 5 of
blocks {0..2, 10..12} returned the registers of 2..3). Addresses past the end answer exception 02
(illegal data address), which the agent's planner must handle.
With --wave ADDRESS:BASE:AMPLITUDE the uint16 at ADDRESS follows a slow triangle wave so the
demo shows live values. It prints "ready" once the server is listening, and binds 127.0.0.1 only.
"""
import argparse, asyncio, json, sys, time

from pymodbus.server import StartAsyncSerialServer, StartAsyncTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int)
    parser.add_argument("--serial")
    parser.add_argument("--unit", type=int, default=1)
    parser.add_argument("--registers", default="{}", help="JSON object: start address -> list of uint16")
    parser.add_argument("--wave", action="append", default=[], help="ADDRESS:BASE:AMPLITUDE")
    args = parser.parse_args()

    blocks = json.loads(args.registers)
    waves = [tuple(int(x) for x in w.split(":")) for w in args.wave]
    started = time.monotonic()

    async def action(function_code, start_address, address, count, current_registers, set_values):
        for (wave_address, base, amplitude) in waves:
            index = wave_address - start_address
            if 0 <= index < len(current_registers):
                phase = (time.monotonic() - started) % 60 / 60
                current_registers[index] = int(base + amplitude * (1 - abs(2 * phase - 1)))
        return None

    merged = {}
    for start, values in blocks.items():
        for offset, value in enumerate(values):
            merged[int(start) + offset] = value
    low, high = (min(merged), max(merged)) if merged else (0, 0)
    values = [merged.get(address, 0) for address in range(low, high + 1)]
    simdata = [SimData(address=low, count=len(values), values=values, datatype=DataType.REGISTERS)]
    device = SimDevice(id=args.unit, simdata=simdata, action=action if waves else None)

    async def serve():
        print("ready", flush=True)
        if args.serial:
            await StartAsyncSerialServer(device, port=args.serial, baudrate=9600)
        else:
            await StartAsyncTcpServer(device, address=("127.0.0.1", args.port))

    asyncio.run(serve())


if __name__ == "__main__":
    sys.exit(main())
