"""Pausing the cyclic garbage collector: process-wide, so overlapping pauses must nest."""

from __future__ import annotations

import gc
import threading

import pytest

from fengong.gcpause import cycles_uncollected


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    yield
    gc.enable()


def _paused_in_thread(entered: threading.Event, leave: threading.Event) -> threading.Thread:
    def run():
        with cycles_uncollected():
            entered.set()
            leave.wait(10)

    t = threading.Thread(target=run)
    t.start()
    assert entered.wait(10)
    return t


def test_the_first_pause_to_end_does_not_end_another_threads_pause():
    entered, leave = threading.Event(), threading.Event()
    other = _paused_in_thread(entered, leave)
    with cycles_uncollected():
        assert not gc.isenabled()
        leave.set()
        other.join(10)
        assert not gc.isenabled()  # the other thread's pause ended, this one goes on
    assert gc.isenabled()


def test_the_last_pause_to_end_restores_the_collector_whichever_thread_began():
    entered, leave = threading.Event(), threading.Event()
    other = _paused_in_thread(entered, leave)
    with cycles_uncollected():
        pass
    assert not gc.isenabled()  # the other thread is still inside its pause
    leave.set()
    other.join(10)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off_and_an_error_still_ends_the_pause():
    gc.disable()
    with cycles_uncollected():
        pass
    assert not gc.isenabled()
    gc.enable()
    with pytest.raises(ValueError), cycles_uncollected():
        raise ValueError
    assert gc.isenabled()


def test_an_explicit_collection_still_frees_cycles_during_a_pause():
    import weakref

    class Node:
        pass

    with cycles_uncollected():
        node = Node()
        node.me = node
        ref = weakref.ref(node)
        del node
        gc.collect(0)  # an explicit collection still runs: only the automatic ones pause
    assert ref() is None
