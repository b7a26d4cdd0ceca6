"""The imbalance: the profile, sampling and method tables (PROFILES, SAMPLINGS, METHODS), each
with the imbalance.* settings it declares, and pure functions from those settings to the images
kept and trained per class (the seeded draws, draws.py, use torch's generator)."""
