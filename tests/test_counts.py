"""One definition per count word: `build`, `stats` and the Overview say "article triples"
for the same number (docs/ontology.md, "Counting")."""
from __future__ import annotations

import json
import re

from click.testing import CliRunner

from newskg.cli import cli


def test_build_and_stats_count_article_triples_alike(tmp_path):
    d = str(tmp_path / "s")
    runner = CliRunner()
    built = runner.invoke(cli, ["build", "--store", d, "--workers", "1"])
    assert built.exit_code == 0, built.output
    written = int(re.search(r"article triples (\d+)", built.output).group(1))
    st = json.loads(runner.invoke(cli, ["stats", "--json", "--store", d]).stdout)
    assert st["article_triples"] == written > 0
    assert st["summary_triples"] > 0
    assert st["quads"] == st["article_triples"] + st["summary_triples"]
    table = runner.invoke(cli, ["stats", "--store", d]).output
    assert re.search(rf"article triples\s+{written}\b", table)  # the words of kg/data/labels.tsv
    assert "entities: organisation (ORG)" in table
    again = runner.invoke(cli, ["build", "--store", d, "--workers", "1"])
    assert "article triples 0" in again.output  # an incremental build reports what it wrote
