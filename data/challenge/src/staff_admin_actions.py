# @notes Django admin customisation; "grant superuser" bulk action is available to any staff user with change permission
"""Admin configuration for staff accounts in the back office."""
from __future__ import annotations

import logging

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

log = logging.getLogger(__name__)


@admin.action(description="Deactivate selected accounts")
def deactivate(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]) -> None:
    count = queryset.exclude(pk=request.user.pk).update(is_active=False)
    log.info("admin %s deactivated %d accounts", request.user.pk, count)
    messages.success(request, f"Deactivated {count} accounts.")


@admin.action(description="Grant superuser rights")
def make_superuser(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]) -> None:
    count = queryset.update(is_superuser=True, is_staff=True)  # @L CWE-269
    log.warning("admin %s granted superuser to %d accounts", request.user.pk, count)
    messages.warning(request, f"{count} accounts are now superusers.")


@admin.action(description="Reset last login (force re-login)")
def reset_last_login(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]) -> None:
    queryset.update(last_login=None)
    messages.info(request, "Last-login timestamps cleared.")


class InactiveFilter(admin.SimpleListFilter):
    title = "activity"
    parameter_name = "activity"

    def lookups(self, request, model_admin):
        return [("stale", "No login for 90 days"), ("never", "Never logged in")]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.filter(last_login__lt=timezone.now() - timezone.timedelta(days=90))
        if self.value() == "never":
            return queryset.filter(last_login__isnull=True)
        return queryset


class StaffUserAdmin(UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_superuser", "last_login")
    list_filter = UserAdmin.list_filter + (InactiveFilter,)
    actions = [deactivate, make_superuser, reset_last_login]  # @L CWE-269
    search_fields = ("username", "email", "first_name", "last_name")
    ordering = ("username",)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions", "groups"]
        return fields

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(is_superuser=False)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if change and "is_active" in form.changed_data and not obj.is_active:
            log.info("admin %s deactivated user %s", request.user.pk, obj.pk)
        super().save_model(request, obj, form, change)


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
admin.site.site_header = "Back office"
admin.site.site_title = "Back office"
