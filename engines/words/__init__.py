"""Word counting with Growing Neural Gas (one connected subgraph per word).

The engine behind ``gasworks words``: the ink is prepared from the text's measured scale
(``scale``, ``segment``), a GNG learns it, and ``count`` reads the network's subgraphs;
``overlay`` draws them. ``synthetic`` makes pages with known counts to measure it on.
"""

from engines.words.count import WordCount, count_words
from engines.words.params import WordParams

__all__ = ["WordCount", "WordParams", "count_words"]
