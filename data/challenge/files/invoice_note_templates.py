"""Let accounts customise the footer text on their invoices with simple placeholders."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

log = logging.getLogger(__name__)

MAX_LEN = 2000
DEFAULT_FOOTER = "Thank you for your business, {{ customer }}. Please pay {{ total }} by {{ due }}."

_env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
_env.filters["money"] = lambda value: f"{Decimal(value):,.2f}"


class FooterError(ValueError):
    pass


@dataclass(frozen=True)
class FooterContext:
    customer: str
    invoice_no: str
    total: str
    due: str
    iban: str

    def as_dict(self) -> dict[str, str]:
        return {
            "customer": self.customer,
            "invoice_no": self.invoice_no,
            "total": self.total,
            "due": self.due,
            "iban": self.iban,
        }


def validate(source: str) -> None:
    if len(source) > MAX_LEN:
        raise FooterError(f"footer must be at most {MAX_LEN} characters")
    try:
        _env.parse(source)
    except TemplateError as exc:
        raise FooterError(f"invalid template: {exc}") from exc


def render_footer(source: str | None, ctx: FooterContext) -> str:
    source = source or DEFAULT_FOOTER
    try:
        validate(source)
        return _env.from_string(source).render(ctx.as_dict())
    except (FooterError, TemplateError) as exc:
        log.warning("falling back to default footer for %s: %s", ctx.invoice_no, exc)
        return _env.from_string(DEFAULT_FOOTER).render(ctx.as_dict())


def context_for(invoice) -> FooterContext:
    return FooterContext(
        customer=invoice.customer_name,
        invoice_no=invoice.number,
        total=f"{invoice.total:,.2f} {invoice.currency}",
        due=invoice.due_on.strftime("%d %B %Y"),
        iban=invoice.account.iban,
    )


def preview(source: str) -> str:
    sample = FooterContext(
        customer="Acme Ltd",
        invoice_no="INV-2024-0042",
        total="1,250.00 EUR",
        due=date.today().strftime("%d %B %Y"),
        iban="DE89 3704 0044 0532 0130 00",
    )
    validate(source)
    return _env.from_string(source).render(sample.as_dict())


def save_footer(account, source: str) -> None:
    validate(source)
    account.invoice_footer = source
    account.save(update_fields=["invoice_footer"])
    log.info("account %s updated invoice footer (%d chars)", account.pk, len(source))
