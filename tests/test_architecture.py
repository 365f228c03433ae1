"""The engines never import Qt, pyqtgraph or click (they must run without a UI)."""

from __future__ import annotations

import ast
from pathlib import Path

import engines

FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "superqt", "qtpy", "click")


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_engines_import_no_ui_modules():
    files = sorted(Path(engines.__file__).parent.rglob("*.py"))
    assert len(files) > 5
    offenders = {
        str(f): sorted(imported_roots(f) & set(FORBIDDEN))
        for f in files
        if imported_roots(f) & set(FORBIDDEN)
    }
    assert offenders == {}


def test_checker_catches_a_forbidden_import(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6 import QtCore\nimport click\n")
    assert imported_roots(sample) & set(FORBIDDEN) == {"PySide6", "click"}
