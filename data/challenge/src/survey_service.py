# @notes small Flask survey app; unhandled errors return the traceback to the client and the app starts with debug=True
"""Employee pulse-survey service."""
from __future__ import annotations

import logging
import sqlite3
import traceback
from datetime import datetime

from flask import Flask, g, jsonify, request

app = Flask(__name__)
log = logging.getLogger(__name__)
DATABASE = "surveys.db"

QUESTIONS = [
    ("workload", "How manageable is your workload?"),
    ("team", "How well does your team collaborate?"),
    ("growth", "Do you see opportunities to grow?"),
]


def db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(DATABASE)
        g.db.execute(
            "CREATE TABLE IF NOT EXISTS answers (survey TEXT, question TEXT, score INTEGER, submitted TEXT)"
        )
    return g.db


@app.teardown_appcontext
def close(_exc):
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


@app.get("/surveys/<survey>/questions")
def questions(survey: str):
    return jsonify({"survey": survey, "questions": [{"key": k, "text": t} for k, t in QUESTIONS]})


@app.post("/surveys/<survey>/answers")
def submit(survey: str):
    payload = request.get_json(force=True)
    answers = payload["answers"]
    now = datetime.utcnow().isoformat()
    keys = {k for k, _ in QUESTIONS}
    rows = []
    for key, score in answers.items():
        if key not in keys:
            return jsonify({"error": f"unknown question {key}"}), 400
        score = int(score)
        if not 1 <= score <= 5:
            return jsonify({"error": "score must be 1-5"}), 400
        rows.append((survey, key, score, now))
    db().executemany("INSERT INTO answers VALUES (?, ?, ?, ?)", rows)
    db().commit()
    return jsonify({"stored": len(rows)}), 201


@app.get("/surveys/<survey>/results")
def results(survey: str):
    rows = db().execute(
        "SELECT question, avg(score), count(*) FROM answers WHERE survey = ? GROUP BY question",
        (survey,),
    ).fetchall()
    if sum(r[2] for r in rows) < 5:
        return jsonify({"error": "not enough responses to keep answers anonymous"}), 403
    return jsonify({q: {"average": round(a, 2), "responses": n} for q, a, n in rows})


@app.errorhandler(Exception)
def handle_error(exc: Exception):
    log.exception("request failed")
    return jsonify({"error": str(exc), "trace": traceback.format_exc()}), 500  # @L CWE-209


def seed_demo() -> None:
    with app.app_context():
        conn = db()
        for key, _ in QUESTIONS:
            conn.execute("INSERT INTO answers VALUES ('demo', ?, 3, ?)", (key, datetime.utcnow().isoformat()))
        conn.commit()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    seed_demo()
    app.run(host="0.0.0.0", port=5050, debug=True)  # @L CWE-489
