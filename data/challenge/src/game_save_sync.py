# @notes mobile game save-sync server; save blobs encrypted with ARC4 under a static app key before storage
"""Cloud save synchronisation for the mobile puzzle game."""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import time
import zlib

from Crypto.Cipher import ARC4
from flask import Flask, abort, jsonify, request

from .players import authenticate_player
from .storage import SaveStore

app = Flask(__name__)
log = logging.getLogger("saves")
store = SaveStore()

APP_KEY = hashlib.sha256(os.environ["SAVE_KEY"].encode()).digest()
MAX_SAVE = 256 * 1024


def seal(player_id: str, payload: dict) -> str:
    raw = zlib.compress(json.dumps(payload, separators=(",", ":")).encode())
    cipher = ARC4.new(APP_KEY + player_id.encode())  # @L CWE-327
    return base64.b64encode(cipher.encrypt(raw)).decode()


def unseal(player_id: str, blob: str) -> dict:
    cipher = ARC4.new(APP_KEY + player_id.encode())  # @L CWE-327
    return json.loads(zlib.decompress(cipher.decrypt(base64.b64decode(blob))))


def validate_save(payload: dict) -> list[str]:
    problems = []
    if not isinstance(payload.get("level"), int) or not 0 <= payload["level"] <= 2000:
        problems.append("level out of range")
    if not isinstance(payload.get("stars"), dict):
        problems.append("stars must be a mapping")
    if int(payload.get("coins", 0)) > 10_000_000:
        problems.append("coin count implausible")
    return problems


@app.put("/v1/save")
def put_save():
    player = authenticate_player(request.headers.get("Authorization", ""))
    if player is None:
        abort(401)
    if request.content_length and request.content_length > MAX_SAVE:
        abort(413)
    payload = request.get_json(force=True)
    problems = validate_save(payload)
    if problems:
        return jsonify({"errors": problems}), 422
    current = store.meta(player.id)
    if current and current["version"] > int(payload.get("version", 0)):
        return jsonify({"error": "server has a newer save", "server_version": current["version"]}), 409
    store.put(player.id, seal(player.id, payload), version=int(payload.get("version", 0)), updated=time.time())
    log.info("player %s saved level %s", player.id, payload["level"])
    return jsonify({"ok": True})


@app.get("/v1/save")
def get_save():
    player = authenticate_player(request.headers.get("Authorization", ""))
    if player is None:
        abort(401)
    record = store.get(player.id)
    if record is None:
        return jsonify({"save": None})
    return jsonify({"save": unseal(player.id, record["blob"]), "version": record["version"], "updated": record["updated"]})


@app.delete("/v1/save")
def delete_save():
    player = authenticate_player(request.headers.get("Authorization", ""))
    if player is None:
        abort(401)
    store.delete(player.id)
    return "", 204
