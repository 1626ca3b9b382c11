"""Receive shipment status callbacks from a legacy carrier SOAP integration."""
from __future__ import annotations

import io
import logging
import xml.sax
from dataclasses import dataclass, field
from datetime import datetime
from xml.sax.handler import ContentHandler, feature_external_ges

from flask import Flask, Response, request

app = Flask(__name__)
log = logging.getLogger("carrier_soap")

ACK = """<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body><StatusAck><Accepted>{n}</Accepted></StatusAck></soap:Body>
</soap:Envelope>"""


@dataclass
class StatusEvent:
    tracking_no: str = ""
    code: str = ""
    location: str = ""
    timestamp: str = ""


@dataclass
class StatusHandler(ContentHandler):
    events: list[StatusEvent] = field(default_factory=list)
    _current: StatusEvent | None = None
    _text: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        ContentHandler.__init__(self)

    def startElement(self, name, attrs):
        local = name.split(":")[-1]
        if local == "StatusEvent":
            self._current = StatusEvent()
        self._text = []

    def characters(self, content):
        self._text.append(content)

    def endElement(self, name):
        local = name.split(":")[-1]
        value = "".join(self._text).strip()
        if self._current is None:
            return
        if local == "TrackingNumber":
            self._current.tracking_no = value
        elif local == "StatusCode":
            self._current.code = value
        elif local == "Location":
            self._current.location = value
        elif local == "EventTime":
            self._current.timestamp = value
        elif local == "StatusEvent":
            self.events.append(self._current)
            self._current = None


def parse_events(body: bytes) -> list[StatusEvent]:
    handler = StatusHandler()
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    parser.setContentHandler(handler)
    parser.parse(io.BytesIO(body))
    return handler.events


def store(events: list[StatusEvent]) -> int:
    from .shipments import update_status

    n = 0
    for e in events:
        try:
            when = datetime.fromisoformat(e.timestamp)
        except ValueError:
            log.warning("bad timestamp for %s", e.tracking_no)
            continue
        if update_status(e.tracking_no, e.code, e.location, when):
            n += 1
    return n


@app.post("/soap/carrier/status")
def status_callback():
    try:
        events = parse_events(request.get_data())
    except xml.sax.SAXParseException as exc:
        log.warning("malformed SOAP body: %s", exc.getMessage())
        return Response("bad request", status=400)
    accepted = store(events)
    log.info("carrier callback: %d events, %d accepted", len(events), accepted)
    return Response(ACK.format(n=accepted), mimetype="text/xml")
