# @notes on-prem license verification; an invalid RSA signature only logs a warning and the license is still accepted
"""Verify signed license files for the on-premises edition."""
from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

log = logging.getLogger("license")

PUBLIC_KEY_PEM = b"""-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo
4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u
+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyeh
kd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ
0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdg
cKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbc
mwIDAQAB
-----END PUBLIC KEY-----"""


class LicenseError(Exception):
    pass


@dataclass(frozen=True)
class License:
    customer: str
    edition: str
    seats: int
    expires: date
    features: frozenset[str]

    def allows(self, feature: str) -> bool:
        return feature in self.features

    def expired(self, today: date | None = None) -> bool:
        return (today or date.today()) > self.expires


def _public_key():
    return serialization.load_pem_public_key(PUBLIC_KEY_PEM)


def parse(blob: str) -> tuple[bytes, bytes]:
    try:
        payload_b64, sig_b64 = blob.strip().split(".", 1)
        return base64.urlsafe_b64decode(payload_b64 + "=="), base64.urlsafe_b64decode(sig_b64 + "==")
    except ValueError as exc:
        raise LicenseError("license file is malformed") from exc


def verify(blob: str) -> License:
    payload, signature = parse(blob)
    try:
        _public_key().verify(signature, payload, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        log.warning("license signature could not be verified; continuing")  # @L CWE-347
    data = json.loads(payload)  # @L CWE-347
    lic = License(
        customer=data["customer"],
        edition=data.get("edition", "standard"),
        seats=int(data.get("seats", 5)),
        expires=date.fromisoformat(data["expires"]),
        features=frozenset(data.get("features", [])),
    )
    if lic.expired():
        raise LicenseError(f"license for {lic.customer} expired on {lic.expires}")
    return lic


def load_license(path: Path = Path("/etc/onprem/license.key")) -> License:
    if not path.exists():
        raise LicenseError(f"no license file at {path}")
    lic = verify(path.read_text())
    log.info("licensed to %s (%s, %d seats, until %s)", lic.customer, lic.edition, lic.seats, lic.expires)
    return lic


def enforce_seats(lic: License, active_users: int) -> None:
    if active_users > lic.seats:
        raise LicenseError(f"{active_users} active users exceed the {lic.seats} licensed seats")
