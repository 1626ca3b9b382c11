# @notes clean: Falcon spare-parts API; auth middleware with hashed tokens, psycopg parameterized queries, input validation
"""Spare-parts catalogue API for field technicians (Falcon)."""
from __future__ import annotations

import hashlib
import hmac
import logging
import os

import falcon
import psycopg
from psycopg.rows import dict_row

log = logging.getLogger("parts_api")

DSN = os.environ.get("PARTS_DSN", "postgresql:///parts")
TOKEN_DIGESTS = {d.strip() for d in os.environ.get("PARTS_TOKEN_SHA256", "").split(",") if d.strip()}


class TokenAuth:
    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        if req.path == "/health":
            return
        auth = req.get_header("Authorization") or ""
        if not auth.startswith("Bearer "):
            raise falcon.HTTPUnauthorized(title="token required")
        digest = hashlib.sha256(auth[7:].encode()).hexdigest()
        if not any(hmac.compare_digest(digest, known) for known in TOKEN_DIGESTS):
            raise falcon.HTTPUnauthorized(title="invalid token")


def conn() -> psycopg.Connection:
    return psycopg.connect(DSN, row_factory=dict_row)


class PartsResource:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        q = (req.get_param("q") or "").strip()
        model = req.get_param("model")
        limit = req.get_param_as_int("limit", min_value=1, max_value=100) or 25
        clauses, params = [], []
        if q:
            clauses.append("(p.name ILIKE %s OR p.part_no ILIKE %s)")
            params += [f"%{q}%", f"{q}%"]
        if model:
            clauses.append("EXISTS (SELECT 1 FROM fits f WHERE f.part_id = p.id AND f.model_code = %s)")
            params.append(model)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        with conn() as c:
            rows = c.execute(
                f"SELECT p.id, p.part_no, p.name, p.stock, p.price_cents FROM parts p {where} ORDER BY p.part_no LIMIT %s",
                [*params, limit],
            ).fetchall()
        resp.media = rows


class PartResource:
    def on_get(self, req: falcon.Request, resp: falcon.Response, part_no: str) -> None:
        with conn() as c:
            part = c.execute("SELECT id, part_no, name, stock, price_cents FROM parts WHERE part_no = %s", [part_no]).fetchone()
            if part is None:
                raise falcon.HTTPNotFound()
            part["fits"] = [r["model_code"] for r in c.execute("SELECT model_code FROM fits WHERE part_id = %s", [part["id"]])]
        resp.media = part


class ReserveResource:
    def on_post(self, req: falcon.Request, resp: falcon.Response, part_no: str) -> None:
        body = req.get_media() or {}
        qty = body.get("qty")
        job = str(body.get("job", ""))[:40]
        if not isinstance(qty, int) or not 1 <= qty <= 50 or not job:
            raise falcon.HTTPBadRequest(title="qty (1-50) and job are required")
        with conn() as c:
            row = c.execute(
                "UPDATE parts SET stock = stock - %s WHERE part_no = %s AND stock >= %s RETURNING stock",
                [qty, part_no, qty],
            ).fetchone()
            if row is None:
                raise falcon.HTTPConflict(title="not enough stock")
            c.execute("INSERT INTO reservations (part_no, qty, job) VALUES (%s, %s, %s)", [part_no, qty, job])
        log.info("reserved %d x %s for job %s", qty, part_no, job)
        resp.media = {"remaining": row["stock"]}


class Health:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"ok": True}


app = falcon.App(middleware=[TokenAuth()])
app.add_route("/parts", PartsResource())
app.add_route("/parts/{part_no}", PartResource())
app.add_route("/parts/{part_no}/reserve", ReserveResource())
app.add_route("/health", Health())
