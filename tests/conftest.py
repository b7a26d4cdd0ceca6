"""Fixtures shared by the test files (helpers that are not fixtures live in tests/helpers.py)."""

import pytest
import torch

from imbalance_lab.data.idx import load_split


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread():
    """One torch thread for in-process training: tiny runs on a busy 2-core machine (two pytest
    workers) are several times faster without thread contention."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def fresh_load_cache():
    """Empties load_split's per-process cache before and after a test that writes, breaks or
    monkeypatches data files, so that it never sees another test's reads."""
    load_split.cache_clear()
    yield
    load_split.cache_clear()
