"""The role groups and the model permissions each one holds.

Permissions only exist once every app has migrated, so they are granted after each
``migrate`` (``post_migrate``) rather than in a data migration; granting is idempotent.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from accounts.permissions import JURY_GROUP, SECRETARIAT_GROUP

# (app label, model or None for all, actions). The secretariat runs the contest from
# the admin; votes change only through the voting services, so it may read them only.
ROLE_PERMISSIONS: dict[str, list[tuple[str, str | None, tuple[str, ...]]]] = {
    SECRETARIAT_GROUP: [
        ("awards", None, ("view", "add", "change", "delete")),
        ("voting", None, ("view",)),
        ("accounts", "user", ("view", "change")),
        ("auth", "group", ("view",)),
    ],
    JURY_GROUP: [],
}


def roles_sync_permissions(**kwargs) -> None:
    for group_name, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = Q(pk__in=[])
        for app_label, model, actions in grants:
            condition = Q(content_type__app_label=app_label) & Q(
                codename__regex=rf"^({'|'.join(actions)})_"
            )
            if model:
                condition &= Q(content_type__model=model)
            wanted |= condition
        group.permissions.set(Permission.objects.filter(wanted))
