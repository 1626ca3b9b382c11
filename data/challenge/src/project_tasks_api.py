# @notes clean: DRF task viewset; queryset scoped to the requesting user's projects, object permission enforced, serializer validates project membership
"""REST API for tasks in the team-planner app."""
from __future__ import annotations

import logging

from django.db.models import Count, Q, QuerySet
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from .models import Project, Task

log = logging.getLogger(__name__)


class IsProjectMember(permissions.BasePermission):
    """Object-level check: the user must belong to the task's project."""

    def has_object_permission(self, request: Request, view, obj: Task) -> bool:
        return obj.project.members.filter(pk=request.user.pk).exists()


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "project", "title", "description", "assignee", "due", "done", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_project(self, project: Project) -> Project:
        user = self.context["request"].user
        if not project.members.filter(pk=user.pk).exists():
            raise serializers.ValidationError("You are not a member of this project.")
        return project

    def validate(self, attrs: dict) -> dict:
        assignee = attrs.get("assignee")
        project = attrs.get("project") or getattr(self.instance, "project", None)
        if assignee and project and not project.members.filter(pk=assignee.pk).exists():
            raise serializers.ValidationError({"assignee": "Assignee must be a project member."})
        return attrs


class TaskViewSet(viewsets.ModelViewSet):
    serializer_class = TaskSerializer
    permission_classes = [permissions.IsAuthenticated, IsProjectMember]

    def get_queryset(self) -> QuerySet[Task]:
        qs = Task.objects.filter(project__members=self.request.user).select_related("project", "assignee")
        project_id = self.request.query_params.get("project")
        if project_id and project_id.isdigit():
            qs = qs.filter(project_id=int(project_id))
        if self.request.query_params.get("mine") == "1":
            qs = qs.filter(assignee=self.request.user)
        return qs.order_by("done", "due", "id")

    def perform_create(self, serializer: TaskSerializer) -> None:
        task = serializer.save()
        log.info("task %s created in project %s by %s", task.pk, task.project_id, self.request.user.pk)

    def perform_destroy(self, instance: Task) -> None:
        if instance.project.owner_id != self.request.user.pk and instance.assignee_id != self.request.user.pk:
            raise permissions.exceptions.PermissionDenied("Only the owner or assignee can delete a task.")
        log.info("task %s deleted by %s", instance.pk, self.request.user.pk)
        instance.delete()

    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        task.done = True
        task.save(update_fields=["done"])
        return Response(self.get_serializer(task).data)

    @action(detail=False, methods=["get"])
    def summary(self, request: Request) -> Response:
        data = (
            self.get_queryset()
            .values("project_id", "project__name")
            .annotate(open=Count("id", filter=Q(done=False)), closed=Count("id", filter=Q(done=True)))
        )
        return Response(list(data), status=status.HTTP_200_OK)
