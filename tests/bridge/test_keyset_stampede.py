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


def test_launches_waiting_for_a_failed_fetch_share_its_failure(shared_cache, monkeypatch):
    """A burst of launches on a key set that times out: one fetch, cut at its deadline,
    and every launch that waited for it gets its answer then (a 504 saying so), instead
    of fetching again one after the other, each a deadline long (issue 26, item 10)."""
    from lti_bridge.http import OutboundError
    from lti_bridge.protocol.http import FetchTimeout

    calls = []

    def times_out(url):
        calls.append(url)
        time.sleep(0.4)
        try:
            raise FetchTimeout(f"{url!r} did not answer within 0.4 seconds", 0.4)
        except FetchTimeout as exc:  # as lti_bridge.http.get_json wraps it
            raise OutboundError(str(exc)) from exc

    monkeypatch.setattr(hardening, "get_json", times_out)

    def launch(_):
        started = time.monotonic()
        with pytest.raises(errors.KeySetTimeout) as refused:
            hardening.KeySetCache(URL).get()
        return time.monotonic() - started, refused.value

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(launch, range(4)))
    assert calls == [URL]
    assert max(took for took, _ in outcomes) < 0.8  # one deadline, not four in a row
    for _, refusal in outcomes:
        assert refusal.status == 504
        assert "within 0.4 seconds" in str(refusal.message)


def test_a_slow_key_set_does_not_hold_another_key_sets_fetch(shared_cache, monkeypatch):
    """Nothing in the cache's locks is shared between key set URLs."""
    other = "https://lms.example.edu/other/jwks"
    slow_started = threading.Event()

    def get_json(url):
        if url == URL:
            slow_started.set()
            time.sleep(1.0)
        return KEY_SET

    monkeypatch.setattr(hardening, "get_json", get_json)
    slow = threading.Thread(target=hardening.KeySetCache(URL).get)
    slow.start()
    assert slow_started.wait(1)
    started = time.monotonic()
    assert hardening.KeySetCache(other).get() == KEY_SET
    assert time.monotonic() - started < 0.3
    slow.join()
