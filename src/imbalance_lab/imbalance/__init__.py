"""Pure functions from settings to class counts: imbalance profiles, re-sampling plans, class
weights, and the method table (imbalance.methods.METHODS)."""
