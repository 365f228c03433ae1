"""The Gasworks studio: a Qt window over the engines (``gasworks gui``).

Numerical work happens in :mod:`engines`; this package only arranges controls, runs the
engines' public API in worker threads (:mod:`app.gui.workers`) and draws their snapshots.
"""
