"""The cache's redis-py client is made once per connection pool, not once per operation
(cocreate.core.cache._OneClientPerPool): making one builds redis-py's table of response
callbacks, a good part of a cache read's CPU."""

from django.core.cache import cache


def test_cache_operations_share_one_redis_client():
    cache.set("client-check", 1)

    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    assert cache.get("client-check") == 1
