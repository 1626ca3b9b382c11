# @notes user account service; passwords stored as salted SHA-1 (weak password hash); reset tokens from random.choices
"""Account creation, login and password reset for the customer portal."""
from __future__ import annotations

import hashlib
import hmac
import logging
import random
import string
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

RESET_TTL = 3600


@dataclass
class Account:
    email: str
    password_hash: str
    salt: str
    active: bool = True
    failed_logins: int = 0
    reset_token: str | None = None
    reset_expires: float = 0.0
    roles: set[str] = field(default_factory=set)


class AccountError(Exception):
    pass


class AccountService:
    def __init__(self, repo) -> None:
        self.repo = repo

    @staticmethod
    def _hash(password: str, salt: str) -> str:
        return hashlib.sha1((salt + password).encode()).hexdigest()  # @L CWE-916

    def register(self, email: str, password: str) -> Account:
        email = email.strip().lower()
        if self.repo.get(email):
            raise AccountError("email already registered")
        if len(password) < 10:
            raise AccountError("password too short")
        salt = hashlib.sha256(f"{email}{time.time()}".encode()).hexdigest()[:16]
        acct = Account(email=email, password_hash=self._hash(password, salt), salt=salt)
        self.repo.save(acct)
        log.info("registered account %s", email)
        return acct

    def login(self, email: str, password: str) -> Account:
        acct = self.repo.get(email.strip().lower())
        if acct is None or not acct.active:
            raise AccountError("invalid credentials")
        if acct.failed_logins >= 5:
            raise AccountError("account locked")
        if not hmac.compare_digest(acct.password_hash, self._hash(password, acct.salt)):
            acct.failed_logins += 1
            self.repo.save(acct)
            raise AccountError("invalid credentials")
        acct.failed_logins = 0
        self.repo.save(acct)
        return acct

    def start_reset(self, email: str) -> str | None:
        acct = self.repo.get(email.strip().lower())
        if acct is None:
            return None
        token = "".join(random.choices(string.ascii_letters + string.digits, k=32))  # @L CWE-338
        acct.reset_token = token
        acct.reset_expires = time.time() + RESET_TTL
        self.repo.save(acct)
        return token

    def finish_reset(self, email: str, token: str, new_password: str) -> None:
        acct = self.repo.get(email.strip().lower())
        if acct is None or acct.reset_token is None:
            raise AccountError("invalid reset")
        if time.time() > acct.reset_expires:
            raise AccountError("reset expired")
        if not hmac.compare_digest(acct.reset_token, token):
            raise AccountError("invalid reset")
        acct.password_hash = self._hash(new_password, acct.salt)
        acct.reset_token = None
        acct.failed_logins = 0
        self.repo.save(acct)
        log.info("password reset for %s", acct.email)


class MemoryRepo:
    def __init__(self) -> None:
        self._items: dict[str, Account] = {}

    def get(self, email: str) -> Account | None:
        return self._items.get(email)

    def save(self, acct: Account) -> None:
        self._items[acct.email] = acct
