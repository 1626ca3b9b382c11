"""Parse ISO 20022 CAMT.053 bank statements into booking lines for reconciliation."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from defusedxml import ElementTree as ET

log = logging.getLogger("camt")

NS = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"}


@dataclass(frozen=True)
class Booking:
    account_iban: str
    booked_on: date
    amount: Decimal
    currency: str
    credit: bool
    counterparty: str
    reference: str

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.credit else -self.amount


def _text(node, path: str, default: str = "") -> str:
    found = node.find(path, NS)
    return (found.text or default).strip() if found is not None else default


def parse_statement(path: Path) -> Iterator[Booking]:
    tree = ET.parse(path)
    root = tree.getroot()
    for stmt in root.iterfind(".//c:Stmt", NS):
        iban = _text(stmt, "c:Acct/c:Id/c:IBAN")
        for entry in stmt.iterfind("c:Ntry", NS):
            amt_node = entry.find("c:Amt", NS)
            if amt_node is None:
                continue
            credit = _text(entry, "c:CdtDbtInd") == "CRDT"
            party_path = "c:NtryDtls/c:TxDtls/c:RltdPties/" + ("c:Dbtr/c:Nm" if credit else "c:Cdtr/c:Nm")
            yield Booking(
                account_iban=iban,
                booked_on=date.fromisoformat(_text(entry, "c:BookgDt/c:Dt")[:10]),
                amount=Decimal(amt_node.text.strip()),
                currency=amt_node.get("Ccy", "EUR"),
                credit=credit,
                counterparty=_text(entry, party_path),
                reference=_text(entry, "c:NtryDtls/c:TxDtls/c:RmtInf/c:Ustrd"),
            )


def match_invoices(bookings: list[Booking], open_invoices: dict[str, Decimal]) -> dict[str, Booking]:
    """Match credit bookings to open invoices by invoice number in the remittance text."""
    matched: dict[str, Booking] = {}
    for b in bookings:
        if not b.credit:
            continue
        for number, amount in open_invoices.items():
            if number in matched:
                continue
            if number in b.reference.replace(" ", "") and b.amount == amount:
                matched[number] = b
                break
    return matched


def summarize(bookings: list[Booking]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for b in bookings:
        totals[b.currency] = totals.get(b.currency, Decimal("0")) + b.signed_amount
    return totals


def main(paths: list[str]) -> None:
    logging.basicConfig(level=logging.INFO)
    all_bookings: list[Booking] = []
    for p in paths:
        items = list(parse_statement(Path(p)))
        log.info("%s: %d bookings", p, len(items))
        all_bookings.extend(items)
    for currency, total in summarize(all_bookings).items():
        print(f"{currency}: {total:+,.2f}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
