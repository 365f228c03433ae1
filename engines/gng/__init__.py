"""Growing Neural Gas: NeuPy's algorithm, compiled, with a stop rule and border emphasis.

>>> from engines.gng import GrowingNeuralGas, GNGParams
>>> gng = GrowingNeuralGas(GNGParams(max_nodes=100), seed=0)
"""

from engines.gng.engine import GNGSnapshot, GrowingNeuralGas, warm_up
from engines.gng.params import GNGParams

__all__ = ["GNGParams", "GNGSnapshot", "GrowingNeuralGas", "warm_up"]
