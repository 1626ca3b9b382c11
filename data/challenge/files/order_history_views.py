"""Customer-facing order history API (Django REST Framework)."""
from __future__ import annotations

import logging
from decimal import Decimal

from django.db.models import Prefetch, Sum
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from .models import Order, OrderLine

log = logging.getLogger(__name__)


class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = ["sku", "title", "qty", "unit_price"]


class OrderSerializer(serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "number", "status", "placed_at", "total", "lines"]


class OrderThrottle(UserRateThrottle):
    rate = "120/min"


class OrderHistoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = OrderSerializer
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [OrderThrottle]
    lookup_field = "number"

    def get_queryset(self):
        return (
            Order.objects.filter(customer=self.request.user)
            .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))
            .order_by("-placed_at")
        )

    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        order = self.get_object()
        if order.status not in {"placed", "paid"}:
            return Response({"error": "order can no longer be cancelled"}, status=409)
        order.status = "cancel_requested"
        order.save(update_fields=["status"])
        log.info("customer %s requested cancellation of %s", request.user.pk, order.number)
        return Response(self.get_serializer(order).data)

    @action(detail=False, methods=["get"])
    def spending(self, request):
        qs = self.get_queryset().exclude(status__in=["cancelled", "cancel_requested"])
        totals = qs.values("placed_at__year").annotate(total=Sum("total")).order_by("placed_at__year")
        return Response(
            [{"year": t["placed_at__year"], "total": str(t["total"] or Decimal("0"))} for t in totals]
        )

    @action(detail=True, methods=["post"])
    def reorder(self, request, number=None):
        order = self.get_object()
        cart = request.user.cart
        added = 0
        for line in order.lines.all():
            if cart.add(line.sku, line.qty):
                added += 1
        return Response({"added": added, "cart_items": cart.count()})

    @action(detail=False, methods=["get"])
    def open_orders(self, request):
        """Orders still in progress, for the account overview widget."""
        qs = self.get_queryset().filter(status__in=["placed", "paid", "packed", "shipped"])[:10]
        return Response(self.get_serializer(qs, many=True).data)
