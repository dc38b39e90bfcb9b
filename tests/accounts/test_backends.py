import pytest
from allauth.account.models import EmailAddress

from accounts.backends import user_with_confirmation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_account_comes_with_its_address_check(django_assert_num_queries):
    confirmed = UserFactory(email_confirmed=True)
    unconfirmed = UserFactory()

    with django_assert_num_queries(2):
        loaded = [user_with_confirmation(confirmed.pk), user_with_confirmation(unconfirmed.pk)]

    assert loaded == [confirmed, unconfirmed]
    assert [user._email_confirmed for user in loaded] == [True, False]
    assert loaded[0].email == confirmed.email
    assert loaded[0].password == confirmed.password


def test_only_the_accounts_own_confirmed_address_counts():
    user = UserFactory(email="Ada@Example.org")
    EmailAddress.objects.create(user=user, email="other@example.org", verified=True)
    assert user_with_confirmation(user.pk)._email_confirmed is False

    EmailAddress.objects.create(user=user, email="ada@example.org", verified=True)
    assert user_with_confirmation(user.pk)._email_confirmed is True


@pytest.mark.parametrize("user_id", [999_999, "not a number", None])
def test_no_account_for_an_unknown_or_invalid_id(user_id):
    assert user_with_confirmation(user_id) is None
