"""The one exception a user sees for bad input: one line, naming what to fix."""

from __future__ import annotations


class ConfigError(ValueError):
    """A config key holds a value that is not allowed; str() is the one-line message."""

    def __init__(self, key: str, value: object, allowed: str):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"{key}={value!r} is not allowed: {allowed}")

    def with_job(self, number: int, overrides: str) -> ConfigError:
        """Returns this error with the multirun job it came from in front of the message."""
        self.args = (f"sweep job {number} ({overrides}): {self.args[0]}",)
        return self


class DataError(RuntimeError):
    """A data file is missing, corrupt or inconsistent; str() is the one-line message."""
