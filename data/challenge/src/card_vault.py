# @notes card-on-file vault; encryption key derived with a single MD5 of the secret (weak hash as KDF) and PANs encrypted with AES in ECB mode
"""Store card-on-file details for recurring billing."""
from __future__ import annotations

import base64
import hashlib
import logging
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

log = logging.getLogger("vault")


@dataclass
class CardRecord:
    customer_id: int
    last4: str
    brand: str
    expiry: str
    ciphertext: str


def _key() -> bytes:
    secret = os.environ["VAULT_SECRET"].encode()
    return hashlib.md5(secret).digest()  # @L CWE-328


def _brand(pan: str) -> str:
    if pan.startswith("4"):
        return "visa"
    if pan[:2] in {"51", "52", "53", "54", "55"} or 2221 <= int(pan[:4]) <= 2720:
        return "mastercard"
    if pan[:2] in {"34", "37"}:
        return "amex"
    return "other"


def luhn_ok(pan: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(pan)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def encrypt_pan(pan: str) -> str:
    padder = padding.PKCS7(128).padder()
    data = padder.update(pan.encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(_key()), modes.ECB()).encryptor()  # @L CWE-327
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()


def decrypt_pan(token: str) -> str:
    decryptor = Cipher(algorithms.AES(_key()), modes.ECB()).decryptor()  # @L CWE-327
    data = decryptor.update(base64.b64decode(token)) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode()


class CardVault:
    def __init__(self, repo) -> None:
        self.repo = repo

    def store(self, customer_id: int, pan: str, expiry: str) -> CardRecord:
        pan = pan.replace(" ", "").replace("-", "")
        if not pan.isdigit() or not 13 <= len(pan) <= 19 or not luhn_ok(pan):
            raise ValueError("invalid card number")
        record = CardRecord(customer_id, pan[-4:], _brand(pan), expiry, encrypt_pan(pan))
        self.repo.save(record)
        log.info("stored %s card ending %s for customer %s", record.brand, record.last4, customer_id)
        return record

    def charge_details(self, customer_id: int) -> dict[str, str]:
        record = self.repo.get(customer_id)
        if record is None:
            raise KeyError(customer_id)
        return {"pan": decrypt_pan(record.ciphertext), "expiry": record.expiry}

    def masked(self, customer_id: int) -> str | None:
        record = self.repo.get(customer_id)
        return f"{record.brand} **** {record.last4}" if record else None
