"""A cold burst of launches fetches the platform's key set once (issue 15): the threads of
a process wait for one fetch, other processes wait for the fetch one of them holds in the
shared cache, and a fetcher that fails does not leave the others waiting."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from lti_bridge.launch import errors, hardening

URL = "https://lms.example.edu/jwks"
KEY_SET = {"keys": [{"kty": "RSA", "kid": "k1", "n": "AQAB", "e": "AQAB"}]}


@pytest.fixture
def shared_cache(settings):
    """The bridge's cache alone in a local-memory cache: these tests need no database."""
    settings.CACHES = {
        **settings.CACHES,
        "keyset-test": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "CACHE": "keyset-test"}
    from django.core.cache import caches

    caches["keyset-test"].clear()
    return caches["keyset-test"]


@pytest.fixture
def platform_keys(monkeypatch):
    """The platform's key set endpoint, slow as a busy LMS; counts its requests."""
    calls = []
    lock = threading.Lock()

    def get_json(url, delay=0.3):
        with lock:
            calls.append(url)
        time.sleep(delay)
        return KEY_SET

    monkeypatch.setattr(hardening, "get_json", get_json)
    return calls


def test_sixteen_cold_launches_at_once_fetch_the_key_set_once(shared_cache, platform_keys):
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: hardening.KeySetCache(URL).get(), range(16)))
    assert results == [KEY_SET] * 16
    assert platform_keys == [URL]


def test_a_fetch_under_way_in_another_process_is_waited_for(shared_cache, platform_keys):
    cache = hardening.KeySetCache(URL)
    shared_cache.add(cache.lock_key, 1, 30)  # another process took the fetch

    def other_process_stores_it():
        time.sleep(0.2)
        shared_cache.set(cache.key, KEY_SET, 60)
        shared_cache.delete(cache.lock_key)

    threading.Thread(target=other_process_stores_it).start()
    assert cache.get() == KEY_SET
    assert platform_keys == []  # served by the other process's fetch


def test_when_the_other_fetch_fails_this_launch_fetches(shared_cache, platform_keys):
    cache = hardening.KeySetCache(URL)
    shared_cache.add(cache.lock_key, 1, 30)
    threading.Timer(0.2, shared_cache.delete, args=[cache.lock_key]).start()  # gave up
    assert cache.get() == KEY_SET
    assert platform_keys == [URL]


def test_a_failed_fetch_releases_the_lock_and_says_why(shared_cache, monkeypatch):
    from lti_bridge.http import OutboundError

    def unreachable(url):
        raise OutboundError("connect timeout")

    monkeypatch.setattr(hardening, "get_json", unreachable)
    cache = hardening.KeySetCache(URL)
    with pytest.raises(errors.KeySetUnavailable, match="connect timeout"):
        cache.get()
    assert shared_cache.get(cache.lock_key) is None  # the next launch may try at once
