"""CRM views: customer lists, notes, and data exports."""
from __future__ import annotations

import csv
import logging
from datetime import date

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from .models import Customer, Note

log = logging.getLogger(__name__)


class Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
def my_customers(request: HttpRequest) -> HttpResponse:
    customers = (
        Customer.objects.filter(account_manager=request.user)
        .annotate(notes=Count("note"), last_contact=Max("note__created_at"))
        .order_by("name")
    )
    return render(request, "crm/my_customers.html", {"customers": customers})


@login_required
@require_POST
def add_note(request: HttpRequest, customer_id: int) -> JsonResponse:
    customer = get_object_or_404(Customer, pk=customer_id, account_manager=request.user)
    text = request.POST.get("text", "").strip()
    if not text:
        return JsonResponse({"error": "empty note"}, status=400)
    note = Note.objects.create(customer=customer, author=request.user, text=text[:5000])
    return JsonResponse({"id": note.pk})


@login_required
@permission_required("crm.view_all_customers", raise_exception=True)
@require_GET
def all_customers(request: HttpRequest) -> HttpResponse:
    customers = Customer.objects.select_related("account_manager").order_by("name")
    return render(request, "crm/all_customers.html", {"customers": customers})


@login_required
@require_GET
def export_customers(request: HttpRequest) -> StreamingHttpResponse:
    rows = Customer.objects.order_by("pk").values_list(
        "pk", "name", "email", "phone", "street", "city", "vat_id", "annual_revenue"
    )
    writer = csv.writer(Echo())
    header = ["id", "name", "email", "phone", "street", "city", "vat_id", "annual_revenue"]

    def stream():
        yield writer.writerow(header)
        for row in rows.iterator():
            yield writer.writerow(row)

    log.info("customer export by user %s", request.user.pk)
    response = StreamingHttpResponse(stream(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="customers-{date.today()}.csv"'
    return response


@login_required
@permission_required("crm.change_customer", raise_exception=True)
@require_POST
def reassign(request: HttpRequest, customer_id: int) -> JsonResponse:
    customer = get_object_or_404(Customer, pk=customer_id)
    new_manager = int(request.POST["manager_id"])
    customer.account_manager_id = new_manager
    customer.save(update_fields=["account_manager"])
    log.info("customer %s reassigned to %s by %s", customer_id, new_manager, request.user.pk)
    return JsonResponse({"ok": True})
