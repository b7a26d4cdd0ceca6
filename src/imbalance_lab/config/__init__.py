"""The config: what decides a run's results (its fingerprint) and what only changes how it
runs. No torch: the sweeper, the command line and the report read it."""
