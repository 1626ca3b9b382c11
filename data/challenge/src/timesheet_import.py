# @notes clean: timesheet CSV import for HR; strict row validation, file size limit, ORM writes, managers only
"""Import monthly timesheets exported from the time-clock terminals."""
from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from .models import Employee, TimeEntry

log = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024
HEADER = ["badge", "date", "in", "out", "break_minutes"]


@dataclass
class Row:
    badge: str
    day: date
    clock_in: time
    clock_out: time
    break_minutes: int

    @property
    def hours(self) -> Decimal:
        start = datetime.combine(self.day, self.clock_in)
        end = datetime.combine(self.day, self.clock_out)
        minutes = (end - start).total_seconds() / 60 - self.break_minutes
        return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def parse_rows(text: str) -> tuple[list[Row], list[str]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header] != HEADER:
        return [], ["unexpected header"]
    rows: list[Row] = []
    errors: list[str] = []
    for n, rec in enumerate(reader, start=2):
        try:
            badge, day, t_in, t_out, brk = (x.strip() for x in rec)
            row = Row(badge, date.fromisoformat(day), time.fromisoformat(t_in), time.fromisoformat(t_out), int(brk))
        except ValueError:
            errors.append(f"line {n}: malformed")
            continue
        if row.clock_out <= row.clock_in or not 0 <= row.break_minutes <= 180:
            errors.append(f"line {n}: implausible times")
            continue
        rows.append(row)
    return rows, errors


@login_required
@permission_required("timesheets.add_timeentry", raise_exception=True)
@require_POST
def import_timesheet(request: HttpRequest) -> JsonResponse:
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": "file required"}, status=400)
    if upload.size > MAX_BYTES:
        return JsonResponse({"error": "file too large"}, status=413)
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return JsonResponse({"error": "file must be UTF-8 CSV"}, status=400)
    rows, errors = parse_rows(text)
    badges = {r.badge for r in rows}
    employees = {e.badge: e for e in Employee.objects.filter(badge__in=badges, active=True)}
    created = 0
    with transaction.atomic():
        for r in rows:
            emp = employees.get(r.badge)
            if emp is None:
                errors.append(f"unknown badge {r.badge}")
                continue
            _, was_created = TimeEntry.objects.update_or_create(
                employee=emp, day=r.day, defaults={"clock_in": r.clock_in, "clock_out": r.clock_out, "hours": r.hours}
            )
            created += int(was_created)
    log.info("timesheet import by %s: %d rows, %d new, %d errors", request.user.pk, len(rows), created, len(errors))
    return JsonResponse({"rows": len(rows), "created": created, "errors": errors[:50]})
