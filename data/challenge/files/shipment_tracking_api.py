"""Shipment endpoints for merchants of the logistics platform (Django REST Framework)."""
from __future__ import annotations

import logging

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .labels import render_label_pdf
from .models import Shipment, TrackingEvent

log = logging.getLogger(__name__)


class TrackingEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrackingEvent
        fields = ["code", "description", "location", "occurred_at"]


class ShipmentSerializer(serializers.ModelSerializer):
    events = TrackingEventSerializer(many=True, read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "id", "reference", "carrier", "tracking_number", "status",
            "recipient_name", "recipient_address", "recipient_phone", "created_at", "events",
        ]
        read_only_fields = ["id", "tracking_number", "status", "created_at", "events"]


class ShipmentList(generics.ListCreateAPIView):
    serializer_class = ShipmentSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return Shipment.objects.filter(merchant=self.request.user.merchant).order_by("-created_at")

    def perform_create(self, serializer):
        shipment = serializer.save(merchant=self.request.user.merchant, status="created")
        log.info("merchant %s created shipment %s", shipment.merchant_id, shipment.pk)


class ShipmentDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request, pk: int):
        shipment = get_object_or_404(Shipment.objects.prefetch_related("events"), pk=pk)
        return Response(ShipmentSerializer(shipment).data)

    def delete(self, request, pk: int):
        shipment = get_object_or_404(Shipment, pk=pk, merchant=request.user.merchant)
        if shipment.status != "created":
            return Response({"error": "shipment already handed to carrier"}, status=status.HTTP_409_CONFLICT)
        shipment.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShipmentLabel(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request, pk: int):
        shipment = get_object_or_404(Shipment, pk=pk, merchant=request.user.merchant)
        pdf = render_label_pdf(shipment)
        return FileResponse(pdf, content_type="application/pdf", filename=f"label-{shipment.reference}.pdf")


class MerchantStats(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request):
        qs = Shipment.objects.filter(merchant=request.user.merchant)
        counts = {}
        for s in qs.values_list("status", flat=True):
            counts[s] = counts.get(s, 0) + 1
        return Response({"total": qs.count(), "by_status": counts})
