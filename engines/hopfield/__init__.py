"""Discrete Hopfield memory: the network, password storage and recovery, and its Monte Carlo.

The jobs' recipes: :func:`recall_recipe` (``hopfield-recall``) and
:func:`montecarlo_recipe` (``hopfield-montecarlo``); :func:`store_recipe` stores a password.

Pictures live in :mod:`engines.hopfield.plots`, imported on its own (it loads matplotlib).
"""

from engines.hopfield.engine import (
    Capacity,
    CapacityError,
    CapacityWarning,
    DiscreteHopfieldNetwork,
    HopfieldSnapshot,
    RecallResult,
    SecretWarning,
    capacity,
    check_capacity,
)
from engines.hopfield.montecarlo import (
    CASE_NAMES,
    REFERENCE_RATES_PER_10K,
    SEED_TABLES,
    MonteCarloProgress,
    MonteCarloResult,
    binomial_band,
    export_montecarlo,
    montecarlo_recipe,
    wilson_interval,
)
from engines.hopfield.params import HopfieldParams, MonteCarloParams, PasswordParams
from engines.hopfield.password import (
    PasswordError,
    StoredPassword,
    bin2str,
    noise_rows,
    recover_password,
    store_password,
    store_recipe,
    str2bin,
)
from engines.hopfield.recall import Recall, export_recall, recall_recipe

__all__ = [
    "CASE_NAMES",
    "REFERENCE_RATES_PER_10K",
    "SEED_TABLES",
    "Capacity",
    "CapacityError",
    "CapacityWarning",
    "DiscreteHopfieldNetwork",
    "HopfieldParams",
    "HopfieldSnapshot",
    "MonteCarloParams",
    "MonteCarloProgress",
    "MonteCarloResult",
    "PasswordError",
    "PasswordParams",
    "Recall",
    "RecallResult",
    "SecretWarning",
    "StoredPassword",
    "bin2str",
    "binomial_band",
    "capacity",
    "check_capacity",
    "export_montecarlo",
    "export_recall",
    "montecarlo_recipe",
    "noise_rows",
    "recall_recipe",
    "recover_password",
    "store_password",
    "store_recipe",
    "str2bin",
    "wilson_interval",
]
