"""Word counting with Growing Neural Gas (one connected subgraph per word).

The engine behind ``gasworks words``: the ink is prepared from the text's measured scale
(``scale``, ``segment``), a GNG learns it, and ``count`` reads the network's subgraphs;
``overlay`` draws them and exports a count; ``synthetic`` makes pages with known counts to
measure it on. :func:`words_recipe` is the recipe of the ``words`` job.
"""

from engines.words.count import WordCount, count_words, words_recipe
from engines.words.params import WordParams

__all__ = ["WordCount", "WordParams", "count_words", "words_recipe"]
