"""Gasworks engines: all numerical work. Nothing here imports Qt, pyqtgraph or click."""
