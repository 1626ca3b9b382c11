"""File sharing for community groups (Django)."""
from __future__ import annotations

import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import FileSystemStorage
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from .models import Group, SharedFile

log = logging.getLogger(__name__)

MAX_SIZE = 25 * 1024 * 1024
storage = FileSystemStorage(location=os.path.join(settings.MEDIA_ROOT, "groups"), base_url=settings.MEDIA_URL + "groups/")


def _member_group(request: HttpRequest, slug: str) -> Group:
    group = get_object_or_404(Group, slug=slug)
    if not group.members.filter(pk=request.user.pk).exists():
        raise Http404("not a member")
    return group


@login_required
@require_GET
def files(request: HttpRequest, slug: str) -> HttpResponse:
    group = _member_group(request, slug)
    items = SharedFile.objects.filter(group=group).order_by("-uploaded_at")
    return render(request, "groups/files.html", {"group": group, "files": items})


@login_required
@require_POST
def upload(request: HttpRequest, slug: str) -> JsonResponse:
    group = _member_group(request, slug)
    f = request.FILES.get("file")
    if f is None:
        return JsonResponse({"error": "no file"}, status=400)
    if f.size > MAX_SIZE:
        return JsonResponse({"error": "file too large"}, status=413)
    name = storage.save(f"{group.slug}/{os.path.basename(f.name)}", f)
    shared = SharedFile.objects.create(
        group=group,
        uploaded_by=request.user,
        name=os.path.basename(name),
        url=storage.url(name),
        size=f.size,
    )
    log.info("user %s shared %s in group %s", request.user.pk, shared.name, group.slug)
    return JsonResponse({"id": shared.pk, "url": shared.url}, status=201)


@login_required
@require_POST
def delete(request: HttpRequest, slug: str, file_id: int) -> JsonResponse:
    group = _member_group(request, slug)
    shared = get_object_or_404(SharedFile, pk=file_id, group=group)
    if shared.uploaded_by_id != request.user.pk and not group.admins.filter(pk=request.user.pk).exists():
        return JsonResponse({"error": "only the uploader or a group admin can delete"}, status=403)
    storage.delete(shared.url.removeprefix(storage.base_url))
    shared.delete()
    return JsonResponse({"deleted": file_id})


@login_required
@require_GET
def usage(request: HttpRequest, slug: str) -> JsonResponse:
    group = _member_group(request, slug)
    total = sum(f.size for f in SharedFile.objects.filter(group=group))
    return JsonResponse({"group": group.slug, "bytes": total, "files": SharedFile.objects.filter(group=group).count()})


@login_required
@require_GET
def recent_across_groups(request: HttpRequest) -> JsonResponse:
    """Latest files from every group the member belongs to (dashboard widget)."""
    items = (
        SharedFile.objects.filter(group__members=request.user)
        .select_related("group")
        .order_by("-uploaded_at")[:10]
    )
    return JsonResponse([{"group": f.group.slug, "name": f.name, "url": f.url} for f in items], safe=False)
