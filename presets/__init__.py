"""Named parameter sets shipped with Gasworks, one TOML file per look.

Loading and validation live in :mod:`engines.presets`; this package only carries the files.
"""

from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent
