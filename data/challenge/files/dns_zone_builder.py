"""Generate BIND zone files from the infrastructure inventory."""
from __future__ import annotations

import argparse
import ipaddress
import logging
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from string import Template

import yaml

log = logging.getLogger("zonegen")

LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
HEADER = Template(
    """$$ORIGIN $origin.
$$TTL $ttl
@ IN SOA ns1.$origin. hostmaster.$origin. (
    $serial ; serial
    3600 ; refresh
    900 ; retry
    1209600 ; expire
    300 ) ; negative ttl
"""
)


@dataclass
class Record:
    name: str
    rtype: str
    value: str
    ttl: int | None = None

    def render(self) -> str:
        ttl = f"{self.ttl} " if self.ttl else ""
        return f"{self.name:<24} {ttl}IN {self.rtype:<6} {self.value}"


def valid_name(name: str) -> bool:
    return name == "@" or all(LABEL_RE.match(part) for part in name.split("."))


def records_from_inventory(inv: dict) -> list[Record]:
    out: list[Record] = []
    for ns in inv.get("nameservers", []):
        out.append(Record("@", "NS", f"{ns}."))
    for host in inv.get("hosts", []):
        name = str(host["name"]).lower()
        if not valid_name(name):
            raise ValueError(f"invalid host name {name!r}")
        for addr in host.get("addresses", []):
            ip = ipaddress.ip_address(addr)
            out.append(Record(name, "AAAA" if ip.version == 6 else "A", str(ip), host.get("ttl")))
        for alias in host.get("aliases", []):
            if not valid_name(alias):
                raise ValueError(f"invalid alias {alias!r}")
            out.append(Record(alias, "CNAME", name))
    for mx in inv.get("mx", []):
        out.append(Record("@", "MX", f"{int(mx['priority'])} {mx['host']}."))
    return out


def next_serial(previous: int | None) -> int:
    today = int(time.strftime("%Y%m%d")) * 100
    if previous and previous >= today:
        return previous + 1
    return today


def current_serial(zone_file: Path) -> int | None:
    if not zone_file.exists():
        return None
    m = re.search(r"^\s*(\d{10}) ; serial", zone_file.read_text(), re.MULTILINE)
    return int(m.group(1)) if m else None


def build_zone(origin: str, inv: dict, previous_serial: int | None) -> str:
    header = HEADER.substitute(origin=origin, ttl=inv.get("ttl", 3600), serial=next_serial(previous_serial))
    body = "\n".join(r.render() for r in records_from_inventory(inv))
    return header + "\n" + body + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("inventory", type=Path)
    ap.add_argument("--origin", required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    inv = yaml.safe_load(args.inventory.read_text()) or {}
    try:
        zone = build_zone(args.origin, inv, current_serial(args.out))
    except (ValueError, KeyError) as exc:
        log.error("inventory error: %s", exc)
        return 1
    args.out.write_text(zone)
    log.info("wrote %s (%d records)", args.out, zone.count(" IN ") - 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
