"""torch's native library loaded without the GIL before the window's imports."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="dlopen on Linux")


def test_preload_loads_torch_library_and_torch_imports_after():
    # A fresh process: torch is imported once per process.
    code = textwrap.dedent(
        """
        import sys
        from app.gui.preload import preload
        assert "torch" not in sys.modules
        loaded = preload()
        assert [p.name for p in loaded] == ["libtorch_cpu.so"], loaded
        maps = open("/proc/self/maps").read()
        assert "libtorch_cpu.so" in maps and "torch" not in sys.modules
        import torch
        print(float(torch.arange(4.0).sum()))
        assert preload() == []  # imported: nothing left to load
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "6.0"


def test_preload_skips_missing_packages(monkeypatch):
    from app.gui import preload

    monkeypatch.setattr(preload, "NATIVE_LIBRARIES", {"no_such_package_xyz": ("lib/x.so",)})
    assert preload.preload() == []


def test_preload_on_import_loads_the_library_when_torch_is_imported():
    code = textwrap.dedent(
        """
        import sys
        from app.gui.preload import preload_on_import
        finder = preload_on_import()
        assert finder is not None and finder in sys.meta_path
        assert "libtorch_cpu.so" not in open("/proc/self/maps").read()  # not yet
        import torch
        assert "libtorch_cpu.so" in open("/proc/self/maps").read()
        assert finder not in sys.meta_path  # served: removed
        assert preload_on_import() is None  # torch is imported
        print(float(torch.ones(3).sum()))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3.0"
