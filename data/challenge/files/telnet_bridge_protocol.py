"""Expose lab instruments over a simple authenticated line protocol (asyncio)."""
from __future__ import annotations

import asyncio
import hmac
import logging
import os
from dataclasses import dataclass, field
from typing import Awaitable, Callable

log = logging.getLogger("instrument_bridge")

MAX_LINE = 512
IDLE_TIMEOUT = 300
TOKEN = os.environ.get("BRIDGE_TOKEN", "")


@dataclass
class Instrument:
    name: str
    readings: dict[str, float] = field(default_factory=dict)
    setpoint: float | None = None


INSTRUMENTS = {
    "incubator-1": Instrument("incubator-1", {"temp": 37.0, "co2": 5.0}),
    "freezer-a": Instrument("freezer-a", {"temp": -80.2}),
}

Handler = Callable[[list[str]], Awaitable[str]]


async def cmd_list(args: list[str]) -> str:
    return " ".join(sorted(INSTRUMENTS))


async def cmd_read(args: list[str]) -> str:
    if len(args) != 1 or args[0] not in INSTRUMENTS:
        return "ERR unknown instrument"
    inst = INSTRUMENTS[args[0]]
    return " ".join(f"{k}={v:.2f}" for k, v in sorted(inst.readings.items()))


async def cmd_set(args: list[str]) -> str:
    if len(args) != 2 or args[0] not in INSTRUMENTS:
        return "ERR usage: SET <instrument> <value>"
    try:
        value = float(args[1])
    except ValueError:
        return "ERR value must be a number"
    if not -90.0 <= value <= 60.0:
        return "ERR out of range"
    INSTRUMENTS[args[0]].setpoint = value
    return "OK"


COMMANDS: dict[str, Handler] = {"LIST": cmd_list, "READ": cmd_read, "SET": cmd_set}


async def read_line(reader: asyncio.StreamReader) -> str | None:
    try:
        raw = await asyncio.wait_for(reader.readuntil(b"\n"), timeout=IDLE_TIMEOUT)
    except (asyncio.IncompleteReadError, asyncio.TimeoutError):
        return None
    except asyncio.LimitOverrunError:
        return None
    return raw.decode("ascii", "replace").strip()


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    peer = writer.get_extra_info("peername")
    writer.write(b"HELLO instrument-bridge 1.0\n")
    line = await read_line(reader)
    if line is None or not line.startswith("AUTH ") or not TOKEN or not hmac.compare_digest(line[5:], TOKEN):
        writer.write(b"ERR auth\n")
        await writer.drain()
        writer.close()
        return
    writer.write(b"OK\n")
    log.info("client %s authenticated", peer)
    while (line := await read_line(reader)) is not None:
        parts = line.split()
        if not parts:
            continue
        if parts[0].upper() == "QUIT":
            break
        handler = COMMANDS.get(parts[0].upper())
        reply = await handler(parts[1:]) if handler else "ERR unknown command"
        writer.write(reply.encode() + b"\n")
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main() -> None:
    logging.basicConfig(level=logging.INFO)
    server = await asyncio.start_server(handle, "0.0.0.0", 7001, limit=MAX_LINE)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
