"""The session tokens of django-allauth's headless API (``X-Session-Token``)."""

from importlib import import_module

from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy as Strategy
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase


class SessionTokenStrategy(Strategy):
    """allauth's, reading the token's session once: allauth asks the session store
    whether the session exists and then loads it, two reads of the cache (or the
    database) on every request that carries a token."""

    def lookup_session(self, session_token: str) -> SessionBase | None:
        session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_token)
        # Loads it: a missing or expired session forgets its key.
        session.get(SESSION_KEY)
        return session if session.session_key else None
