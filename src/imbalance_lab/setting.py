"""A config key declared once (Setting): its default, the values it allows and what it means.

The schema (config/schema.py) and the profile and method tables declare every key with one;
the config check, the command line's check, --help and the docs' key tables all read them.
Allowed values say themselves ('a number > 0 and <= 1'): that text is the error's. No torch.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass

REQUIRED = "???"  # OmegaConf's MISSING: a data config or the command line gives the value


def typed(value: object) -> str:
    """Returns a value as the command line types it: null, true, [0,1], 0.5, ros, 'a b'."""
    if value is None or isinstance(value, bool):
        return "null" if value is None else str(value).lower()
    if isinstance(value, list):
        return "[" + ",".join(typed(item) for item in value) + "]"
    text = str(value)
    plain = not re.search(r"[\s,=\[\]'\"]", text) and text not in ("", "null", "true", "false")
    return text if plain or not isinstance(value, str) else repr(text)


@dataclass(frozen=True)
class Number:
    """A finite number (integer=True: an integer; never a bool) in [low, high], ends open or not."""

    low: float = -math.inf
    high: float = math.inf
    integer: bool = False
    low_open: bool = False
    high_open: bool = False

    def accepts(self, value: object) -> bool:
        kind = numbers.Integral if self.integer else numbers.Real
        if not isinstance(value, kind) or isinstance(value, bool) or not math.isfinite(value):
            return False
        above = value > self.low if self.low_open else value >= self.low
        return above and (value < self.high if self.high_open else value <= self.high)

    def __str__(self) -> str:
        return f"{'an integer' if self.integer else 'a number'}{self._bounds()}"

    def plural(self) -> str:
        return f"{'integers' if self.integer else 'numbers'}{self._bounds()}"

    def _bounds(self) -> str:
        low = self.low > -math.inf and f" {'>' if self.low_open else '>='} {_shown(self.low)}"
        high = self.high < math.inf and f" {'<' if self.high_open else '<='} {_shown(self.high)}"
        return " and".join(bound for bound in (low, high) if bound)


def _shown(bound: float) -> str:
    """Returns a bound as written: 4294967295 (not 4.29497e+09), 0.25, 1."""
    return str(int(bound)) if float(bound).is_integer() else f"{bound:g}"


@dataclass(frozen=True)
class OneOf:
    """One of a few literal values (names, true / false, null), compared with their type."""

    values: tuple

    def accepts(self, value: object) -> bool:
        return any(type(value) is type(v) and value == v for v in self.values)

    def __str__(self) -> str:
        shown = [typed(value) for value in self.values]
        if len(shown) == 2 and isinstance(self.values[0], bool):
            return " or ".join(shown)
        return shown[0] if len(shown) == 1 else f"one of {', '.join(shown)}"


@dataclass(frozen=True)
class Text:
    """A non-empty string."""

    def accepts(self, value: object) -> bool:
        return isinstance(value, str) and bool(value)

    def __str__(self) -> str:
        return "a non-empty name"


@dataclass(frozen=True)
class ListOf:
    """A list of items each allowed by `item`: of exactly `size` items, or at least one when
    size is None; distinct when asked."""

    item: Number
    size: int | None = None
    distinct: bool = False

    def accepts(self, value: object) -> bool:
        if not isinstance(value, list) or not all(self.item.accepts(v) for v in value):
            return False
        sized = len(value) == self.size if self.size is not None else len(value) >= 1
        return sized and (not self.distinct or len(set(value)) == len(value))

    def __str__(self) -> str:
        many = f"{self.size} " if self.size is not None else "one or more "
        return f"a list of {many}{'distinct ' * self.distinct}{self.item.plural()}"


@dataclass(frozen=True)
class Either:
    """Any of several allowed kinds: `Either((NULL, Number(1)))` is 'null or a number >= 1'."""

    options: tuple

    def accepts(self, value: object) -> bool:
        return any(option.accepts(value) for option in self.options)

    def __str__(self) -> str:
        return " or ".join(str(option) for option in self.options)


NULL = OneOf((None,))
FLAG = OneOf((True, False))


@dataclass(frozen=True)
class Setting:
    """A config key's declaration: its default (REQUIRED: none), the values it allows and
    what it means (one line: --help and the docs show it)."""

    default: object
    allowed: Number | OneOf | Text | ListOf | Either
    meaning: str
