"""The report's engine: runs read from sweep folders and runs tables, grid points and their
seeds, measures per seed, the statistical tests, and verdicts with Holm's correction. A paper's
claims (report/claims/) state comparisons; the engine decides them."""
