"""Django's Redis cache backend, keeping one Redis client per server.

Django's backend builds a new ``redis.Redis`` for every operation, and building one
costs redis-py about as much as the round trip itself (it rebuilds its table of
response callbacks each time; redis/redis-py#3624). Every API request reads its
session and its throttle from the cache, so that cost was paid several times per vote.
A ``redis.Redis`` is safe to share between threads: it takes a connection from its
pool for each command.
"""

from typing import Any

from django.core.cache.backends import redis
from django.utils.functional import cached_property


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

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients.setdefault(index, self._client(connection_pool=pool))
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient


# One command, atomic: the count, and the window's expiry set by its first hit.
_INCR = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
"""
_COUNT = _INCR + "return count"
_COUNT_AND_GET = _INCR + "return {count, redis.call('GET', KEYS[2])}"


def count_in_window(cache, key: str, seconds: int) -> int:
    """Count one more hit on ``key`` in a window of ``seconds`` that opens at its
    first hit, and give the count so far. On Redis this is one command; other caches
    take two."""
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        return cache._cache.count_script(keys=[full_key], args=[seconds])
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, seconds)
        return 1


def count_in_window_and_get(cache, key: str, seconds: int, other_key: str) -> tuple[int, Any]:
    """``count_in_window``, and the value cached under ``other_key`` (None if none): on
    Redis in the same command."""
    if not isinstance(cache, RedisCache):
        return count_in_window(cache, key, seconds), cache.get(other_key)
    client = cache._cache
    count, value = client.count_and_get_script(
        keys=[cache.make_and_validate_key(key), cache.make_and_validate_key(other_key)],
        args=[seconds],
    )
    return count, None if value is None else client._serializer.loads(value)


def window_left(cache, key: str, seconds: int) -> float:
    """Seconds until the window of ``key`` closes (the whole window where the cache
    cannot tell)."""
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        left_ms = cache._cache.get_client(full_key).pttl(full_key)
        return max(left_ms, 0) / 1000 if left_ms >= 0 else float(seconds)
    return float(seconds)
