"""One run: the config check (one line per bad value), loggers, the run folder's files, and
run(cfg, output_dir), which goes from a composed config to metrics.json."""


def __getattr__(name: str):
    # run() imports Lightning; the sweeper plugin imports run.config_check without it.
    if name == "run":
        from imbalance_lab.run.runner import run

        return run
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
