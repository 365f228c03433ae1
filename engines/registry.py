"""The one list of Gasworks' jobs: each with its params type, recipe, result, warm-up and
export.

A **recipe** is the one function that runs a job::

    recipe(source, params, *, seed=None, callback=None, **options) -> result

``source`` is the job's input (a file, ``sample:NAME``, ``text:...``, a name, a network...),
``params`` its parameters (a :class:`~engines.presets.Preset` for preset-driven jobs, else
the job's params record), ``seed`` overrides the seed they hold, and ``callback`` receives
snapshots (subclasses of :class:`engines.core.Snapshot`); returning True from it cancels.
The command line, the batch runner, the studio (through one adapter) and scripts all call
the recipe, so they give the same result for the same params and seed.

**export** writes a result to a file: ``export(result, path, *, overwrite=True, **options)``.

Presets (the params type of an engine), the CLI commands, the batch runner, the studio's
tabs and its warm-up read this module; nothing else lists engines. Targets are
``"module:attribute"`` strings imported on first use, so reading the registry is cheap.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from engines.errors import GasworksError


@dataclass(frozen=True)
class JobKind:
    """One job Gasworks can run.

    Attributes
    ----------
    name : str
        Stable identifier (``gng-art``).
    title : str
        What a person calls it.
    engine : str or None
        The ``engine`` key presets use for this job (None: the job has no presets).
    params, recipe, result, export : str
        ``"module:attribute"`` of the params type, the recipe, the result type and the
        export function.
    warm_up : str or None
        ``"module:function"`` compiling the job's kernels (or loading them from the cache).
    art : bool
        True for the art engines ``gasworks render`` draws from an image or text.
    command, tab : str or None
        The ``gasworks`` command and the studio tab that run it.
    """

    name: str
    title: str
    engine: str | None
    params: str
    recipe: str
    result: str
    export: str
    warm_up: str | None = None
    art: bool = False
    command: str | None = None
    tab: str | None = None

    def load(self, what: str) -> Any:
        """The object behind one of the ``"module:attribute"`` fields."""
        target = getattr(self, what)
        if target is None:
            return None
        return load_target(target)

    def run(self, source: Any, params: Any, **kwargs: Any) -> Any:
        """Run the recipe (see the module docstring)."""
        return self.load("recipe")(source, params, **kwargs)


JOBS: tuple[JobKind, ...] = (
    JobKind("gng-art", "Growing Neural Gas art", "gng", "engines.gng.params:GNGParams",
            "engines.gng.art:render", "engines.render:RenderResult",
            "engines.render:export_render", "engines.gng.art:warm_up", art=True,
            command="render", tab="art"),
    JobKind("som-art", "Self-Organizing Map art", "som", "engines.som.params:SOFMParams",
            "engines.som.art:render", "engines.render:RenderResult",
            "engines.render:export_render", "engines.som:warm_up", art=True,
            command="render", tab="art"),
    JobKind("words", "word count", "words", "engines.words.params:WordParams",
            "engines.words.count:words_recipe", "engines.words.count:WordCount",
            "engines.words.overlay:export_overlay", "engines.gng:warm_up", command="words",
            tab="words"),
    JobKind("logo", "SOFM text logo", "som", "engines.som.params:SOFMParams",
            "engines.som.logo:logo_recipe", "engines.som.logo:Logo",
            "engines.som.logo:export_logo", "engines.som:warm_up", command="logo", tab="logos"),
    JobKind("avatar", "SOFM avatar", "som", "engines.som.params:SOFMParams",
            "engines.som.avatar:avatar_recipe", "engines.som.avatar:Avatar",
            "engines.som.avatar:export_avatar", "engines.som:warm_up", command="avatar",
            tab="avatars"),
    JobKind("map", "Self-Organizing Map of a data set", "som", "engines.som.params:SOFMParams",
            "engines.som.maps:map_recipe", "engines.som.maps:MapResult",
            "engines.som.maps:export_map", "engines.som:warm_up", command="map", tab="maps"),
    JobKind("hopfield-recall", "Hopfield recall", None, "engines.hopfield.params:HopfieldParams",
            "engines.hopfield.recall:recall_recipe", "engines.hopfield.recall:Recall",
            "engines.hopfield.recall:export_recall", None, command="hopfield", tab="memory"),
    JobKind("hopfield-montecarlo", "Hopfield password Monte Carlo", None,
            "engines.hopfield.params:MonteCarloParams",
            "engines.hopfield.montecarlo:montecarlo_recipe",
            "engines.hopfield.montecarlo:MonteCarloResult",
            "engines.hopfield.montecarlo:export_montecarlo", None, command="hopfield",
            tab="memory"),
    JobKind("landscape", "loss-landscape earthquakes", None,
            "engines.explorers.params:LandscapeParams",
            "engines.explorers.landscape:landscape_recipe",
            "engines.explorers.landscape:LandscapeResult",
            "engines.explorers.landscape:export_landscape", None, command="landscape",
            tab="landscape"),
    JobKind("gp-demo", "Gaussian-process search, one step at a time", None,
            "engines.explorers.params:GPDemoParams", "engines.explorers.gp_demo:gp_demo_recipe",
            "engines.explorers.gp_demo:GPDemoResult", "engines.explorers.gp_demo:export_gp_demo",
            tab="tuning"),
    JobKind("tune", "hyperparameter search (optuna)", None, "engines.explorers.params:TuneParams",
            "engines.explorers.tuning:tune_recipe", "engines.explorers.tuning:TuneResult",
            "engines.explorers.tuning:export_tuning", command="tune", tab="tuning"),
    JobKind("train", "network training (Levenberg-Marquardt, first-order methods)", "trainer",
            "engines.trainers.params:TrainerParams", "engines.trainers.recipe:train_recipe",
            "engines.trainers.recipe:TrainResult", "engines.trainers.recipe:export_training",
            "engines.trainers.recipe:warm_up", command="train", tab="trainers"),
    JobKind("train-compare", "the spirals article's LM-against-Adam comparison", "trainer",
            "engines.trainers.params:TrainerParams", "engines.trainers.recipe:compare_recipe",
            "engines.trainers.recipe:Comparison", "engines.trainers.recipe:export_comparison",
            "engines.trainers.recipe:warm_up", command="train", tab="trainers"),
    JobKind("eco", "error curvature optimization, measured", None,
            "engines.trainers.eco.params:EcoParams", "engines.trainers.eco.recipe:eco_recipe",
            "engines.trainers.eco.recipe:EcoResult", "engines.trainers.eco.recipe:export_eco",
            "engines.trainers.eco.recipe:warm_up", command="eco", tab="eco"),
    JobKind("reflect", "error reflection ensembles and their fair baselines", None,
            "engines.trainers.reflection:ReflectionParams",
            "engines.trainers.reflection:reflection_recipe",
            "engines.trainers.reflection:ReflectionResult",
            "engines.trainers.reflection:export_reflection",
            "engines.trainers.reflection:warm_up", command="reflect", tab="reflection"),
)  # fmt: skip

_BY_NAME = {job.name: job for job in JOBS}


def load_target(target: str) -> Any:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def job(name: str) -> JobKind:
    """The job called ``name``; an unknown name lists the known ones."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise GasworksError(f"unknown job {name!r}; known jobs: {', '.join(_BY_NAME)}") from None


def engines() -> tuple[str, ...]:
    """The ``engine`` keys presets may name."""
    return tuple(dict.fromkeys(j.engine for j in JOBS if j.engine is not None))


def params_type(engine: str) -> type:
    """The params type of the ``[engine_params]`` table of a preset for ``engine``."""
    for j in JOBS:
        if j.engine == engine:
            return j.load("params")
    raise GasworksError(f"unknown engine {engine!r}; available: {', '.join(engines())}")


def art_job(engine: str | None) -> JobKind:
    """The art job drawn with ``engine`` (what ``gasworks render`` runs for a preset)."""
    for j in JOBS:
        if j.art and j.engine == engine:
            return j
    known = ", ".join(j.engine for j in JOBS if j.art)
    if engine is None:
        raise GasworksError(f'names no engine; the art engines are {known} (engine = "gng")')
    raise GasworksError(f"engine {engine!r} does not make art; art engines: {known}")


def jobs_of_tab(tab: str) -> tuple[JobKind, ...]:
    return tuple(j for j in JOBS if j.tab == tab)


def tabs() -> tuple[str, ...]:
    """The studio's tabs, in the window's order (the order of their first job here)."""
    return tuple(dict.fromkeys(j.tab for j in JOBS if j.tab))


def commands() -> tuple[str, ...]:
    """The ``gasworks`` commands that run a job."""
    return tuple(dict.fromkeys(j.command for j in JOBS if j.command))


def warm_ups() -> tuple[str, ...]:
    """Each distinct warm-up target, in registry order."""
    return tuple(dict.fromkeys(j.warm_up for j in JOBS if j.warm_up))


def warm_up_all(checkpoint=None) -> None:
    """Compile every engine's kernels (or load them from Numba's cache).

    ``checkpoint`` is called between engines (a GUI passes one that raises on cancel).
    """
    for target in warm_ups():
        if checkpoint is not None:
            checkpoint()
        load_target(target)()


def modules() -> tuple[str, ...]:
    """Every module a job needs, for a front end that imports them ahead of use."""
    names = []
    for j in JOBS:
        for field in ("params", "recipe", "result", "export", "warm_up"):
            target = getattr(j, field)
            if target:
                names.append(target.partition(":")[0])
    return tuple(dict.fromkeys(names))
