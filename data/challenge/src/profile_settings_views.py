# @notes Django profile settings; the change-email view (session-authenticated, browser form) is csrf_exempt
"""Account settings pages: profile, notification preferences, email change."""
from __future__ import annotations

import logging
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import EmailChange, NotificationPrefs

log = logging.getLogger(__name__)


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    prefs, _ = NotificationPrefs.objects.get_or_create(user=request.user)
    if request.method == "POST":
        prefs.order_updates = "order_updates" in request.POST
        prefs.newsletter = "newsletter" in request.POST
        prefs.sms = "sms" in request.POST
        prefs.save()
        messages.success(request, "Preferences saved.")
        return redirect("settings:notifications")
    return render(request, "settings/notifications.html", {"prefs": prefs})


@csrf_exempt  # @L CWE-352
@login_required
@require_http_methods(["GET", "POST"])
def change_email(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "settings/change_email.html")
    new_email = request.POST.get("email", "").strip().lower()
    try:
        validate_email(new_email)
    except ValidationError:
        messages.error(request, "Please enter a valid email address.")
        return redirect("settings:change_email")
    token = secrets.token_urlsafe(32)
    EmailChange.objects.update_or_create(user=request.user, defaults={"new_email": new_email, "token": token})  # @L CWE-352
    link = request.build_absolute_uri(reverse("settings:confirm_email", args=[token]))
    send_mail("Confirm your new email", f"Confirm the change here: {link}", None, [new_email])
    log.info("user %s requested email change", request.user.pk)
    messages.info(request, "Check your new inbox for a confirmation link.")
    return redirect("settings:profile")


@login_required
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    change = EmailChange.objects.filter(user=request.user, token=token).first()
    if change is None:
        messages.error(request, "This confirmation link is invalid or was already used.")
        return redirect("settings:profile")
    request.user.email = change.new_email
    request.user.save(update_fields=["email"])
    change.delete()
    messages.success(request, "Your email address was updated.")
    return redirect("settings:profile")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    pending = EmailChange.objects.filter(user=request.user).first()
    return render(request, "settings/profile.html", {"pending_email": pending.new_email if pending else None})


@login_required
@require_http_methods(["POST"])
def cancel_email_change(request: HttpRequest) -> HttpResponse:
    deleted, _ = EmailChange.objects.filter(user=request.user).delete()
    if deleted:
        messages.info(request, "Pending email change cancelled.")
    return redirect("settings:profile")
