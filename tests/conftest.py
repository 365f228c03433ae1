"""Shared test set-up: Qt runs offscreen, and a few generated image files."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(scope="session", autouse=True)
def compiled_kernels():
    """Compile every engine's kernels (or load them from Numba's cache) once per test
    process, before any test runs: a test that waits on a run never waits on a compile,
    however cold the cache and busy the machine."""
    from engines.registry import warm_up_all

    warm_up_all()
