"""Staff cannot raise themselves: in the admin, only a superuser grants superuser or
staff status, roles or permissions, and edits an account that holds a role."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def change_url(account: User) -> str:
    return f"/admin/accounts/user/{account.pk}/change/"


@pytest.fixture
def member():
    """A Secretariat member with two-factor authentication, not a superuser."""
    return UserFactory(
        email="member@example.org",
        is_staff=True,
        email_confirmed=True,
        mfa=True,
        roles=["Secretariat"],
    )


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def voter():
    return UserFactory(email="voter@example.org", name="Vera Voter", email_confirmed=True)


def form_data(client, account: User, **changes) -> dict:
    """What the change form posts: its fields as shown, with ``changes``."""
    form = client.get(change_url(account)).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name, field.initial)
        if name in ("last_login", "date_joined"):
            if value:
                data[f"{name}_0"] = value.strftime("%Y-%m-%d")
                data[f"{name}_1"] = value.strftime("%H:%M:%S")
            continue
        if value is None or value is False:
            continue
        data[name] = value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def raise_to_superuser(client, account: User):
    secretariat = Group.objects.get(name="Secretariat")
    permission = Permission.objects.get(codename="delete_user")
    return client.post(
        change_url(account),
        form_data(
            client,
            account,
            name="Renamed",
            is_staff="on",
            is_superuser="on",
            groups=[secretariat.pk],
            user_permissions=[permission.pk],
        ),
    )


def test_a_member_sees_the_role_fields_read_only(member_client, voter):
    response = member_client.get(change_url(voter))

    assert response.status_code == 200
    form = response.context["adminform"].form
    for name in ("is_staff", "is_superuser", "groups", "user_permissions"):
        assert name not in form.fields
    assert "name" in form.fields
    assert "Only a superuser grants staff or superuser status" in response.content.decode()


def test_a_crafted_post_by_a_member_grants_nothing(member_client, voter):
    response = raise_to_superuser(member_client, voter)

    assert response.status_code == 302
    voter.refresh_from_db()
    assert voter.name == "Renamed"  # the rest of the form is saved
    assert (voter.is_staff, voter.is_superuser) == (False, False)
    assert not voter.groups.exists()
    assert not voter.user_permissions.exists()


def test_a_member_cannot_raise_itself(member_client, member):
    response = raise_to_superuser(member_client, member)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_superuser is False
    assert list(member.groups.values_list("name", flat=True)) == ["Secretariat"]
    assert not member.user_permissions.exists()


@pytest.mark.parametrize(
    "holder",
    [
        {"is_staff": True, "is_superuser": True},
        {"is_staff": True, "roles": ["Secretariat"]},
        {"roles": ["Jury"]},
    ],
    ids=["superuser", "other secretariat member", "jury member"],
)
def test_a_member_cannot_edit_an_account_with_a_role(member_client, holder):
    account = UserFactory(email="holder@example.org", email_confirmed=True, mfa=True, **holder)
    before = (account.email, account.is_superuser, account.is_staff)

    shown = member_client.get(change_url(account))
    changed = member_client.post(
        change_url(account), {"email": "taken@example.org", "name": "Taken over"}
    )
    password = member_client.post(
        f"/admin/accounts/user/{account.pk}/password/",
        {"password1": "a new password 123", "password2": "a new password 123"},
    )

    assert shown.status_code == 200  # to read, without a save button
    assert 'name="_save"' not in shown.content.decode()
    assert changed.status_code == 403
    assert password.status_code == 403
    account.refresh_from_db()
    assert (account.email, account.is_superuser, account.is_staff) == before
    assert account.check_password("correct horse battery")


def test_a_member_is_offered_no_bulk_deletion_of_accounts(member_client, voter):
    response = member_client.get("/admin/accounts/user/")

    assert response.status_code == 200
    assert "delete_selected" not in response.content.decode()


def test_a_member_cannot_add_or_change_groups(member_client):
    group = Group.objects.get(name="Jury")
    permission = Permission.objects.get(codename="change_user")

    listed = member_client.get("/admin/auth/group/")
    added = member_client.post("/admin/auth/group/add/", {"name": "Admins", "permissions": []})
    changed = member_client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {"name": "Jury", "permissions": [permission.pk]},
    )

    assert listed.status_code == 200
    assert (added.status_code, changed.status_code) == (403, 403)
    assert not Group.objects.filter(name="Admins").exists()
    assert not group.permissions.exists()


def test_a_superuser_grants_roles(admin_client, voter):
    response = raise_to_superuser(admin_client, voter)

    assert response.status_code == 302
    voter.refresh_from_db()
    assert (voter.is_staff, voter.is_superuser) == (True, True)
    assert list(voter.groups.values_list("name", flat=True)) == ["Secretariat"]


def test_a_superuser_edits_groups(admin_client):
    permission = Permission.objects.get(codename="view_user")
    group = Group.objects.get(name="Jury")

    response = admin_client.post(
        f"/admin/auth/group/{group.pk}/change/", {"name": "Jury", "permissions": [permission.pk]}
    )

    assert response.status_code == 302
    assert list(group.permissions.all()) == [permission]
