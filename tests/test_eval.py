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
