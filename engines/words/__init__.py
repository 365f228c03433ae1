"""Word counting with Growing Neural Gas (one connected subgraph per word).

The engine behind the coming ``gasworks words`` command: the ink is prepared from the
text's measured scale (``scale``, ``segment``), a GNG learns it, and ``count`` reads the
network's subgraphs. ``synthetic`` makes pages with known counts to measure it on.
"""

from engines import presets as _presets
from engines.words.count import WordCount, count_words
from engines.words.params import WordParams

_presets.ENGINE_PARAMS.setdefault("words", "engines.words.params:WordParams")

__all__ = ["WordCount", "WordParams", "count_words"]
