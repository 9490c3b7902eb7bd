"""Units and magnitude words of figures, loaded from ``data/units.tsv`` and
``data/magnitudes.tsv``, and the normalisation of a figure to a base value and base unit.

>>> normalise(Decimal("2486.3"), "亿", "美元")
(Decimal('248630000000'), 'USD')
>>> normalise(Decimal("2"), "", "成")
(Decimal('0.2'), 'ratio')
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from corpus.errors import ExtractError

DATA = Path(__file__).parent / "data"

#: unit classes that are never metrics (listed so that 个月 wins over 个)
NON_METRIC_CLASSES = frozenset({"duration", "date"})


@dataclass(frozen=True)
class Unit:
    """One unit as written, e.g. 亿美元's 美元: base unit USD, factor 1, class currency."""

    surface: str
    base_unit: str
    factor: Decimal
    cls: str


def _rows(name: str, width: int):
    path = DATA / name
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != width:
            raise ExtractError(f"expected {width} tab-separated fields", path=str(path), line=lineno)
        yield lineno, parts


def _decimal(text: str, name: str, lineno: int) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ExtractError(f"not a number: {text!r}", path=str(DATA / name), line=lineno) from None


@functools.cache
def units() -> dict[str, Unit]:
    """All units from ``data/units.tsv`` by surface."""
    return {
        p[0]: Unit(p[0], p[1], _decimal(p[2], "units.tsv", n), p[3]) for n, p in _rows("units.tsv", 4)
    }


@functools.cache
def magnitudes() -> dict[str, Decimal]:
    """Magnitude words (万, 亿, 万亿 ...) from ``data/magnitudes.tsv`` with their factors."""
    return {p[0]: _decimal(p[1], "magnitudes.tsv", n) for n, p in _rows("magnitudes.tsv", 2)}


def normalise(value: Decimal, magnitude: str, unit: str) -> tuple[Decimal | None, str | None]:
    """Base value and base unit of ``value`` written with a magnitude word and a unit; a bare
    number with a magnitude (14亿) is a plain ``number``.

    >>> normalise(Decimal("100"), "", "P")
    (Decimal('100000000000000000'), 'FLOPS')
    >>> normalise(Decimal("218"), "万", "台")
    (Decimal('2180000'), 'count')
    """
    factor = magnitudes()[magnitude] if magnitude else Decimal(1)
    if not unit:
        return _clean(value * factor), "number"
    u = units().get(unit)
    if u is None:
        return None, None
    return _clean(value * factor * u.factor), u.base_unit


def _clean(d: Decimal) -> Decimal:
    """Drop trailing zeros of exact results (2486.3e8 -> 248630000000)."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()
