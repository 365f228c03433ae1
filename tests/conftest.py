"""Shared test set-up: Qt runs offscreen, and a few generated image files."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
