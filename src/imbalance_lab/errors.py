"""The exceptions a user sees for bad input, each one line naming what to fix: a config value
(ConfigError) or key (UnknownKeyError), a data file (DataError), a run folder that cannot take
the run (FolderError)."""

from __future__ import annotations

import difflib


class ConfigError(ValueError):
    """A config key holds a value that is not allowed; str() is the one-line message."""

    def __init__(self, key: str, value: object, allowed: str):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"{key}={value!r} is not allowed: {allowed}")

    def with_job(self, number: int, overrides: str) -> ConfigError:
        """Returns this error with the multirun job it came from in front of the message."""
        self.args = (f"sweep job {number} ({overrides}): {self.args[0]}",)
        return self


class UnknownKeyError(ConfigError):
    """A key that the chosen config does not define; str() is the one-line message."""

    def __init__(self, key: str, value: object, message: str):
        super().__init__(key, value, message)
        self.args = (message,)  # ConfigError's "is not allowed" format does not fit here


def closest(word: str, candidates: list[str], cutoff: float = 0.6) -> list[str]:
    """Returns the candidates closest to word (difflib's ratio >= cutoff), only those nearly as
    close as the best: what a 'did you mean' names."""
    matches = difflib.get_close_matches(word, candidates, n=3, cutoff=cutoff)
    ratios = [difflib.SequenceMatcher(None, word, m).ratio() for m in matches]
    return [m for m, ratio in zip(matches, ratios, strict=True) if ratio >= ratios[0] - 0.1]


class DataError(RuntimeError):
    """A data file is missing, corrupt or inconsistent; str() is the one-line message."""


class FolderError(RuntimeError):
    """A run folder cannot take this run: it holds the results of another config, or another
    process is running in it; str() is the one-line message, with the way out."""
