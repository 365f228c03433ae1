"""Discrete Hopfield memory: the network, password storage and recovery, and its Monte Carlo.

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
    bin2str,
    noise_rows,
    recover_password,
    store_password,
    str2bin,
)

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
    "RecallResult",
    "SecretWarning",
    "bin2str",
    "binomial_band",
    "capacity",
    "check_capacity",
    "export_montecarlo",
    "montecarlo_recipe",
    "noise_rows",
    "recover_password",
    "store_password",
    "str2bin",
    "wilson_interval",
]
