"""Bulk work pauses the cycle collector and always hands it back as it found it; what imports bring is
frozen out of its reach once."""

from __future__ import annotations

import gc
import sys
import types

import pytest

from reformboard.bulk import cycle_collection_paused, freeze_imports

FRESH = "reformboard_test_fresh_module"


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


def test_the_heap_is_frozen_only_after_modules_were_imported() -> None:
    gc.unfreeze()
    try:
        freeze_imports()  # modules were imported since the process began
        frozen = gc.get_freeze_count()
        assert frozen > 0
        made_since = [[] for _ in range(1000)]
        freeze_imports()  # nothing imported since: what was made since stays collectable
        assert gc.get_freeze_count() == frozen
        sys.modules[FRESH] = types.ModuleType(FRESH)  # as an import adds it
        freeze_imports()
        assert gc.get_freeze_count() >= frozen + len(made_since)
    finally:
        sys.modules.pop(FRESH, None)
        gc.unfreeze()
