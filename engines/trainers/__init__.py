"""PyTorch trainers: Levenberg-Marquardt beside torch.optim's first-order methods, on the
data sets of the seeds' tutorials.

:mod:`~engines.trainers.params` (``TrainerParams``) is cheap to import; the rest needs torch:
:mod:`~engines.trainers.lm` (the ``LevenbergMarquardt`` optimizer), :mod:`.engine` (the
``Trainer`` engine), :mod:`.datasets`, :mod:`.recipe` (the ``train`` and ``train-compare``
jobs) and :mod:`.plots`.
"""

from engines.trainers.params import FIRST_ORDER, DataSettings, Method, TrainerParams

__all__ = ["FIRST_ORDER", "DataSettings", "Method", "TrainerParams"]
