from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import can_edit_account, can_grant_roles
from accounts.signals import roles_changed

# What makes an account powerful: only a superuser sets these (``can_grant_roles``).
ROLE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def _role_value(name: str, value):
    # Groups by name and permissions by code name, sorted: readable and comparable.
    if name == "groups":
        return sorted(group.name for group in value)
    if name == "user_permissions":
        return sorted(permission.codename for permission in value)
    return bool(value)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts and their roles. A staff member who is not a superuser sees the role
    fields read-only (a crafted form changes none of them: read-only fields are not in
    the form) and cannot edit another account with a role."""

    ordering = ["email"]
    list_display = ["email", "name", "organisation", "country", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "stakeholder_type"]
    search_fields = ["email", "name", "organisation"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("name", "country", "organisation", "stakeholder_type")}),
        (
            _("Roles"),
            {
                "fields": ("is_active", *ROLE_FIELDS),
                "description": _(
                    "Only a superuser grants staff or superuser status, roles and permissions."
                ),
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if can_grant_roles(request.user):
            return fields
        return (*fields, *ROLE_FIELDS)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and not can_edit_account(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and not can_edit_account(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        # The form's initial values are the account as it was when the form was made.
        changes = {
            name: (
                _role_value(name, form.initial.get(name) or []),
                _role_value(name, getattr(user, name).all()),
            )
            if name in ("groups", "user_permissions")
            else (_role_value(name, form.initial.get(name)), _role_value(name, getattr(user, name)))
            for name in ROLE_FIELDS
            if name in form.changed_data
        }
        if changes:
            roles_changed.send(sender=User, user=user, by=request.user, changes=changes)

    def get_actions(self, request: HttpRequest):
        # Deleting a selection asks for no permission per account: a superuser's only.
        actions = super().get_actions(request)
        if not can_grant_roles(request.user):
            actions.pop("delete_selected", None)
        return actions


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """The role groups: only a superuser adds one or changes its permissions."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_grant_roles(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return can_grant_roles(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return can_grant_roles(request.user) and super().has_delete_permission(request, obj)
