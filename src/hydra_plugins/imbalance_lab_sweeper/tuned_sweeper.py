"""hydra/sweeper=tune_weight's sweeper: Optuna's (the hydra-optuna-sweeper plugin), run quietly
and ending with one line that names the best value, its parameters and the sweep's folder.

Optuna's own log handler colours its records with ANSI codes even in a file: here they go
through Hydra's plain handlers instead (conf/train.yaml keeps Alembic's plugin lines out of
Hydra's log). Hydra only loads plugins from the `hydra_plugins` namespace package, hence this
location.
"""

from pathlib import Path

from omegaconf import OmegaConf

from hydra_plugins.hydra_optuna_sweeper.optuna_sweeper import OptunaSweeper

RESULTS = "optimization_results.yaml"  # the Optuna plugin writes it into the sweep's folder


def tuned_line(results: dict, sweep_dir: Path) -> str:
    """Returns the line that ends a tuning sweep: the best value, its parameters (floats to 4
    significant digits) and where the trials and results are."""
    params = " ".join(
        f"{key}={value:.4g}" if isinstance(value, float) else f"{key}={value}"
        for key, value in results["best_params"].items()
    )
    return (
        f"best value {results['best_value']:.4g} at {params}; "
        f"sweep folder: {sweep_dir} (its trials, and {RESULTS})"
    )


class TunedSweeper(OptunaSweeper):
    """Optuna's sweeper, quiet, closing with tuned_line."""

    def __init__(self, **settings):
        super().__init__(**settings)
        import optuna  # the plugin's own dependency, imported by the line above

        optuna.logging.disable_default_handler()
        optuna.logging.enable_propagation()

    def sweep(self, arguments: list) -> None:
        self.sweeper.sweep(arguments)
        sweep_dir = Path(self.sweeper.config.hydra.sweep.dir)
        results = OmegaConf.to_container(OmegaConf.load(sweep_dir / RESULTS))
        print(tuned_line(results, sweep_dir))
