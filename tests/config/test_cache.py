import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache

from config.cache import (
    IDENT,
    RedisCache,
    count_in_window,
    count_in_window_and_get,
    get_and_count_for,
    window_left,
)

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


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request):
    if request.param == "redis":
        return request.getfixturevalue("redis_cache")
    return LocMemCache(uuid.uuid4().hex, {})  # a store of its own (by name)


def get_and_count_for_client(cache):
    return get_and_count_for(
        cache, "session", "session-account", f"count:{IDENT}", 60, f"hash:{IDENT}"
    )


def test_reads_counts_and_reads_for_the_id_it_finds(any_cache):
    any_cache.set("session", {"signed in": True})
    any_cache.set("session-account", 42)
    any_cache.set("hash:42", "the hash")

    first = get_and_count_for_client(any_cache)
    second = get_and_count_for_client(any_cache)

    assert first == ({"signed in": True}, "42", 1, "the hash")
    assert second == ({"signed in": True}, "42", 2, "the hash")
    assert any_cache.get("count:42") == 2
    assert 59 < window_left(any_cache, "count:42", 60) <= 60


def test_reads_none_for_an_id_without_a_value(any_cache):
    any_cache.set("session", {"signed in": True})
    any_cache.set("session-account", 42)

    assert get_and_count_for_client(any_cache) == ({"signed in": True}, "42", 1, None)


def test_reads_the_value_alone_and_counts_nothing_without_an_id(any_cache):
    any_cache.set("session", {"signed in": True})

    assert get_and_count_for_client(any_cache) == ({"signed in": True}, None, None, None)
    assert any_cache.get("count:42") is None


def test_reads_and_counts_nothing_without_the_value(any_cache):
    any_cache.set("session-account", 42)

    assert get_and_count_for_client(any_cache) == (None, None, None, None)
    assert any_cache.get("count:42") is None


def test_counting_can_also_add_a_value(any_cache):
    any_cache.set("kept", "first")

    count_in_window_and_get(any_cache, "client", 60, "other", add=("added", 42, 60))
    count_in_window_and_get(any_cache, "client", 60, "other", add=("kept", "second", 60))

    assert any_cache.get("added") == 42
    assert any_cache.get("kept") == "first"
    assert any_cache.get("client") == 2
