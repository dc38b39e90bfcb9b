"""Django's Redis cache, made to degrade instead of failing while Redis is unreachable.

``RedisCache`` is Django's own backend with one change: when Redis cannot be reached
(``redis.exceptions.ConnectionError`` or ``TimeoutError``) a call is answered by a
stand-in instead of raising, chosen by ``OPTIONS["WHEN_UNREACHABLE"]``:

- ``"memory"`` (the default cache): a local-memory cache of this process, so that DRF's
  throttles, allauth's rate limits and the one-time codes' "used" marks keep counting,
  per process, instead of failing open or answering 500;
- ``"miss"`` (the sessions' cache): Django's dummy cache, every read a miss and every
  write a no-op, so that ``cached_db`` sessions (and the API's session tokens) come
  from the database alone and no process serves a session another one deleted.

After a failure the process leaves Redis alone for ``RETRY_AFTER`` seconds (a circuit
breaker shared by the threads of the process), so an outage costs one connection
attempt per interval, not a connect timeout per call; the outage and the recovery are
logged once each. Every key written or deleted while Redis was unreachable is
remembered, and deleted from Redis before the process reads from it again: a session
ended during the outage (logout, password change) does not come back from a Redis that
kept its data. Another process that did not write that key may read the old entry until
this one has been back for ``RETRY_AFTER`` seconds and served a request; sessions also
check the user's password hash, so a changed password never lets a stale session in.

Only public APIs: Django's cache classes and redis-py's exceptions and ``Retry``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# Past this many keys written during one outage the rest are not remembered (and the
# log says so): a bound on the memory an outage can take.
REMEMBER_AT_MOST = 100_000
MEMORY_ENTRIES = 20_000

CONNECTION_DEFAULTS = {
    # Redis answers in well under a millisecond when it is there: waiting longer than
    # this only delays the fallback.
    "socket_connect_timeout": 0.5,
    "socket_timeout": 1.0,
    # One immediate reconnection when a pooled connection turns out to be closed (Redis
    # restarted), so that a restart is not taken for an outage; none on a timeout.
    "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
}


class _Outage:
    """What this process knows about one Redis server, shared by its threads."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.recovering = False
        self.stale: set[tuple[int | None, str]] = set()
        self.clear_pending = False
        self.forgotten = 0

    def skip_redis(self) -> bool:
        """Whether a call must not try Redis: it is down and not due for a retry, or
        another thread is replaying what was written meanwhile."""
        return self.down_since is not None and (self.recovering or time.monotonic() < self.retry_at)

    def went_down(self, error: Exception, retry_after: float) -> None:
        with self.lock:
            now = time.monotonic()
            self.retry_at = now + retry_after
            first = self.down_since is None
            if first:
                self.down_since = now
        if first:
            logger.warning(
                "Redis at %s is unreachable (%s): sessions come from the database and "
                "counts are kept in each process until it answers again.",
                self.location,
                error,
            )

    def remember(self, keys: Iterable[Any], version: int | None) -> None:
        with self.lock:
            for key in keys:
                if len(self.stale) >= REMEMBER_AT_MOST:
                    self.forgotten += 1
                else:
                    self.stale.add((version, str(key)))


_outages: dict[tuple[str, str], _Outage] = {}
_outages_lock = threading.Lock()


def _readable(location: str) -> str:
    """The server's address without its password, for the log."""
    parts = urlsplit(location.split(",")[0].split(";")[0])
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}:{parts.port or 6379}{parts.path}"


class RedisCache(DjangoRedisCache):
    """Django's Redis cache that answers from a stand-in while Redis is unreachable."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        when_unreachable = options.pop("WHEN_UNREACHABLE", "memory")
        self.retry_after = float(options.pop("RETRY_AFTER", 2.0))
        options = {**CONNECTION_DEFAULTS, **options}
        super().__init__(server, {**params, "OPTIONS": options})

        location = server if isinstance(server, str) else ",".join(server)
        with _outages_lock:
            self.outage = _outages.setdefault(
                (location, self.key_prefix), _Outage(_readable(location))
            )
        stand_in_params = {
            "TIMEOUT": self.default_timeout,
            "KEY_PREFIX": self.key_prefix,
            "VERSION": self.version,
            "KEY_FUNCTION": params.get("KEY_FUNCTION"),
            "OPTIONS": {"MAX_ENTRIES": MEMORY_ENTRIES},
        }
        if when_unreachable == "memory":
            # Named after the server: the threads of the process share one memory.
            self.stand_in = LocMemCache(f"unreachable:{location}", stand_in_params)
        elif when_unreachable == "miss":
            self.stand_in = DummyCache(location, stand_in_params)
        else:
            raise ValueError(f"WHEN_UNREACHABLE={when_unreachable!r}: use 'memory' or 'miss'.")

    # The calls, each to Redis or, while it is unreachable, to the stand-in.

    def _either(
        self,
        on_redis: Callable[[], Any],
        on_stand_in: Callable[[], Any],
        *,
        writes: Iterable[Any] = (),
        version: int | None = None,
    ) -> Any:
        outage = self.outage
        if not outage.skip_redis():
            try:
                if outage.down_since is None or self._recover():
                    return on_redis()
            except UNREACHABLE as error:
                outage.went_down(error, self.retry_after)
        if writes:
            outage.remember(writes, version)
        return on_stand_in()

    def _recover(self) -> bool:
        """Replay what was written during the outage (delete those keys from Redis),
        then use Redis again. False while another thread is replaying; raises if Redis
        is still unreachable."""
        outage = self.outage
        with outage.lock:
            if outage.down_since is None:
                return True
            if outage.recovering:
                return False
            outage.recovering = True
            stale, outage.stale = outage.stale, set()
            clear_pending, outage.clear_pending = outage.clear_pending, False
        try:
            if clear_pending:
                super().clear()
            by_version: dict[int | None, list[str]] = {}
            for version, key in stale:
                by_version.setdefault(version, []).append(key)
            for version, keys in by_version.items():
                for start in range(0, len(keys), 1000):
                    super().delete_many(keys[start : start + 1000], version=version)
        except BaseException:
            with outage.lock:
                outage.stale |= stale
                outage.clear_pending |= clear_pending
                outage.recovering = False
            raise
        with outage.lock:
            took = time.monotonic() - (outage.down_since or time.monotonic())
            forgotten, outage.forgotten = outage.forgotten, 0
            outage.down_since = None
            outage.recovering = False
        # What the stand-in counted belongs to the outage.
        self.stand_in.clear()
        logger.warning(
            "Redis at %s answers again after %.1f s; %d keys written meanwhile were "
            "deleted from it%s.",
            outage.location,
            took,
            len(stale),
            f" ({forgotten} more were not remembered and may be stale until they expire)"
            if forgotten
            else "",
        )
        return True

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either(
            lambda: super(RedisCache, self).add(key, value, timeout, version),
            lambda: self.stand_in.add(key, value, timeout, version),
            writes=[key],
            version=version,
        )

    def get(self, key, default=None, version=None):
        return self._either(
            lambda: super(RedisCache, self).get(key, default, version),
            lambda: self.stand_in.get(key, default, version),
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either(
            lambda: super(RedisCache, self).set(key, value, timeout, version),
            lambda: self.stand_in.set(key, value, timeout, version),
            writes=[key],
            version=version,
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either(
            lambda: super(RedisCache, self).touch(key, timeout, version),
            lambda: self.stand_in.touch(key, timeout, version),
            writes=[key],
            version=version,
        )

    def delete(self, key, version=None):
        return self._either(
            lambda: super(RedisCache, self).delete(key, version),
            lambda: self.stand_in.delete(key, version),
            writes=[key],
            version=version,
        )

    def get_many(self, keys, version=None):
        return self._either(
            lambda: super(RedisCache, self).get_many(keys, version),
            lambda: self.stand_in.get_many(keys, version),
        )

    def has_key(self, key, version=None):
        return self._either(
            lambda: super(RedisCache, self).has_key(key, version),
            lambda: self.stand_in.has_key(key, version),
        )

    def incr(self, key, delta=1, version=None):
        return self._either(
            lambda: super(RedisCache, self).incr(key, delta, version),
            lambda: self.stand_in.incr(key, delta, version),
            writes=[key],
            version=version,
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either(
            lambda: super(RedisCache, self).set_many(data, timeout, version),
            lambda: self.stand_in.set_many(data, timeout, version),
            writes=list(data),
            version=version,
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._either(
            lambda: super(RedisCache, self).delete_many(keys, version),
            lambda: self.stand_in.delete_many(keys, version),
            writes=keys,
            version=version,
        )

    def clear(self):
        def on_stand_in():
            with self.outage.lock:
                self.outage.clear_pending = True
                self.outage.stale.clear()
            return self.stand_in.clear()

        return self._either(lambda: super(RedisCache, self).clear(), on_stand_in)
