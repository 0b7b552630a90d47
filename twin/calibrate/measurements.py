"""Measured round trips in: per node pair (`source,destination,rtt_ms[,stat]`) or per country
pair (the RIPE Atlas table `cty1,cty2,rtt_cnt,rtt_avg,rtt_std,rtt_min,rtt_max`).

The format is told from the header, never guessed from the values. Every fault is reported with
FILE:LINE and the column, and the values of a file are never quoted back beyond the cell that is
wrong (a measurements file may be somebody else's).
"""

from __future__ import annotations

import csv
import math
import statistics
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from twin.errors import InputError

MeasurementFormat = Literal["node-pairs", "country-pairs"]
Statistic = Literal["min", "p50", "mean"]
STATISTICS: tuple[str, ...] = ("min", "p50", "mean")
NODE_COLUMNS = ("source", "destination", "rtt_ms")
COUNTRY_COLUMNS = ("cty1", "cty2", "rtt_cnt", "rtt_avg", "rtt_std", "rtt_min", "rtt_max")
# RIPE Atlas keeps pings answered minutes late (a probe's buffered results: DE-HK's maximum is
# 301 s), so a maximum may be that large; beyond ten minutes a figure is a unit slip (µs), not
# a ping.
MAX_RTT_MS = 600_000.0
MAX_ROWS = 1_000_000


@dataclass(frozen=True)
class PairMeasurement:
    """What was measured between two places (node ids or ISO country codes), unordered."""

    a: str
    b: str
    line: int
    stats_ms: Mapping[str, float]
    samples: int | None = None


@dataclass(frozen=True)
class Measurements:
    path: str
    format: MeasurementFormat
    pairs: tuple[PairMeasurement, ...]


def _fault(path: str, line: int, message: str, hint: str = "") -> InputError:
    return InputError.at(path, line, 0, message, hint)


def _rows(path: str) -> Iterator[tuple[int, list[str]]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:  # Excel writes a BOM
            for number, row in enumerate(csv.reader(handle), start=1):
                if number > MAX_ROWS:
                    raise _fault(path, number, f"more than {MAX_ROWS:,} rows", "split the file")
                if row and not (len(row) == 1 and not row[0].strip()):
                    yield number, [cell.strip() for cell in row]
    except UnicodeDecodeError as exc:
        raise _fault(path, 0, "is not UTF-8 text", "save the CSV as UTF-8") from exc
    except csv.Error as exc:
        raise _fault(path, 0, f"is not a readable CSV file ({exc})") from exc
    except OSError as exc:
        raise _fault(path, 0, f"cannot read the file: {exc.strerror or exc}") from exc


def _number(path: str, line: int, column: str, cell: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise _fault(
            path, line, f"column {column}: not a number", "write a decimal number of ms"
        ) from None
    if not math.isfinite(value) or value < 0 or value > MAX_RTT_MS:
        raise _fault(
            path,
            line,
            f"column {column}: {value:g} is out of range",
            f"an RTT lies between 0 and {MAX_RTT_MS:g} ms",
        )
    return value


def read_measurements(path: str | Path) -> Measurements:
    """Read either format (told by the header); raise InputError at the first bad line."""
    name = str(path)
    rows = _rows(name)
    first = next(rows, None)
    if first is None:
        raise _fault(name, 1, "is empty", f"the first line names the columns: {_formats()}")
    line, header = first
    columns = [c.lower() for c in header]
    if all(c in columns for c in COUNTRY_COLUMNS):
        return Measurements(name, "country-pairs", _country_pairs(name, columns, rows))
    if all(c in columns for c in NODE_COLUMNS):
        return Measurements(name, "node-pairs", _node_pairs(name, columns, rows))
    missing = [c for c in NODE_COLUMNS if c not in columns]
    raise _fault(
        name,
        line,
        f"header lacks the columns {', '.join(missing)}",
        f"the first line names the columns: {_formats()}",
    )


def _formats() -> str:
    return f"{','.join(NODE_COLUMNS)}[,stat] or {','.join(COUNTRY_COLUMNS)} (RIPE Atlas table)"


def _cells(path: str, line: int, columns: list[str], row: list[str]) -> dict[str, str]:
    if len(row) != len(columns):
        raise _fault(
            path, line, f"{len(row)} cells where the header has {len(columns)}", "one per column"
        )
    return dict(zip(columns, row, strict=True))


def _country_pairs(
    path: str, columns: list[str], rows: Iterator[tuple[int, list[str]]]
) -> tuple[PairMeasurement, ...]:
    pairs: list[PairMeasurement] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        cells = _cells(path, line, columns, row)
        a, b = cells["cty1"].upper(), cells["cty2"].upper()
        for column, code in (("cty1", a), ("cty2", b)):
            if len(code) != 2 or not code.isalpha() or not code.isascii():
                raise _fault(path, line, f"column {column}: not an ISO 3166 alpha-2 code")
        key = (min(a, b), max(a, b))
        if key in seen:
            raise _fault(path, line, f"pair {key[0]}-{key[1]} again (first at line {seen[key]})")
        seen[key] = line
        count = cells["rtt_cnt"]
        if not count.isdigit() or int(count) < 1:
            raise _fault(path, line, "column rtt_cnt: not a positive whole number of pings")
        stats = {
            "mean": _number(path, line, "rtt_avg", cells["rtt_avg"]),
            "min": _number(path, line, "rtt_min", cells["rtt_min"]),
        }
        _number(path, line, "rtt_std", cells["rtt_std"])
        high = _number(path, line, "rtt_max", cells["rtt_max"])
        if not stats["min"] <= stats["mean"] <= high:
            raise _fault(path, line, "rtt_min ≤ rtt_avg ≤ rtt_max does not hold")
        pairs.append(PairMeasurement(key[0], key[1], line, stats, int(count)))
    return tuple(pairs)


def _node_pairs(
    path: str, columns: list[str], rows: Iterator[tuple[int, list[str]]]
) -> tuple[PairMeasurement, ...]:
    samples: dict[tuple[str, str], list[float]] = {}
    given: dict[tuple[str, str], dict[str, float]] = {}
    first_line: dict[tuple[str, str], int] = {}
    for line, row in rows:
        cells = _cells(path, line, columns, row)
        a, b = cells["source"], cells["destination"]
        if not a or not b:
            raise _fault(path, line, "source and destination must both name a node")
        key = (min(a, b), max(a, b))
        first_line.setdefault(key, line)
        rtt_ms = _number(path, line, "rtt_ms", cells["rtt_ms"])
        stat = cells.get("stat", "").lower()
        if not stat:
            samples.setdefault(key, []).append(rtt_ms)
        elif stat not in STATISTICS:
            raise _fault(path, line, "column stat: unknown statistic", "use min, p50 or mean")
        elif stat in given.setdefault(key, {}):
            raise _fault(path, line, f"a second {stat} for {key[0]}-{key[1]}", "give it once")
        else:
            given[key][stat] = rtt_ms
    pairs = []
    for key, line in first_line.items():
        values = samples.get(key, [])
        stats = _summary(values) | given.get(key, {})  # a stated statistic wins over samples
        pairs.append(PairMeasurement(key[0], key[1], line, stats, len(values) or None))
    return tuple(pairs)


def _summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {"min": min(values), "p50": statistics.median(values), "mean": statistics.fmean(values)}
