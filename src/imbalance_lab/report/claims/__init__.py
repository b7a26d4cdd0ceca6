"""A paper's claims, each a small module on top of the engine (report/engine/): it picks the
grid points a claim speaks of, states the comparisons the claim makes and in which direction,
and hands them to engine.verdicts.judge. The study's claims (study_*.py, partitions.py) and the
methods' ranking (methods.py) are two such sets; another paper's claims are one more module."""
