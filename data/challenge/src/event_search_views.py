# @notes Django event listing; search term echoed into an HTML response built with an f-string (reflected XSS)
"""Public event calendar views for the city culture portal."""
from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from .models import Event, Venue

logger = logging.getLogger(__name__)

PER_PAGE = 20


def _upcoming():
    return Event.objects.filter(published=True, ends_on__gte=date.today()).select_related("venue")


@require_GET
@cache_page(300)
def calendar(request: HttpRequest) -> HttpResponse:
    start = date.today()
    days = [start + timedelta(days=i) for i in range(14)]
    events = _upcoming().filter(starts_on__lte=days[-1]).order_by("starts_on")
    return render(request, "events/calendar.html", {"days": days, "events": events})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    term = request.GET.get("q", "").strip()
    if not term:
        return render(request, "events/search.html", {"results": [], "term": ""})
    qs = _upcoming().filter(Q(title__icontains=term) | Q(description__icontains=term) | Q(venue__name__icontains=term))
    page = Paginator(qs.order_by("starts_on"), PER_PAGE).get_page(request.GET.get("page"))
    if not page.object_list:
        return HttpResponse(  # @L CWE-79
            f"<div class='empty'><h2>No events match “{term}”</h2>"  # @L CWE-79
            "<p>Try a different word or browse the <a href='/events/'>calendar</a>.</p></div>"
        )
    return render(request, "events/search.html", {"results": page, "term": term})


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        event = _upcoming().get(slug=slug)
    except Event.DoesNotExist:
        raise Http404("event not found")
    related = _upcoming().filter(venue=event.venue).exclude(pk=event.pk)[:4]
    return render(request, "events/detail.html", {"event": event, "related": related})


@require_GET
def venue(request: HttpRequest, venue_id: int) -> HttpResponse:
    try:
        v = Venue.objects.get(pk=venue_id, active=True)
    except Venue.DoesNotExist:
        raise Http404("venue not found")
    events = _upcoming().filter(venue=v).order_by("starts_on")
    return render(request, "events/venue.html", {"venue": v, "events": events})


@require_GET
def ical(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        event = _upcoming().get(slug=slug)
    except Event.DoesNotExist:
        raise Http404("event not found")
    body = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "BEGIN:VEVENT",
            f"UID:{event.pk}@culture.example.org",
            f"DTSTART;VALUE=DATE:{event.starts_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.ends_on:%Y%m%d}",
            f"SUMMARY:{event.title.replace(chr(10), ' ')}",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )
    return HttpResponse(body, content_type="text/calendar")
