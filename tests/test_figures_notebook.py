"""docs/figures_table.md runs: its python blocks, in order, on the bundled sample's graph (in a
folder whose newskg-data is that store), so the notebook example cannot rot."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.kg_support import bundled_store_dir

DOC = Path(__file__).resolve().parent.parent / "docs" / "figures_table.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def test_notebook_blocks_run_on_the_bundled_store(tmp_path, monkeypatch):
    pytest.importorskip("pandas")
    pytest.importorskip("altair")
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 4
    bundled_store_dir(tmp_path / "newskg-data")
    monkeypatch.chdir(tmp_path)
    env: dict = {}
    for i, code in enumerate(blocks):
        exec(compile(code, f"{DOC.name} block {i + 1}", "exec"), env)  # noqa: S102 - our own docs
    series, indicator = env["series"], env["indicator"]
    assert len(series) >= 2 and series["period"].nunique() >= 2  # a series, not one point
    assert list(series["start"]) == sorted(series["start"])
    assert (env["figures"].loc[series.index, "indicator"] == indicator).all()
    assert (tmp_path / "indicator_over_time.json").stat().st_size > 0
