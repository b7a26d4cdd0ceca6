"""Value checks that raise ConfigError with the one-line message (key, value, what is allowed):
the vocabulary of run/config_check.py."""

from __future__ import annotations

import math
import numbers

from imbalance_lab.errors import ConfigError


def is_number(value: object) -> bool:
    """Returns whether value is a finite real number (nan and inf pass no bound check)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def is_int(value: object) -> bool:
    """Returns whether value is an integer (bools are not)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def number(
    key: str,
    value: object,
    low: float,
    high: float = float("inf"),
    *,
    low_open: bool = False,
    integer: bool = False,
) -> float:
    """Returns value if it is a number in [low, high] (or (low, high] when low_open)."""
    kind = "an integer" if integer else "a number"
    bounds = f"{'>' if low_open else '>='} {low:g}" + (
        f" and <= {high:g}" if high < float("inf") else ""
    )
    if not (is_int(value) if integer else is_number(value)):
        raise ConfigError(key, value, f"{kind} {bounds}")
    if value < low or (low_open and value == low) or value > high:
        raise ConfigError(key, value, f"{kind} {bounds}")
    return value


def choice(key: str, value: object, allowed: tuple[str, ...] | list[str]) -> str:
    """Returns value if it is one of allowed."""
    if value not in allowed:
        raise ConfigError(key, value, "one of " + ", ".join(allowed))
    return value


def flag(key: str, value: object) -> bool:
    """Returns value if it is true or false."""
    if not isinstance(value, bool):
        raise ConfigError(key, value, "true or false")
    return value


def class_list(key: str, value: object, num_classes: int) -> list[int]:
    """Returns value if it lists 1 to C - 1 distinct classes, each in 0 .. C - 1."""
    if (
        not isinstance(value, list)
        or not all(is_int(c) and 0 <= c < num_classes for c in value)
        or len(set(value)) != len(value)
        or not 1 <= len(value) <= num_classes - 1
    ):
        raise ConfigError(
            key,
            value,
            f"a list of 1 to {num_classes - 1} distinct classes, each in 0..{num_classes - 1}",
        )
    return value


def per_class_numbers(key: str, value: object, num_classes: int) -> list[float] | None:
    """Returns value if it is null or a list of C numbers > 0."""
    if value is not None and not (
        isinstance(value, list)
        and len(value) == num_classes
        and all(is_number(a) and a > 0 for a in value)
    ):
        raise ConfigError(key, value, f"null or a list of {num_classes} numbers > 0")
    return value
