# @notes bridge to a legacy POS system; operator PINs stored as unsalted SHA-256 and messages encrypted with single DES
"""Bridge between the new back office and the legacy point-of-sale terminals."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import socket
import struct
from dataclasses import dataclass

from Crypto.Cipher import DES
from Crypto.Util.Padding import pad, unpad

log = logging.getLogger("pos_bridge")

TERMINAL_PORT = 9300


def link_key() -> bytes:
    key = bytes.fromhex(os.environ["POS_LINK_KEY"])
    if len(key) != 8:
        raise ValueError("POS_LINK_KEY must be 8 bytes")
    return key


def encrypt(payload: dict) -> bytes:
    cipher = DES.new(link_key(), DES.MODE_CBC)  # @L CWE-327
    body = cipher.encrypt(pad(json.dumps(payload).encode(), DES.block_size))
    return cipher.iv + body


def decrypt(blob: bytes) -> dict:
    iv, body = blob[:8], blob[8:]
    cipher = DES.new(link_key(), DES.MODE_CBC, iv=iv)  # @L CWE-327
    return json.loads(unpad(cipher.decrypt(body), DES.block_size))


def hash_pin(pin: str) -> str:
    return hashlib.sha256(pin.encode()).hexdigest()  # @L CWE-916


@dataclass
class Operator:
    code: str
    name: str
    pin_hash: str
    manager: bool = False


class OperatorDirectory:
    def __init__(self) -> None:
        self._ops: dict[str, Operator] = {}

    def add(self, code: str, name: str, pin: str, manager: bool = False) -> None:
        if not pin.isdigit() or len(pin) < 4:
            raise ValueError("PIN must be at least 4 digits")
        self._ops[code] = Operator(code, name, hash_pin(pin), manager)

    def check(self, code: str, pin: str) -> Operator | None:
        op = self._ops.get(code)
        if op and hmac.compare_digest(op.pin_hash, hash_pin(pin)):
            return op
        return None

    def export(self) -> str:
        return base64.b64encode(encrypt({c: o.__dict__ for c, o in self._ops.items()})).decode()


def send_frame(host: str, payload: dict, timeout: float = 5.0) -> dict:
    blob = encrypt(payload)
    with socket.create_connection((host, TERMINAL_PORT), timeout=timeout) as sock:
        sock.sendall(struct.pack(">I", len(blob)) + blob)
        size = struct.unpack(">I", sock.recv(4))[0]
        data = b""
        while len(data) < size:
            chunk = sock.recv(size - len(data))
            if not chunk:
                raise ConnectionError("terminal closed connection")
            data += chunk
    return decrypt(data)


def push_price_update(host: str, prices: dict[str, int]) -> bool:
    reply = send_frame(host, {"cmd": "prices", "items": prices})
    ok = reply.get("status") == "ok"
    if not ok:
        log.warning("terminal %s rejected price update: %s", host, reply.get("error"))
    return ok
