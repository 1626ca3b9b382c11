# @notes Django library admin report; borrower filter interpolated into a raw SQL string with an f-string (other filters bound)
"""Overdue-loans report for the public library staff dashboard."""
from __future__ import annotations

import csv
import logging
from datetime import date, timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

log = logging.getLogger(__name__)

FINE_PER_DAY = 0.25
MAX_FINE = 10.0


def fine_for(days_overdue: int) -> float:
    return round(min(days_overdue * FINE_PER_DAY, MAX_FINE), 2)


def overdue_rows(branch: str | None, borrower: str | None) -> list[dict]:
    sql = """
        SELECT l.id, b.title, p.card_number, p.last_name, l.due_on, br.name
        FROM loans l
        JOIN books b ON b.id = l.book_id
        JOIN patrons p ON p.id = l.patron_id
        JOIN branches br ON br.id = l.branch_id
        WHERE l.returned_on IS NULL AND l.due_on < %s
    """
    params: list = [date.today()]
    if branch:
        sql += " AND br.code = %s"
        params.append(branch)
    if borrower:
        sql += f" AND p.last_name ILIKE '{borrower}%%'"  # @L CWE-89
    sql += " ORDER BY l.due_on"
    with connection.cursor() as cur:
        cur.execute(sql, params)  # @L CWE-89
        rows = cur.fetchall()
    today = date.today()
    return [
        {
            "loan": r[0],
            "title": r[1],
            "card": r[2],
            "patron": r[3],
            "due": r[4].isoformat(),
            "branch": r[5],
            "days": (today - r[4]).days,
            "fine": fine_for((today - r[4]).days),
        }
        for r in rows
    ]


@staff_member_required
def overdue_json(request: HttpRequest) -> JsonResponse:
    rows = overdue_rows(request.GET.get("branch"), request.GET.get("borrower"))
    return JsonResponse({"count": len(rows), "total_fines": round(sum(r["fine"] for r in rows), 2), "rows": rows})


@staff_member_required
def overdue_csv(request: HttpRequest) -> HttpResponse:
    rows = overdue_rows(request.GET.get("branch"), None)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="overdue-{date.today()}.csv"'
    writer = csv.writer(response)
    writer.writerow(["loan", "title", "card", "patron", "due", "branch", "days", "fine"])
    for r in rows:
        writer.writerow([r[k] for k in ("loan", "title", "card", "patron", "due", "branch", "days", "fine")])
    return response


@staff_member_required
def due_soon(request: HttpRequest) -> JsonResponse:
    horizon = date.today() + timedelta(days=3)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT p.email, b.title, l.due_on FROM loans l JOIN books b ON b.id = l.book_id "
            "JOIN patrons p ON p.id = l.patron_id WHERE l.returned_on IS NULL AND l.due_on BETWEEN %s AND %s",
            [date.today(), horizon],
        )
        rows = cur.fetchall()
    log.info("due-soon report: %d loans", len(rows))
    return JsonResponse({"loans": [{"email": r[0], "title": r[1], "due": r[2].isoformat()} for r in rows]})
