"""Gates on the sample evaluation (extract.evaluate.evaluate_sample): each measure of
entities, relations and figures has a minimum (extract/data/eval_gates.tsv), so a regression
ends `newskg eval` with a non-zero code instead of a table nobody reads."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from corpus.errors import ExtractError
from extract.lexicon import DATA_DIR, rows

GATES_FILE = "eval_gates.tsv"


@dataclass(frozen=True)
class Gate:
    """One minimum: ``name`` as the CLI knows it, ``field`` as ``area.measure`` of the result."""

    name: str
    field: str
    minimum: float


@dataclass(frozen=True)
class Verdict:
    """A gate checked: the measured value (``None`` when the result lacks it) and whether it passed."""

    gate: Gate
    value: float | None

    @property
    def passed(self) -> bool:
        """Met when measured and at least the minimum (a missing measure fails: nothing was checked)."""
        return self.value is not None and self.value >= self.gate.minimum


def default_gates() -> list[Gate]:
    """The gates of the data table, with their default minimums.

    >>> [g.name for g in default_gates()][:2]
    ['entities.recall', 'entities.type_recall']
    """
    out = []
    for name, field, minimum in rows(GATES_FILE, 3):
        try:
            out.append(Gate(name, field, float(minimum)))
        except ValueError as e:
            raise ExtractError(f"gate {name}: minimum {minimum!r} is not a number", path=str(DATA_DIR / GATES_FILE)) from e
    return out


def gates_with(overrides: Mapping[str, float]) -> list[Gate]:
    """The default gates with some minimums replaced by name.

    :raises ValueError: naming an unknown gate and the known ones.
    """
    gates = default_gates()
    known = {g.name for g in gates}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"unknown gate {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    return [Gate(g.name, g.field, overrides.get(g.name, g.minimum)) for g in gates]


def check(result: Mapping, gates: list[Gate]) -> list[Verdict]:
    """Every gate checked against an evaluation result.

    >>> g = Gate("relations.recall", "relations.recall", 0.9)
    >>> [v.passed for v in check({"relations": {"recall": 0.5}}, [g])]
    [False]
    """
    out = []
    for gate in gates:
        area, measure = gate.field.split(".", 1)
        value = (result.get(area) or {}).get(measure)
        out.append(Verdict(gate, None if value is None else float(value)))
    return out
