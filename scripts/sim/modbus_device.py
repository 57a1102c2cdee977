#!/usr/bin/env python3
"""A simulated Modbus device for tests and the demo, served by pymodbus (not our code).

  modbus_device.py --port 15020 --registers '{"0": [17142, 59769], "10": [1, 2, 3]}'   # TCP on 127.0.0.1
  modbus_device.py --serial /tmp/ttyA --registers ...                                  # RTU on a pty

Holding and input registers hold the same listed values. Only the listed addresses exist: a read
that touches any other answers exception 02 (illegal data address), which the agent's planner
must handle. Each address is its own one-register SimData block, as pymodbus's own sparse
datastore does: with multi-register blocks, 3.16.1's simulator wraps addresses past a block around
to its start (seen: reading 0..6 of a 5-register block returned 1,2,3,4,5,1,2), which would hide
exactly the faults the agent must handle. With --wave ADDRESS:BASE:AMPLITUDE[:PERIOD] the uint16 at ADDRESS follows a
triangle wave (period PERIOD seconds, default 60) from BASE up to BASE+AMPLITUDE and back, so the demo shows live values. It binds 127.0.0.1 only and prints
"ready" once the datastore is built. Stop it with SIGKILL or SIGINT (asyncio ignores SIGTERM here).
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
    parser.add_argument("--wave", action="append", default=[], help="ADDRESS:BASE:AMPLITUDE[:PERIOD]")
    args = parser.parse_args()

    values = {}
    for start, words in json.loads(args.registers).items():
        for offset, word in enumerate(words):
            values[int(start) + offset] = int(word)
    waves = [tuple(int(x) for x in (w + ":60").split(":")[:4]) for w in args.wave]
    started = time.monotonic()

    async def action(function_code, start_address, address, count, current_registers, set_values):
        for (wave_address, base, amplitude, period) in waves:
            phase = (time.monotonic() - started) % period / period
            index = wave_address - start_address
            if 0 <= index < len(current_registers):
                current_registers[index] = int(base + amplitude * (1 - abs(2 * phase - 1)))
        return None

    blocks = [SimData(address=address, count=1, values=[value], datatype=DataType.REGISTERS)
              for address, value in sorted(values.items())]
    device = SimDevice(id=args.unit, simdata=blocks, action=action if waves else None)

    async def serve():
        print("ready", flush=True)
        if args.serial:
            await StartAsyncSerialServer(device, port=args.serial, baudrate=9600)
        else:
            await StartAsyncTcpServer(device, address=("127.0.0.1", args.port))

    asyncio.run(serve())


if __name__ == "__main__":
    sys.exit(main())
