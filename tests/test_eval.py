"""`newskg eval` and the scoring functions."""
import json

from click.testing import CliRunner

from extract.evaluate import load_entity_gold, score_entities, score_relations
from extract.model import Entity, Mention, Relation
from newskg.cli import cli

GOLD = {
    "entities": [
        {"name": "甲研究院", "aliases": ["甲院"], "types": ["ORG"]},
        {"name": "乙县", "aliases": [], "types": ["PLACE"]},
        {"name": "丙论坛", "aliases": [], "types": ["EVENT"], "optional": True},
    ],
    "relations": [{"head": "甲研究院", "rel": "located_in", "tail": "乙县"}],
}


def _ent(name, type_, aliases=()):
    return Entity(name, name, type_, list(aliases), [Mention("a", 0, 0, 1, name[0])])


def test_score_entities_counts_aliases_types_and_precision():
    preds = [_ent("甲院", "ORG"), _ent("乙县", "ORG"), _ent("丙论坛", "EVENT"), _ent("丁", "PERSON")]
    r = score_entities(preds, GOLD)
    assert r["recall"] == 1.0 and r["type_recall"] == 0.5
    assert r["precision"] == 0.75 and r["false_positives"] == [("丁", "PERSON")]


def test_score_relations_accepts_held_in_for_located_in():
    ents = [_ent("甲研究院", "ORG"), _ent("乙县", "PLACE")]
    rel = Relation("甲研究院", "甲研究院", "held_in", "乙县", "乙县", None, "a", 0)
    assert score_relations([rel], ents, GOLD)["recall"] == 1.0
    assert score_relations([], ents, GOLD)["recall"] == 0.0


def test_gold_file_is_shipped():
    gold = load_entity_gold()
    assert gold["entities"] and gold["relations"]


def test_cli_eval_prints_the_table():
    result = CliRunner().invoke(cli, ["eval", "--no-msra"])
    assert result.exit_code == 0, result.output
    assert "entities" in result.output and "recall" in result.output and "relations" in result.output


def test_cli_eval_json_meets_the_sample_targets():
    result = CliRunner().invoke(cli, ["eval", "--no-msra", "--json"])
    assert result.exit_code == 0, result.output
    r = json.loads(result.output)
    assert r["entities"]["recall"] >= 0.95
    assert r["entities"]["type_recall"] >= 0.90
    assert r["entities"]["precision"] >= 0.85
    assert all(g["passed"] for g in r["gates"]) and {g["name"].split(".")[0] for g in r["gates"]} == {
        "entities", "relations", "figures"}


def test_cli_eval_fails_when_the_gold_cannot_be_met(tmp_path):
    """Entities and relations the sample does not hold: recall below the gates, exit code 5."""
    gold = load_entity_gold()
    gold["entities"] += [{"name": f"不存在的机构{i}", "aliases": [], "types": ["ORG"]} for i in range(10)]
    gold["relations"] += [{"head": f"不存在的机构{i}", "rel": "located_in", "tail": "北京"} for i in range(10)]
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "--no-msra", "--gold", str(path)])
    assert result.exit_code == 5, result.output
    assert "below the gate: entities.recall" in result.stderr
    assert "below the gate: relations.recall" in result.stderr
    assert "figures" not in result.stderr  # the figures still meet theirs


def test_cli_eval_figure_gate_and_unknown_gate():
    result = CliRunner().invoke(cli, ["eval", "--no-msra", "--min", "figures.precision=1.01"])
    assert result.exit_code == 5 and "below the gate: figures.precision" in result.stderr
    assert CliRunner().invoke(cli, ["eval", "--no-msra", "--min", "figures.nothing=1"]).exit_code == 2


def test_figure_gates_read_the_figure_scorer_fields():
    """A run that finds no figure fails every figures gate (the gate reads the scorer's real
    field names: a renamed field would be a missing measure, which fails too)."""
    from extract.eval_gate import check, default_gates
    from extract.metrics_eval import score_metrics

    verdicts = {v.gate.name: v for v in check({"metrics": score_metrics([])}, default_gates())}
    assert verdicts["figures.recall"].value == 0.0 and not verdicts["figures.recall"].passed
    assert not verdicts["figures.recall_period"].passed
    assert not verdicts["entities.recall"].passed  # absent from the result: not passed
