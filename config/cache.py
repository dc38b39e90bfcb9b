"""Django's Redis cache backend, keeping one Redis client per server.

Django's backend builds a new ``redis.Redis`` for every operation, and building one
costs redis-py about as much as the round trip itself (it rebuilds its table of
response callbacks each time; redis/redis-py#3624). Every API request reads its
session and its throttle from the cache, so that cost was paid several times per vote.
A ``redis.Redis`` is safe to share between threads: it takes a connection from its
pool for each command.

The scripts that count requests run on every API request, so they go to Redis on a
connection each thread keeps from the client's pool (``_run``): redis-py's way around a
command (its pool, retry policy, response callbacks and instrumentation) costs about
twice the command itself here. A script Redis does not know yet, or a broken connection, takes
the client's usual way, which loads the script and retries.
"""

import os
import threading
from functools import lru_cache
from typing import Any

from django.core.cache.backends import redis
from django.utils.functional import cached_property
from redis.commands.core import Script
from redis.connection import Connection, ConnectionPool
from redis.exceptions import ConnectionError, NoScriptError, TimeoutError


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    @cached_property
    def count_script(self):
        return self.get_client(write=True).register_script(_COUNT)

    @cached_property
    def count_and_get_script(self):
        return self.get_client(write=True).register_script(_COUNT_AND_GET)

    @cached_property
    def get_and_count_for_script(self):
        return self.get_client(write=True).register_script(_GET_AND_COUNT_FOR)

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients.setdefault(index, self._client(connection_pool=pool))
        return client


# Each thread keeps one connection of the pool for the scripts, as Django keeps a
# database connection per thread: taking one from redis-py's pool and giving it back
# costs about half as much as the command.
_kept = threading.local()


def _kept_connection(pool: ConnectionPool) -> Connection:
    kept = getattr(_kept, "connection", None)
    pid = os.getpid()
    if kept is None or kept[0] is not pool or kept[1] != pid:
        if kept is not None and kept[1] == pid:
            kept[0].release(kept[2])  # the pool of another cache (tests switch caches)
        kept = _kept.connection = (pool, pid, pool.get_connection())
    return kept[2]


def _run(script: Script, keys: list, args: list) -> Any:
    """``script(keys=keys, args=args)``: one ``EVALSHA`` on the thread's connection."""
    connection = _kept_connection(script.registered_client.connection_pool)
    try:
        connection.send_command("EVALSHA", script.sha, len(keys), *keys, *args)
        return connection.read_response()
    except NoScriptError:
        pass
    except (ConnectionError, TimeoutError):
        connection.disconnect()  # it connects again for its next command
    except BaseException:
        connection.disconnect()  # a reply may be left unread
        raise
    return script(keys=keys, args=args)


class RedisCache(redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient


# One command, atomic: the count, and the window's expiry set by its first hit.
_INCR = """
local function count(key, seconds)
    local n = redis.call('INCR', key)
    if n == 1 then redis.call('EXPIRE', key, seconds) end
    return n
end
"""
_COUNT = _INCR + "return count(KEYS[1], ARGV[1])"
_COUNT_AND_GET = (
    _INCR
    + """
if KEYS[3] then redis.call('SET', KEYS[3], ARGV[2], 'NX', 'EX', ARGV[3]) end
return {count(KEYS[1], ARGV[1]), redis.call('GET', KEYS[2])}
"""
)
# The keys named after the id read from KEYS[2] are built here, so the script names keys
# it was not given: right for one Redis server (or a primary and its replicas, as
# Django's backend takes them), not for Redis Cluster.
_GET_AND_COUNT_FOR = (
    _INCR
    + """
local value = redis.call('GET', KEYS[1])
if not value then return false end
local ident = redis.call('GET', KEYS[2])
if not ident then return {value} end
return {
    value,
    ident,
    count(ARGV[2] .. ident .. ARGV[3], ARGV[1]),
    redis.call('GET', ARGV[4] .. ident .. ARGV[5]),
}
"""
)

# Where the id goes in the keys given to ``get_and_count_for``.
IDENT = "{ident}"


def count_in_window(cache, key: str, seconds: int) -> int:
    """Count one more hit on ``key`` in a window of ``seconds`` that opens at its
    first hit, and give the count so far. On Redis this is one command; other caches
    take two."""
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        return _run(cache._cache.count_script, [full_key], [seconds])
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, seconds)
        return 1


def count_in_window_and_get(
    cache, key: str, seconds: int, other_key: str, add: tuple[str, Any, int] | None = None
) -> tuple[int, Any]:
    """``count_in_window``, and the value cached under ``other_key`` (None if none): on
    Redis in the same command, which also caches ``add`` (key, value, timeout) unless
    its key holds a value."""
    if not isinstance(cache, RedisCache):
        if add is not None:
            cache.add(*add)
        return count_in_window(cache, key, seconds), cache.get(other_key)
    client = cache._cache
    keys = [cache.make_and_validate_key(key), cache.make_and_validate_key(other_key)]
    args = [seconds]
    if add is not None:
        keys.append(cache.make_and_validate_key(add[0]))
        args += [client._serializer.dumps(add[1]), add[2]]
    count, value = _run(client.count_and_get_script, keys, args)
    return count, None if value is None else client._serializer.loads(value)


@lru_cache(maxsize=64)
def _around_ident(cache, *keys: str) -> list[str] | None:
    """The cache's full form of each of ``keys``, split around ``IDENT``, one after the
    other; None if a KEY_FUNCTION hides ``IDENT``. A cache is set up once per process
    and the keys are the callers' constants."""
    parts = [part for key in keys for part in cache.make_and_validate_key(key).split(IDENT)]
    return parts if len(parts) == 2 * len(keys) else None


def get_and_count_for(
    cache, key: str, ident_key: str, count_key: str, seconds: int, other_key: str
) -> tuple[Any, str | None, int | None, Any]:
    """The value under ``key`` and, with the id cached under ``ident_key`` (an integer,
    which the Redis serializer keeps as digits) put in place of ``IDENT`` in the other
    two keys, ``count_in_window`` of ``count_key`` and the value under ``other_key``: on
    Redis in one command. Without an id, the value alone and nothing counted: (value,
    None, None, None); without the value, nothing at all (None, None, None, None)."""
    if isinstance(cache, RedisCache):
        around = _around_ident(cache, count_key, other_key)
        if around is not None:
            client = cache._cache
            found = _run(
                client.get_and_count_for_script,
                # Not validated: the keys of every API request, and validating only warns
                # of what memcached would refuse.
                [cache.make_key(key), cache.make_key(ident_key)],
                [seconds, *around],
            )
            if not found:
                return None, None, None, None
            loads = client._serializer.loads
            if len(found) == 1:
                return loads(found[0]), None, None, None
            value, ident, count, other = found
            return loads(value), ident.decode(), count, None if other is None else loads(other)
    value = cache.get(key)
    ident = None if value is None else cache.get(ident_key)
    if ident is None:
        return value, None, None, None
    ident = str(ident)
    count = count_in_window(cache, count_key.replace(IDENT, ident), seconds)
    return value, ident, count, cache.get(other_key.replace(IDENT, ident))


def window_left(cache, key: str, seconds: int) -> float:
    """Seconds until the window of ``key`` closes (the whole window where the cache
    cannot tell)."""
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        left_ms = cache._cache.get_client(full_key).pttl(full_key)
        return max(left_ms, 0) / 1000 if left_ms >= 0 else float(seconds)
    return float(seconds)
