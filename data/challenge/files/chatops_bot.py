"""Chat-ops helper bot for the #ops channel (Slack Bolt, socket mode)."""
from __future__ import annotations

import logging
import os
import re
import subprocess
import time
from datetime import datetime, timezone

import requests
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

log = logging.getLogger("opsbot")

app = App(token=os.environ["SLACK_BOT_TOKEN"])
STATUS_URL = "https://status.internal.example.com/api/summary"
ONCALL_URL = "https://oncall.internal.example.com/api/v1/now"
ALLOWED_CHANNELS = set(os.environ.get("OPSBOT_CHANNELS", "").split(","))


def in_allowed_channel(body: dict) -> bool:
    return body.get("event", {}).get("channel") in ALLOWED_CHANNELS


def service_status() -> str:
    resp = requests.get(STATUS_URL, timeout=10)
    resp.raise_for_status()
    data = resp.json()
    lines = [f"*{s['name']}*: {s['state']}" for s in data.get("services", [])]
    return "\n".join(lines) or "no services reported"


def who_is_oncall() -> str:
    resp = requests.get(ONCALL_URL, timeout=10)
    resp.raise_for_status()
    people = resp.json().get("oncall", [])
    return ", ".join(f"{p['name']} ({p['rotation']})" for p in people) or "nobody?!"


def dig(query: str) -> str:
    out = subprocess.getoutput(f"dig +short +time=2 +tries=1 {query}")
    return out.strip() or "(no answer)"


@app.message(re.compile(r"^!status\b"))
def status_cmd(message, say, body):
    if not in_allowed_channel(body):
        return
    say(service_status())


@app.message(re.compile(r"^!oncall\b"))
def oncall_cmd(message, say, body):
    if not in_allowed_channel(body):
        return
    say(f"On call right now: {who_is_oncall()}")


@app.message(re.compile(r"^!dig\s+(.+)$"))
def dig_cmd(message, say, context, body):
    if not in_allowed_channel(body):
        return
    query = context["matches"][0]
    started = time.monotonic()
    answer = dig(query)
    say(f"```{answer}```\n_{time.monotonic() - started:.1f}s_")


@app.message(re.compile(r"^!utc\b"))
def utc_cmd(message, say):
    say(datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"))


@app.event("app_mention")
def mention(event, say):
    say("Commands: `!status`, `!oncall`, `!dig <name>`, `!utc`")


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    handler = SocketModeHandler(app, os.environ["SLACK_APP_TOKEN"])
    log.info("opsbot starting")
    handler.start()


if __name__ == "__main__":
    main()
