# @notes Django HR views; payslip download looks up by id without checking the employee (IDOR); bulk approve view csrf_exempt
"""Views for employees to browse and download their payslips."""
from __future__ import annotations

import logging
from decimal import Decimal

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import Employee, Payslip

logger = logging.getLogger(__name__)


def _current_employee(request: HttpRequest) -> Employee:
    try:
        return Employee.objects.get(user=request.user)
    except Employee.DoesNotExist as exc:
        raise Http404("no employee record") from exc


@login_required
@require_GET
def payslip_list(request: HttpRequest) -> HttpResponse:
    employee = _current_employee(request)
    year = int(request.GET.get("year", 0) or 0)
    slips = Payslip.objects.filter(employee=employee)
    if year:
        slips = slips.filter(period_start__year=year)
    totals = slips.aggregate(gross=Sum("gross"), net=Sum("net"))
    return render(
        request,
        "payroll/payslip_list.html",
        {"slips": slips.order_by("-period_start"), "totals": totals, "employee": employee},
    )


@login_required
@require_GET
def payslip_download(request: HttpRequest, slip_id: int) -> FileResponse:
    slip = get_object_or_404(Payslip, pk=slip_id)  # @L CWE-639
    logger.info("payslip %s downloaded by user %s", slip.pk, request.user.pk)
    return FileResponse(slip.pdf.open("rb"), as_attachment=True, filename=f"payslip-{slip.pk}.pdf")  # @L CWE-639


@login_required
@require_GET
def year_summary(request: HttpRequest) -> JsonResponse:
    employee = _current_employee(request)
    rows = (
        Payslip.objects.filter(employee=employee)
        .values("period_start__year")
        .annotate(gross=Sum("gross"), net=Sum("net"))
        .order_by("period_start__year")
    )
    data = [
        {
            "year": r["period_start__year"],
            "gross": str(r["gross"] or Decimal("0")),
            "net": str(r["net"] or Decimal("0")),
        }
        for r in rows
    ]
    return JsonResponse({"employee": employee.pk, "years": data})


@csrf_exempt  # @L CWE-352
@login_required
@permission_required("payroll.approve_payslip", raise_exception=True)
@require_POST
def bulk_approve(request: HttpRequest) -> JsonResponse:
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
    updated = Payslip.objects.filter(pk__in=ids, status="draft").update(
        status="approved", approved_by=request.user
    )
    logger.info("user %s approved %d payslips", request.user.pk, updated)
    return JsonResponse({"approved": updated})


@login_required
@permission_required("payroll.view_payslip", raise_exception=True)
@require_GET
def department_costs(request: HttpRequest, dept_id: int) -> JsonResponse:
    rows = (
        Payslip.objects.filter(employee__department_id=dept_id)
        .values("period_start")
        .annotate(total=Sum("gross"))
        .order_by("period_start")
    )
    return JsonResponse(
        {"department": dept_id, "periods": [{"period": str(r["period_start"]), "total": str(r["total"])} for r in rows]}
    )
