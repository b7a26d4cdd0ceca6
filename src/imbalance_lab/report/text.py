"""The report's plumbing for text: the one number formatter, the one "mean [95% interval]"
formatter, the one markdown table writer and the CSV writer."""

from __future__ import annotations

import csv
from pathlib import Path

from imbalance_lab.report.engine.stats import Interval, is_number, no_value

Table = tuple[list[str], list[list[object]]]  # (columns, rows)
NONE = "—"  # the cell of a value that does not exist


def number(value: object, digits: int = 4, percent: bool = False) -> str:
    """Returns value with `digits` decimals (as a percentage when percent), '—' for no value;
    integers with thousands separators."""
    if no_value(value):
        return NONE
    if percent:
        return f"{100 * float(value):.{digits}f}%"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def with_interval(
    value: Interval | None, mean: object = None, digits: int = 4, percent: bool = False
) -> str:
    """Returns 'mean [low, high]' of a 95% interval; the mean alone when the interval has no
    bounds (or is None and mean is given), '—' when there is no mean either."""
    if value is None or no_value(value.low) or no_value(value.high):
        return number(mean if value is None else value.mean, digits, percent)
    low, high = (number(v, digits, percent) for v in (value.low, value.high))
    return f"{number(value.mean, digits, percent)} [{low}, {high}]"


def sizes(values: list[int], most: int = 3) -> str:
    """Returns distinct integers as '256' or '50,000, 56,000', or 'min–max' when there are
    more than `most`; '—' for none."""
    distinct = sorted(set(values))
    if not distinct:
        return NONE
    if len(distinct) > most:
        return f"{distinct[0]:,}–{distinct[-1]:,}"
    return ", ".join(f"{v:,}" for v in distinct)


def markdown_table(columns: list[str], rows: list[list[object]]) -> list[str]:
    """Returns the lines of a markdown table; cells are str()-ed, '|' escaped."""

    def row(cells) -> str:
        """Returns one table line."""
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return [row(columns), "|" + " --- |" * len(columns), *map(row, rows)]


def cell(value: object) -> object:
    """Returns a CSV/W&B cell: tuples joined by spaces, no value (None, NaN) as None."""
    if isinstance(value, (list, tuple)):
        return " ".join(map(str, value))
    if value is None or (is_number(value) and no_value(value)):
        return None
    return value


def write_csv(path: Path, table: Table) -> Path:
    """Returns path, where it wrote the table as CSV (floats at full precision)."""
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(table[0])
        writer.writerows(["" if v is None else v for v in row] for row in table[1])
    return path


def counted(n: int, noun: str) -> str:
    """Returns '1 run', '2 runs': n and the noun, plural unless n is 1."""
    return f"{n:,} {noun}{'s' * (n != 1)}"
