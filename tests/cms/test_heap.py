"""cms/heap.py: a server process sets its loaded site aside from the garbage collector, and still collects what
requests leave behind."""

import gc
import os
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from cms.heap import freeze_startup_heap

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def frozen():
    try:
        yield freeze_startup_heap()
    finally:
        gc.unfreeze()  # the rest of the suite collects as before


class _Node:
    pass


def test_the_loaded_site_is_frozen_and_a_full_collection_no_longer_walks_it(frozen):
    assert frozen > 100_000  # Django, Wagtail, every view module
    assert gc.get_freeze_count() > 100_000  # less the frozen objects freed since by their reference counts
    tracked = len(gc.get_objects())
    assert tracked < frozen / 10


def test_cycles_made_after_the_freeze_are_still_collected(frozen):
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    del first, second
    gc.collect()
    assert gone() is None


def test_every_server_process_freezes_it_when_the_site_is_loaded():
    """gunicorn loads `cms.wsgi`: the freeze is part of loading it."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test"}
    result = subprocess.run(  # noqa: S603  # nosec B603  # argv built in code, no shell
        [sys.executable, "-c", "import gc, cms.wsgi; print(gc.get_freeze_count())"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert int(result.stdout.split()[-1]) > 100_000
