"""Authentication backends: Django's and allauth's, loading the signed-in account with
one query that also says whether its e-mail address is confirmed.

Every request of a signed-in account loads it, and voting and submitting ask whether
its address is confirmed: asking both in one statement saves a query on every vote. The
statement is written once from the model's columns and prepared by the database
(``config.db.prepared_cursor``), so that the hottest read of the site skips the ORM's
query compiler and PostgreSQL's planner.
"""

from functools import cache
from importlib import import_module

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.models import EmailAddress
from allauth.headless.internal.sessionkit import session_store
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, backends
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache as default_cache
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.http import HttpRequest

from accounts.models import User
from config.db import prepared_cursor

_FIELDS = [field.attname for field in User._meta.concrete_fields]


def _confirmed(using: str, account: str) -> str:
    """SQL: whether the address of the account aliased ``account`` is confirmed."""
    quote = connections[using].ops.quote_name
    user, address = User._meta, EmailAddress._meta
    return (
        f"EXISTS (SELECT 1 FROM {quote(address.db_table)} a "
        f"WHERE a.{quote(address.get_field('user').column)} = {account}.{quote(user.pk.column)} "
        f"AND a.{quote(address.get_field('verified').column)} "
        f"AND LOWER(a.{quote(address.get_field('email').column)}) = "
        f"LOWER({account}.{quote(user.get_field('email').column)}))"
    )


@cache
def _statement(using: str) -> str:
    quote = connections[using].ops.quote_name
    user = User._meta
    columns = ", ".join(f"u.{quote(field.column)}" for field in user.concrete_fields)
    return (
        f"SELECT {columns}, {_confirmed(using, 'u')} AS email_confirmed "
        f"FROM {quote(user.db_table)} u WHERE u.{quote(user.pk.column)} = %s"
    )


@cache
def may_vote_sql(param: str, using: str = "default") -> str:
    """SQL, true when the account whose id is the parameter ``param`` (``%(voter)s``,
    say) is active and its address confirmed: ``has_confirmed_email`` in a statement,
    for a write that must not happen otherwise."""
    quote = connections[using].ops.quote_name
    user = User._meta
    return (
        f"EXISTS (SELECT 1 FROM {quote(user.db_table)} u "
        f"WHERE u.{quote(user.pk.column)} = {param} "
        f"AND u.{quote(user.get_field('is_active').column)} AND {_confirmed(using, 'u')})"
    )


def user_with_confirmation(user_id) -> User | None:
    """The account ``user_id`` with ``_email_confirmed`` set (read by
    ``accounts.permissions.has_confirmed_email``), or None."""
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:  # a session naming no valid id is no session
        return None
    using = router.db_for_read(User)
    statement = _statement(using)
    if connections[using].vendor != "postgresql":
        # Other databases hand back raw values (dates as text): the ORM converts them.
        user = next(iter(User.objects.db_manager(using).raw(statement, [pk])), None)
        confirmed = user and user.__dict__.pop("email_confirmed")
    else:
        # psycopg hands back Python values already.
        with prepared_cursor(using) as cursor:
            cursor.execute(statement, [pk])
            row = cursor.fetchone()
        user = row and User.from_db(using, _FIELDS, row[:-1])
        confirmed = row and row[-1]
    if user:
        user._email_confirmed = bool(confirmed)
    return user or None


class _OneQueryUser:
    def get_user(self, user_id):
        user = user_with_confirmation(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_OneQueryUser, backends.ModelBackend):
    pass


class AuthenticationBackend(_OneQueryUser, AllauthBackend):
    pass


# --- The signed-in session, checked without loading its account ---------------------
#
# Django checks on every request that the session was signed in with the account's
# current password (its "session auth hash"): it reads the account for it. The vote's
# quick path keeps that check without the read, by remembering each account's hash in
# the cache. Saving an account stores its new hash at once, so a new password ends the
# other sessions at once; remembering only adds a hash where none is, so a request that
# read the account just before a change cannot put the old hash back. A change that
# skips the model's signals (``QuerySet.update``) is seen within ``SESSION_HASH_TTL``
# seconds. Whether the account is active and confirmed is not remembered: the vote's
# own statement checks it (``may_vote_sql``).

SESSION_HASH_TTL = 300


def session_hash_key(account_id: int | str) -> str:
    return f"accounts:session-hash:{account_id}"


def session_hash_remember(user: User) -> None:
    """Remember the hash of ``user`` as read by a request, unless one is remembered."""
    default_cache.add(session_hash_key(user.pk), user.get_session_auth_hash(), SESSION_HASH_TTL)


def session_hash_saved(sender=None, *, instance: User, **kwargs) -> None:
    default_cache.set(
        session_hash_key(instance.pk), instance.get_session_auth_hash(), SESSION_HASH_TTL
    )


def session_hash_forget(sender=None, *, instance: User, **kwargs) -> None:
    default_cache.delete(session_hash_key(instance.pk))


def session_account(session: SessionBase | dict) -> tuple[int, str] | None:
    """The account id a signed-in session (or its data) names, with the session's auth
    hash, when it names one through a configured backend (None otherwise). Nothing here
    says the hash is still the account's: compare it with the one remembered, or ask
    Django."""
    if session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    account_hash = session.get(HASH_SESSION_KEY)
    try:
        account_id = User._meta.pk.to_python(session.get(SESSION_KEY))
    except ValidationError:
        return None
    if account_id is None or not account_hash:
        return None
    return account_id, account_hash


# --- The account of a session, remembered -------------------------------------------
#
# A session names one account for as long as it lives (signing in starts a new session
# key), so once a request has read a session, or at sign-in, the cache may remember
# which account it names (under ``session_account_key``, for ``SESSION_ACCOUNT_TTL``
# seconds). The next request of that session then reads the session, the account's
# throttle count and its remembered hash in one cache command
# (``AccountThrottle.allow_named_account``). The session read in that command stays the
# authority: a session signed out or expired is not in the cache, and then nothing is
# counted and the request reads it as usual.

SESSION_ACCOUNT_TTL = 3600


def session_account_key(session_key: str) -> str:
    return f"accounts:session-account:{session_key}"


def session_cache_key(session_key: str, cache_alias: str) -> str | None:
    """The key under which the session engine keeps session ``session_key`` in the
    cache ``cache_alias``, or None when it keeps sessions elsewhere."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "cache_key_prefix") or cache_alias != settings.SESSION_CACHE_ALIAS:
        return None
    return store.cache_key_prefix + session_key


def session_signed_in(sender=None, *, request: HttpRequest, user: User, **kwargs) -> None:
    """At sign-in (``user_logged_in``), remember which account the new session names, as
    its first request would: its first vote is then one cache command too. (Saving the
    account's last login remembers its hash.) A session that gets its key only when it
    is saved (signing in over another account's session) is remembered by its first
    request."""
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key is not None and session_cache_key(session_key, "default") is not None:
        default_cache.set(session_account_key(session_key), user.pk, SESSION_ACCOUNT_TTL)


def session_read(session_key: str, data: dict) -> SessionBase:
    """The session ``session_key`` of the configured engine, with ``data`` as read from
    its cache (under ``session_cache_key``)."""
    session = session_store(session_key)
    session._session_cache = data  # what its first use would have loaded
    return session
