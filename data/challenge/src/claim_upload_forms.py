# @notes clean: Django insurance claim form; attachment type sniffed with python-magic, size-limited, stored under a generated name
"""Forms and view for submitting insurance claims with supporting documents."""
from __future__ import annotations

import logging
import uuid
from pathlib import PurePath

import magic
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .models import Claim, ClaimDocument

log = logging.getLogger(__name__)

MAX_FILE = 8 * 1024 * 1024
ALLOWED_MIME = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


class ClaimForm(forms.Form):
    policy_number = forms.RegexField(regex=r"^[A-Z]{2}\d{8}$", max_length=10)
    incident_date = forms.DateField()
    description = forms.CharField(widget=forms.Textarea, max_length=4000)
    amount = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    documents = forms.FileField(required=False, widget=forms.ClearableFileInput(attrs={"multiple": False}))

    def clean_documents(self):
        f = self.cleaned_data.get("documents")
        if f is None:
            return None
        if f.size > MAX_FILE:
            raise forms.ValidationError("Each document must be 8 MB or smaller.")
        head = f.read(4096)
        f.seek(0)
        mime = magic.from_buffer(head, mime=True)
        if mime not in ALLOWED_MIME:
            raise forms.ValidationError("Please upload a PDF, JPEG or PNG.")
        f.detected_mime = mime
        return f


def store_document(claim: Claim, upload) -> ClaimDocument:
    ext = ALLOWED_MIME[upload.detected_mime]
    name = f"claims/{claim.pk}/{uuid.uuid4().hex}{ext}"
    saved = default_storage.save(name, upload)
    original = PurePath(upload.name).name[:100]
    return ClaimDocument.objects.create(claim=claim, path=saved, original_name=original, mime=upload.detected_mime)


@login_required
@require_http_methods(["GET", "POST"])
def submit_claim(request):
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        policy = request.user.policies.filter(number=data["policy_number"], active=True).first()
        if policy is None:
            form.add_error("policy_number", "No active policy with this number on your account.")
        else:
            claim = Claim.objects.create(
                policy=policy,
                incident_date=data["incident_date"],
                description=data["description"],
                amount=data["amount"],
                status="submitted",
            )
            if data.get("documents"):
                store_document(claim, data["documents"])
            log.info("claim %s submitted by user %s", claim.pk, request.user.pk)
            return redirect("claims:detail", claim_id=claim.pk)
    return render(request, "claims/submit.html", {"form": form})


@login_required
def claim_detail(request, claim_id: int):
    claim = Claim.objects.filter(pk=claim_id, policy__holder=request.user).first()
    if claim is None:
        return render(request, "claims/not_found.html", status=404)
    return render(request, "claims/detail.html", {"claim": claim, "documents": claim.documents.all()})
