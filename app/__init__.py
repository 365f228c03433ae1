"""Gasworks front ends: the command line (``app.cli``) and the studio window (``app.gui``)."""
