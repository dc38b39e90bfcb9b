import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache

from config.cache import RedisCache, count_in_window, count_in_window_and_get, window_left

REDIS = "redis://127.0.0.1:6379/15"


def test_the_redis_cache_keeps_one_client_per_server():
    cache = RedisCache(REDIS, {})

    # No connection is made to build a client; every operation shares this one.
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


def test_counts_in_a_window_without_redis():
    cache = LocMemCache("counts", {})

    counts = [count_in_window(cache, "client", 60) for _ in range(3)]

    assert counts == [1, 2, 3]
    assert count_in_window(cache, "another-client", 60) == 1
    assert window_left(cache, "client", 60) == 60


def test_counts_and_reads_another_key_without_redis():
    cache = LocMemCache("counts-and-reads", {})
    cache.set("other", "a value")

    assert count_in_window_and_get(cache, "client", 60, "other") == (1, "a value")
    assert count_in_window_and_get(cache, "client", 60, "missing") == (2, None)


@pytest.fixture
def redis_cache():
    # Keys of its own, which expire: parallel test runs share the server.
    cache = RedisCache(REDIS, {"KEY_PREFIX": uuid.uuid4().hex})
    try:
        cache.get("probe")
    except Exception as error:
        pytest.skip(f"needs Redis on 127.0.0.1:6379 ({error})")
    return cache


def test_counts_in_a_window_on_redis(redis_cache):
    counts = [count_in_window(redis_cache, "client", 60) for _ in range(3)]

    assert counts == [1, 2, 3]
    assert count_in_window(redis_cache, "another-client", 60) == 1
    assert 59 < window_left(redis_cache, "client", 60) <= 60
    # The count is a plain number in the cache, as Django's incr() keeps it.
    assert redis_cache.get("client") == 3


def test_counts_and_reads_another_key_on_redis(redis_cache):
    redis_cache.set("other", "a value")

    assert count_in_window_and_get(redis_cache, "client", 60, "other") == (1, "a value")
    assert count_in_window_and_get(redis_cache, "client", 60, "missing") == (2, None)
    assert 59 < window_left(redis_cache, "client", 60) <= 60
