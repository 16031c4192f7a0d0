"""The hourly allowances in the shared cache (familielos/ratelimit.py)."""

import time
from types import SimpleNamespace

import pytest
from django.db import connection

from familielos import ratelimit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def test_spend__within_the_limit__true_then_false():
    assert [ratelimit.spend("test", "10.0.0.1", 2) for _ in range(4)] == [True, True, False, False]


def test_spend__other_value_or_scope__has_its_own_allowance():
    assert ratelimit.spend("test", "10.0.0.1", 1)
    assert not ratelimit.spend("test", "10.0.0.1", 1)
    assert ratelimit.spend("test", "10.0.0.2", 1)
    assert ratelimit.spend("other", "10.0.0.1", 1)


def test_spend__next_window__allowance_is_whole_again(monkeypatch):
    now = time.time()
    assert ratelimit.spend("test", "10.0.0.1", 1)
    assert not ratelimit.spend("test", "10.0.0.1", 1)
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now + 3600))
    assert ratelimit.spend("test", "10.0.0.1", 1)


def test_spend__stores_no_raw_value():
    ratelimit.spend("test", "10.0.0.1", 1)
    ratelimit.spend("test", "kari@example.no", 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM familielos_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert len(keys) == 2
    assert not [key for key in keys if "10.0.0.1" in key or "kari" in key]


def test_seconds_left__until_the_window_ends(monkeypatch):
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 3600.0 * 5 + 600))
    assert ratelimit.seconds_left() == 3000
