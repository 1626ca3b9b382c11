# @notes IoT greenhouse controller; MQTT TLS hostname/cert checks disabled, firmware fetched over plain HTTP
"""Greenhouse controller daemon: reads sensors, drives vents, applies firmware updates."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import ssl
import time
from dataclasses import dataclass

import paho.mqtt.client as mqtt
import requests

log = logging.getLogger("greenhouse")

BROKER = os.environ.get("MQTT_BROKER", "mqtt.farm.example.net")
SITE = os.environ.get("SITE_ID", "gh-01")
FIRMWARE_BASE = "http://updates.farm.example.net/firmware"
FIRMWARE_DIR = "/opt/greenhouse/firmware"


@dataclass
class Reading:
    temp_c: float
    humidity: float
    soil_moisture: float


class Vents:
    def __init__(self) -> None:
        self.open_pct = 0

    def set(self, pct: int) -> None:
        self.open_pct = max(0, min(100, pct))
        log.info("vents -> %d%%", self.open_pct)


def read_sensors() -> Reading:
    with open("/sys/bus/iio/devices/iio:device0/in_temp_input") as fh:
        temp = int(fh.read()) / 1000
    with open("/sys/bus/iio/devices/iio:device0/in_humidityrelative_input") as fh:
        hum = int(fh.read()) / 1000
    with open("/sys/bus/iio/devices/iio:device1/in_voltage0_raw") as fh:
        soil = int(fh.read()) / 4095
    return Reading(temp, hum, soil)


def vent_target(r: Reading, setpoint: float) -> int:
    if r.temp_c <= setpoint:
        return 0
    return int(min(100, (r.temp_c - setpoint) * 20))


def apply_firmware(version: str, expected_sha256: str) -> bool:
    url = f"{FIRMWARE_BASE}/{version}/controller.bin"
    resp = requests.get(url, timeout=60)  # @L CWE-319
    resp.raise_for_status()
    digest = hashlib.sha256(resp.content).hexdigest()
    if digest != expected_sha256:
        log.error("firmware %s checksum mismatch", version)
        return False
    os.makedirs(FIRMWARE_DIR, exist_ok=True)
    with open(os.path.join(FIRMWARE_DIR, "pending.bin"), "wb") as fh:
        fh.write(resp.content)
    log.info("firmware %s staged", version)
    return True


def make_client(vents: Vents, state: dict) -> mqtt.Client:
    client = mqtt.Client(client_id=f"controller-{SITE}")
    client.tls_set(cert_reqs=ssl.CERT_NONE)  # @L CWE-295
    client.tls_insecure_set(True)  # @L CWE-295
    client.username_pw_set(SITE, os.environ["MQTT_PASSWORD"])

    def on_message(_c, _u, msg: mqtt.MQTTMessage) -> None:
        try:
            payload = json.loads(msg.payload)
        except json.JSONDecodeError:
            log.warning("ignoring non-JSON message on %s", msg.topic)
            return
        if msg.topic.endswith("/setpoint"):
            state["setpoint"] = float(payload["celsius"])
        elif msg.topic.endswith("/firmware"):
            apply_firmware(str(payload["version"]), str(payload["sha256"]))
        elif msg.topic.endswith("/vents"):
            state["manual_until"] = time.time() + 1800
            vents.set(int(payload["open_pct"]))

    client.on_message = on_message
    client.connect(BROKER, 8883)
    client.subscribe(f"farm/{SITE}/#")
    return client


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    vents = Vents()
    state = {"setpoint": 26.0, "manual_until": 0.0}
    client = make_client(vents, state)
    client.loop_start()
    while True:
        r = read_sensors()
        client.publish(f"farm/{SITE}/telemetry", json.dumps(r.__dict__))
        if time.time() > state["manual_until"]:
            vents.set(vent_target(r, state["setpoint"]))
        time.sleep(30)


if __name__ == "__main__":
    main()
