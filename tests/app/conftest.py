"""CLI test helpers: run ``gasworks`` in-process through click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from app.cli import main


@pytest.fixture
def gasworks():
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        result.json = None
        if "--json" in args and result.exit_code == 0:
            result.json = json.loads(result.stdout)
        return result

    return invoke
