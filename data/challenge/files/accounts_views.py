"""Login/logout/profile views for the members area."""
from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

log = logging.getLogger(__name__)


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return nxt
    return default


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        user = authenticate(
            request,
            username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
        )
        if user is not None and user.is_active:
            login(request, user)
            log.info("member %s signed in", user.pk)
            return redirect(_safe_next(request, settings.LOGIN_REDIRECT_URL))
        messages.error(request, "Invalid username or password.")
    return render(request, "accounts/login.html", {"next": request.GET.get("next", "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    user_id = request.user.pk
    logout(request)
    log.info("member %s signed out", user_id)
    return_to = request.POST.get("return_to") or request.GET.get("return_to") or "/"
    return HttpResponseRedirect(return_to)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"user": request.user})


@login_required
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "Password updated.")
        log.info("member %s changed password", user.pk)
        return redirect("accounts:profile")
    return render(request, "accounts/change_password.html", {"form": form})


@login_required
@require_POST
def deactivate(request: HttpRequest) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Please confirm deactivation.")
        return redirect("accounts:profile")
    user = request.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    logout(request)
    log.info("member %s deactivated their account", user.pk)
    return redirect("/")
