"""Expense claim approval workflow (Django)."""
from __future__ import annotations

import logging
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .models import ExpenseClaim

log = logging.getLogger(__name__)

AUTO_APPROVE_LIMIT = Decimal("50.00")


def is_approver(user, claim: ExpenseClaim) -> bool:
    return user.groups.filter(name="finance-approvers").exists() or claim.employee.manager_id == user.pk


@login_required
@require_GET
def my_claims(request: HttpRequest):
    claims = ExpenseClaim.objects.filter(employee=request.user).order_by("-submitted_at")
    return render(request, "expenses/my_claims.html", {"claims": claims})


@login_required
@require_POST
def submit_claim(request: HttpRequest) -> JsonResponse:
    amount = Decimal(request.POST["amount"])
    if amount <= 0:
        return JsonResponse({"error": "amount must be positive"}, status=400)
    claim = ExpenseClaim.objects.create(
        employee=request.user,
        amount=amount,
        category=request.POST.get("category", "other"),
        description=request.POST.get("description", "")[:500],
        receipt=request.FILES.get("receipt"),
        status="submitted",
        submitted_at=timezone.now(),
    )
    if amount <= AUTO_APPROVE_LIMIT and claim.receipt:
        claim.status = "approved"
        claim.save(update_fields=["status"])
    return JsonResponse({"id": claim.pk, "status": claim.status}, status=201)


@login_required
@require_GET
def pending_for_me(request: HttpRequest):
    pending = [c for c in ExpenseClaim.objects.filter(status="submitted").select_related("employee") if is_approver(request.user, c)]
    return render(request, "expenses/pending.html", {"claims": pending})


@login_required
@require_POST
def decide(request: HttpRequest, claim_id: int) -> JsonResponse:
    claim = get_object_or_404(ExpenseClaim, pk=claim_id, status="submitted")
    if claim.employee_id == request.user.pk:
        raise PermissionDenied("cannot approve your own claim")
    if not (request.user.is_authenticated or is_approver(request.user, claim)):
        raise PermissionDenied("not an approver for this claim")
    decision = request.POST.get("decision")
    if decision not in {"approved", "rejected"}:
        return JsonResponse({"error": "decision must be approved or rejected"}, status=400)
    with transaction.atomic():
        claim.status = decision
        claim.decided_by = request.user
        claim.decided_at = timezone.now()
        claim.decision_note = request.POST.get("note", "")[:500]
        claim.save()
    log.info("claim %s %s by %s", claim.pk, decision, request.user.pk)
    return JsonResponse({"id": claim.pk, "status": claim.status})


@login_required
@require_GET
def claim_totals(request: HttpRequest) -> JsonResponse:
    claims = ExpenseClaim.objects.filter(employee=request.user)
    by_status: dict[str, str] = {}
    for status in ("submitted", "approved", "rejected", "paid"):
        total = sum((c.amount for c in claims if c.status == status), Decimal("0"))
        by_status[status] = str(total)
    return JsonResponse(by_status)
