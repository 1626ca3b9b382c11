# @notes museum kiosk admin login against an XML user file; credentials inserted into an XPath query with % formatting
"""Admin login for the museum's self-service kiosks (users kept in an XML file)."""
from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

log = logging.getLogger("kiosk.auth")

USERS_FILE = Path(os.environ.get("KIOSK_USERS", "/etc/kiosk/users.xml"))
SESSION_MINUTES = 20


@dataclass
class KioskAdmin:
    name: str
    role: str
    logged_in_at: float

    def expired(self) -> bool:
        return time.time() - self.logged_in_at > SESSION_MINUTES * 60


class UserStore:
    def __init__(self, path: Path = USERS_FILE) -> None:
        self.path = path
        self._doc = None
        self._mtime = 0.0

    def _tree(self):
        mtime = self.path.stat().st_mtime
        if self._doc is None or mtime != self._mtime:
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            self._doc = etree.parse(str(self.path), parser)
            self._mtime = mtime
        return self._doc

    def login(self, name: str, password: str) -> KioskAdmin | None:
        digest = hashlib.sha256(password.encode()).hexdigest()
        query = "//user[@name='%s' and @password='%s']" % (name, digest)  # @L CWE-643
        matches = self._tree().xpath(query)  # @L CWE-643
        if not matches:
            log.info("kiosk admin login failed")
            return None
        node = matches[0]
        return KioskAdmin(name=node.get("name"), role=node.get("role", "operator"), logged_in_at=time.time())

    def roles(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for node in self._tree().xpath("//user"):
            role = node.get("role", "operator")
            counts[role] = counts.get(role, 0) + 1
        return counts


class KioskConsole:
    """Text console shown when staff press the hidden admin corner."""

    def __init__(self, store: UserStore) -> None:
        self.store = store
        self.admin: KioskAdmin | None = None

    def prompt_login(self, read=input) -> bool:
        name = read("user: ").strip()
        password = read("password: ")
        self.admin = self.store.login(name, password)
        return self.admin is not None

    def command(self, line: str) -> str:
        if self.admin is None or self.admin.expired():
            self.admin = None
            return "please log in"
        cmd, _, arg = line.strip().partition(" ")
        if cmd == "restart-app":
            return "restarting exhibit app"
        if cmd == "volume" and arg.isdigit():
            return f"volume set to {min(int(arg), 100)}"
        if cmd == "roles" and self.admin.role == "supervisor":
            return ", ".join(f"{r}={n}" for r, n in self.store.roles().items())
        if cmd == "logout":
            self.admin = None
            return "bye"
        return "unknown command"


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    console = KioskConsole(UserStore())
    if console.prompt_login():
        while True:
            print(console.command(input("> ")))
