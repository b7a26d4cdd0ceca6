"""What train.py's task returns to Hydra's sweeper for one job."""

from __future__ import annotations


class JobOutcome(float):
    """The value that optimized_metric names, as a float (Optuna and other value-based sweepers
    read it), carrying the job's status ('finished' | 'skipped') for the project's sweeper."""

    def __new__(cls, value: float, status: str):
        outcome = super().__new__(cls, value)
        outcome.status = status
        return outcome

    def __reduce__(self):
        # Pickled between processes by the joblib and submitit launchers.
        return (JobOutcome, (float(self), self.status))

    def __repr__(self) -> str:
        return f"JobOutcome({float(self)!r}, status={self.status!r})"
