"""Explorers: pictures of how networks learn, not networks that make art.

- :mod:`engines.explorers.landscape`: the loss-landscape "earthquakes" of mini-batch
  training (the ``landscape`` job).
- :mod:`engines.explorers.gp_demo`: a Gaussian process choosing the next point to try, one
  step at a time (the ``gp-demo`` job).

Pictures are drawn by :mod:`engines.explorers.plots`, imported on its own (it loads
matplotlib).
"""
