"""Build the monthly SEPA credit-transfer batch for salaries and upload it to the bank."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

import paramiko

log = logging.getLogger("payroll_export")

DEBTOR_NAME = "Example Manufacturing GmbH"
DEBTOR_IBAN = os.environ.get("PAYROLL_IBAN", "")


@dataclass
class Transfer:
    employee_id: int
    name: str
    iban: str
    amount: Decimal
    reference: str


def build_xml(batch_id: str, execution: date, transfers: list[Transfer]) -> str:
    total = sum((t.amount for t in transfers), Decimal("0"))
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn>',
        f"<GrpHdr><MsgId>{batch_id}</MsgId><NbOfTxs>{len(transfers)}</NbOfTxs><CtrlSum>{total:.2f}</CtrlSum></GrpHdr>",
        f"<PmtInf><PmtInfId>{batch_id}-1</PmtInfId><PmtMtd>TRF</PmtMtd><ReqdExctnDt>{execution.isoformat()}</ReqdExctnDt>",
        f"<Dbtr><Nm>{escape(DEBTOR_NAME)}</Nm></Dbtr><DbtrAcct><Id><IBAN>{DEBTOR_IBAN}</IBAN></Id></DbtrAcct>",
    ]
    for t in transfers:
        parts.append(
            "<CdtTrfTxInf>"
            f"<PmtId><EndToEndId>SAL-{t.employee_id}-{execution:%Y%m}</EndToEndId></PmtId>"
            f"<Amt><InstdAmt Ccy=\"EUR\">{t.amount:.2f}</InstdAmt></Amt>"
            f"<Cdtr><Nm>{escape(t.name)}</Nm></Cdtr><CdtrAcct><Id><IBAN>{t.iban}</IBAN></Id></CdtrAcct>"
            f"<RmtInf><Ustrd>{escape(t.reference)}</Ustrd></RmtInf>"
            "</CdtTrfTxInf>"
        )
    parts.append("</PmtInf></CstmrCdtTrfInitn></Document>")
    return "".join(parts)


def load_transfers(conn, period: date) -> list[Transfer]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT e.id, e.full_name, e.iban, p.net_amount FROM payslips p JOIN employees e ON e.id = p.employee_id "
            "WHERE p.period = %s AND p.status = 'approved' ORDER BY e.id",
            (period,),
        )
        return [Transfer(r[0], r[1], r[2], r[3], f"Salary {period:%m/%Y}") for r in cur.fetchall()]


def write_batch(batch_id: str, xml: str) -> str:
    path = f"/tmp/payroll-{batch_id}.xml"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(xml)
    return path


def upload(path: str) -> None:
    transport = paramiko.Transport((os.environ["BANK_SFTP_HOST"], 22))
    transport.connect(username=os.environ["BANK_SFTP_USER"], pkey=paramiko.Ed25519Key.from_private_key_file(os.environ["BANK_SFTP_KEY"]))
    try:
        sftp = paramiko.SFTPClient.from_transport(transport)
        sftp.put(path, f"/inbound/{os.path.basename(path)}")
    finally:
        transport.close()


def run(conn, period: date, execution: date) -> str:
    transfers = load_transfers(conn, period)
    if not transfers:
        raise RuntimeError(f"no approved payslips for {period:%Y-%m}")
    batch_id = f"PAY{period:%Y%m}"
    path = write_batch(batch_id, build_xml(batch_id, execution, transfers))
    upload(path)
    os.unlink(path)
    log.info("uploaded payroll batch %s with %d transfers", batch_id, len(transfers))
    return batch_id
