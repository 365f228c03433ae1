"""engines.hopfield stays free of front-end imports; the CLI command stays light."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FRONT_END = ("click", "PySide6", "pyqtgraph", "superqt")
HEAVY = ("torch", "PySide6", "numba", "skimage", "matplotlib", "scipy", "sklearn")


def modules_after(code: str) -> set[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return {name.split(".")[0] for name in json.loads(out.strip().splitlines()[-1])}


def test_engine_package_imports_no_front_end_and_no_heavy_module():
    loaded = modules_after("import engines.hopfield")
    assert not loaded & set(FRONT_END)
    assert not loaded & set(HEAVY)


def test_montecarlo_command_imports_nothing_heavy():
    loaded = modules_after(
        "from app.cli import main\n"
        "main(['hopfield', 'montecarlo', '--trials', '20', '--seed', '1', '--json'],"
        " standalone_mode=False)"
    )
    assert "numpy" in loaded and "engines" in loaded
    assert not loaded & set(HEAVY)
