"""SMS one-time codes for second-factor login."""
from __future__ import annotations

import hmac
import logging
import random
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)

CODE_TTL = 300
MAX_ATTEMPTS = 5
RESEND_INTERVAL = 30


@dataclass
class PendingCode:
    code: str
    phone: str
    issued: float
    attempts: int = 0


class SmsGateway:
    def __init__(self, client, sender: str) -> None:
        self.client = client
        self.sender = sender

    def send(self, phone: str, text: str) -> None:
        self.client.messages.create(to=phone, from_=self.sender, body=text)


class TwoFactor:
    def __init__(self, gateway: SmsGateway) -> None:
        self.gateway = gateway
        self._pending: dict[int, PendingCode] = {}

    @staticmethod
    def _mask(phone: str) -> str:
        return phone[:3] + "*" * max(len(phone) - 5, 0) + phone[-2:]

    def issue(self, user_id: int, phone: str) -> str:
        existing = self._pending.get(user_id)
        now = time.time()
        if existing and now - existing.issued < RESEND_INTERVAL:
            raise RuntimeError("please wait before requesting another code")
        code = f"{random.randint(0, 999999):06d}"
        self._pending[user_id] = PendingCode(code=code, phone=phone, issued=now)
        self.gateway.send(phone, f"Your sign-in code is {code}. It expires in 5 minutes.")
        log.info("2fa code sent to user %s at %s", user_id, self._mask(phone))
        return self._mask(phone)

    def verify(self, user_id: int, submitted: str) -> bool:
        pending = self._pending.get(user_id)
        if pending is None:
            return False
        if time.time() - pending.issued > CODE_TTL:
            del self._pending[user_id]
            return False
        pending.attempts += 1
        if pending.attempts > MAX_ATTEMPTS:
            del self._pending[user_id]
            log.warning("user %s exceeded 2fa attempts", user_id)
            return False
        if hmac.compare_digest(pending.code, submitted.strip()):
            del self._pending[user_id]
            return True
        return False

    def cleanup(self) -> int:
        now = time.time()
        expired = [uid for uid, p in self._pending.items() if now - p.issued > CODE_TTL]
        for uid in expired:
            del self._pending[uid]
        return len(expired)


def login_second_step(tf: TwoFactor, session: dict, code: str) -> bool:
    user_id = session.get("pending_user")
    if user_id is None:
        return False
    if tf.verify(user_id, code):
        session.pop("pending_user")
        session["user_id"] = user_id
        session["mfa_at"] = int(time.time())
        return True
    return False


def backup_codes(count: int = 10) -> list[str]:
    import secrets

    return [secrets.token_hex(5) for _ in range(count)]
