"""kg.rdflib_view: the on-disk store as an rdflib Dataset through oxrdflib, for notebooks that
speak rdflib; what it shows equals what the store holds."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from corpus.errors import GraphError
from kg import rdflib_view
from kg.store import open_store
from kg.vocab import PREFIXES
from tests.kg_support import bundled_store_dir

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib 7.x calls its own deprecated APIs

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?o a nkg:Observation ; nkg:indicator ?i }"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> str:
    return bundled_store_dir(tmp_path_factory.mktemp("rdflib") / "store")


def test_dataset_query_runs_over_the_union_of_article_graphs(store_dir):
    from rdflib import Literal

    ds = rdflib_view(store_dir)
    store = open_store(store_dir, read_only=True)
    expected = int(next(iter(store.query(COUNT, prefixes=PREFIXES, use_default_graph_as_union=True)))["n"].value)
    (row,) = list(ds.query(COUNT))  # the project prefixes are bound
    assert expected > 0 and row[0] == Literal(expected)


def test_dataset_holds_the_stores_graphs_and_quads(store_dir):
    from rdflib import URIRef

    ds = rdflib_view(store_dir)
    store = open_store(store_dir, read_only=True)
    names = {g.value for g in store.named_graphs()}
    assert {str(g.identifier) for g in ds.graphs() if str(g.identifier) in names} == names
    mention_of = PREFIXES["nkg"] + "mentionOf"
    quads = {(q.subject.value, q.object.value, q.graph_name.value)
             for q in store.quads_for_pattern(None, ox.NamedNode(mention_of), None, None)}
    seen = {(str(s), str(o), str(g.identifier if hasattr(g, "identifier") else g))
            for s, _, o, g in ds.quads((None, URIRef(mention_of), None, None))}
    assert quads and seen == quads


def test_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(GraphError, match="no graph store"):
        rdflib_view(tmp_path / "nothing")
