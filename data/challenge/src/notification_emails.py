# @notes clean: transactional email renderer; Jinja2 Environment with autoescape, templates from package, user data only as context
"""Render and send transactional emails (order confirmation, shipping, password reset)."""
from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

log = logging.getLogger("mailer")

env = Environment(
    loader=PackageLoader("shop", "email_templates"),
    autoescape=select_autoescape(["html", "xml"]),
    undefined=StrictUndefined,
)
env.filters["money"] = lambda cents, cur="EUR": f"{cents / 100:,.2f} {cur}"

TEMPLATES = {
    "order_confirmed": "Your order {order_no} is confirmed",
    "order_shipped": "Your order {order_no} is on its way",
    "password_reset": "Reset your password",
}


@dataclass
class Outgoing:
    to: str
    subject: str
    html: str
    text: str


def render(kind: str, to: str, context: dict[str, Any]) -> Outgoing:
    if kind not in TEMPLATES:
        raise KeyError(kind)
    html = env.get_template(f"{kind}.html").render(**context)
    text = env.get_template(f"{kind}.txt").render(**context)
    subject = TEMPLATES[kind].format(**{k: v for k, v in context.items() if isinstance(v, (str, int))})
    return Outgoing(to=to, subject=subject, html=html, text=text)


class Mailer:
    def __init__(self) -> None:
        self.host = os.environ.get("SMTP_HOST", "smtp.example.com")
        self.port = int(os.environ.get("SMTP_PORT", "587"))
        self.user = os.environ.get("SMTP_USER", "")
        self.password = os.environ.get("SMTP_PASSWORD", "")
        self.sender = os.environ.get("MAIL_FROM", "shop@example.com")

    def _message(self, out: Outgoing) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = out.to
        msg["Subject"] = out.subject
        msg.set_content(out.text)
        msg.add_alternative(out.html, subtype="html")
        return msg

    def send(self, out: Outgoing) -> None:
        context = ssl.create_default_context()
        with smtplib.SMTP(self.host, self.port, timeout=20) as smtp:
            smtp.starttls(context=context)
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(self._message(out))
        log.info("sent %r to %s", out.subject, out.to.split("@")[-1])


def order_confirmed(mailer: Mailer, order: Any) -> None:
    out = render(
        "order_confirmed",
        order.email,
        {
            "order_no": order.number,
            "name": order.customer_name,
            "lines": [{"title": l.title, "qty": l.qty, "cents": l.total_cents} for l in order.lines],
            "total_cents": order.total_cents,
        },
    )
    mailer.send(out)


def password_reset(mailer: Mailer, email: str, name: str, link: str) -> None:
    mailer.send(render("password_reset", email, {"name": name, "link": link, "valid_hours": 1}))
