"""Data access for room bookings (meeting-room booking app)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from .models import Booking, Room

log = logging.getLogger(__name__)

SORTS = {
    "start": "b.starts_at",
    "room": "r.name",
    "owner": "u.last_name",
}


@dataclass
class Slot:
    room_id: int
    starts_at: datetime
    ends_at: datetime


class BookingConflict(Exception):
    pass


def overlapping(room_id: int, start: datetime, end: datetime, exclude: int | None = None):
    qs = Booking.objects.filter(room_id=room_id, starts_at__lt=end, ends_at__gt=start, cancelled=False)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs


@transaction.atomic
def book(user, room_id: int, start: datetime, end: datetime, title: str) -> Booking:
    if end <= start:
        raise ValueError("end must be after start")
    if end - start > timedelta(hours=8):
        raise ValueError("bookings are limited to 8 hours")
    room = Room.objects.select_for_update().get(pk=room_id)
    if overlapping(room.pk, start, end).exists():
        raise BookingConflict(f"{room.name} is taken")
    booking = Booking.objects.create(room=room, owner=user, starts_at=start, ends_at=end, title=title[:120])
    log.info("booking %s created for room %s", booking.pk, room.pk)
    return booking


def day_report(day: datetime, sort: str = "start") -> list[dict]:
    order = SORTS.get(sort, SORTS["start"])
    start = day.replace(hour=0, minute=0, second=0, microsecond=0)
    with connection.cursor() as cur:
        cur.execute(
            f"""
            SELECT b.id, r.name, u.first_name || ' ' || u.last_name, b.starts_at, b.ends_at, b.title
            FROM bookings_booking b
            JOIN bookings_room r ON r.id = b.room_id
            JOIN auth_user u ON u.id = b.owner_id
            WHERE b.cancelled = false AND b.starts_at >= %s AND b.starts_at < %s
            ORDER BY {order}
            """,
            [start, start + timedelta(days=1)],
        )
        cols = ["id", "room", "owner", "starts_at", "ends_at", "title"]
        return [dict(zip(cols, row)) for row in cur.fetchall()]


def free_slots(room_id: int, day: datetime, length: timedelta = timedelta(minutes=30)) -> list[Slot]:
    open_at = day.replace(hour=8, minute=0, second=0, microsecond=0)
    close_at = day.replace(hour=19, minute=0)
    busy = list(
        overlapping(room_id, open_at, close_at).order_by("starts_at").values_list("starts_at", "ends_at")
    )
    slots = []
    cursor = open_at
    for b_start, b_end in busy + [(close_at, close_at)]:
        while cursor + length <= b_start:
            slots.append(Slot(room_id, cursor, cursor + length))
            cursor += length
        cursor = max(cursor, b_end)
    return slots


def cancel(user, booking_id: int) -> bool:
    updated = Booking.objects.filter(pk=booking_id, owner=user, starts_at__gt=timezone.now()).update(cancelled=True)
    return bool(updated)
