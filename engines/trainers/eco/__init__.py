"""Error Curvature Optimization (ECO): the Laplacian of the error with respect to the input
as a training objective, its de-learning, schedules and stabilisers, and the measurement
against plain training, Outlier Exposure and double backprop.

Modules: :mod:`.curvature` (the Laplacian, exact and Hutchinson), :mod:`.params`
(``EcoParams``), :mod:`.engine` (``EcoTrainer``), :mod:`.measure` (out-of-distribution sets
and figures), :mod:`.recipe` (the ``eco`` job).
"""
