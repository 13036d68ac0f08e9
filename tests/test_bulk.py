"""Bulk work pauses the cycle collector and always hands it back as it found it."""

from __future__ import annotations

import gc

import pytest

from reformboard.bulk import cycle_collection_paused


@pytest.fixture(autouse=True)
def collector_restored():
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_inside_and_on_again_after():
    gc.enable()
    with cycle_collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_is_on_again_after_an_error_too():
    gc.enable()
    with pytest.raises(ValueError), cycle_collection_paused():
        raise ValueError
    assert gc.isenabled()


def test_nested_pauses_leave_the_re_enabling_to_the_outermost():
    gc.enable()
    with cycle_collection_paused():
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_someone_else_disabled_stays_disabled():
    gc.disable()
    with cycle_collection_paused():
        pass
    assert not gc.isenabled()
