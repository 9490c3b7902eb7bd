"""Namespaces of the newskg RDF model and the one function that mints IRIs.

Every IRI the project writes comes from :func:`mint_iri` (or the thin helpers around it), so
the same corpus always gives the same, readable IRIs; Chinese stays as is (IRIs allow it),
and only characters an IRI path or fragment cannot hold are percent-encoded.

>>> entity_iri("工业和信息化部").value
'https://newskg.org/id/entity/工业和信息化部'
>>> sentence_iri("rmrb-2023-01", 3).value
'https://newskg.org/id/article/rmrb-2023-01#s3'
"""
from __future__ import annotations

import functools
import unicodedata

from pyoxigraph import NamedNode

from corpus.errors import GraphError

BASE = "https://newskg.org/"
ID = BASE + "id/"

NKG = BASE + "ns#"
SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"

#: Prefixes known to every query (``newskg sparql``, ready queries) and used in Turtle output.
PREFIXES: dict[str, str] = {
    "nkg": NKG,
    "schema": SCHEMA,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "ent": ID + "entity/",
    "art": ID + "article/",
    "ind": ID + "indicator/",
    "graph": BASE + "graph/",
}

_KINDS = {  # kind -> IRI prefix; the only places IRIs are rooted
    "entity": ID + "entity/",
    "article": ID + "article/",
    "indicator": ID + "indicator/",
    "graph": BASE + "graph/",
}

# ASCII characters kept as they are in a path segment; everything else ASCII is %-encoded.
_SAFE_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@")


def _keep(ch: str) -> bool:
    if ch < "\x80":
        return ch in _SAFE_ASCII
    cat = unicodedata.category(ch)
    # separators (incl. U+3000), controls, format chars, private use, surrogates, unassigned
    return not (cat[0] in "ZC")


def percent_safe(text: str) -> str:
    """Encode ``text`` as one IRI path segment: readable characters (Chinese included) stay,
    the rest becomes UTF-8 percent escapes.

    >>> percent_safe("5G/6G 网络")
    '5G%2F6G%20网络'
    >>> percent_safe("王小明~北京邮电大学")
    '王小明~北京邮电大学'
    """
    return "".join(ch if _keep(ch) else "".join(f"%{b:02X}" for b in ch.encode("utf-8")) for ch in text)


@functools.lru_cache(maxsize=65536)
def mint_iri(kind: str, key: str, fragment: str | None = None) -> NamedNode:
    """The one IRI factory: ``<root of kind><percent_safe(key)>[#fragment]``, validated.

    :param kind: one of ``entity``, ``article``, ``indicator``, ``graph``.
    :param key: the id or name; must not be empty.
    :param fragment: optional local part inside the document (``s3``, ``m12-18`` ...).
    :raises GraphError: for an unknown kind, an empty key or an IRI pyoxigraph rejects.

    >>> mint_iri("indicator", "进出口总值").value
    'https://newskg.org/id/indicator/进出口总值'
    >>> mint_iri("entity", "")
    Traceback (most recent call last):
    ...
    corpus.errors.GraphError: cannot mint a entity IRI from an empty id or name [E300]
    """
    root = _KINDS.get(kind)
    if root is None:
        raise GraphError(f"unknown IRI kind {kind!r}; expected one of {', '.join(_KINDS)}")
    if not key or not key.strip():
        raise GraphError(f"cannot mint a {kind} IRI from an empty id or name")
    iri = root + percent_safe(key)
    if fragment is not None:
        iri += "#" + percent_safe(fragment)
    try:
        return NamedNode(iri)
    except ValueError as e:  # pragma: no cover - percent_safe should prevent it
        raise GraphError(f"invalid IRI {iri!r}: {e}") from e


def entity_iri(entity_id: str) -> NamedNode:
    """IRI of an entity from its id (:func:`extract.model.entity_id`)."""
    return mint_iri("entity", entity_id)


def article_iri(article_id: str) -> NamedNode:
    """IRI of the schema:NewsArticle node of an article."""
    return mint_iri("article", article_id)


def graph_iri(article_id: str) -> NamedNode:
    """IRI of the named graph holding everything derived from one article.

    >>> graph_iri("a1").value
    'https://newskg.org/graph/a1'
    """
    return mint_iri("graph", article_id)


def sentence_iri(article_id: str, index: int) -> NamedNode:
    """IRI of sentence ``index`` of an article (a fragment of the article IRI)."""
    return mint_iri("article", article_id, f"s{index}")


def mention_iri(article_id: str, start: int, end: int, n: int = 1) -> NamedNode:
    """IRI of the mention spanning ``[start, end)`` of the article text (``n`` > 1 for a
    second entity on the same span)."""
    return mint_iri("article", article_id, f"m{start}-{end}" + (f"-{n}" if n > 1 else ""))


def observation_iri(article_id: str, start: int, end: int, n: int = 1) -> NamedNode:
    """IRI of the metric observation whose figure spans ``[start, end)``; ``n`` > 1 tells
    apart several observations read from the same figure."""
    return mint_iri("article", article_id, f"obs{start}-{end}" + (f"-{n}" if n > 1 else ""))


def statement_iri(article_id: str, n: int) -> NamedNode:
    """IRI of the ``n``-th relation statement of an article."""
    return mint_iri("article", article_id, f"rel{n}")


def indicator_iri(name: str) -> NamedNode:
    """IRI of an indicator (what a metric measures), from its name."""
    return mint_iri("indicator", name)


def graph_article_id(graph: NamedNode) -> str | None:
    """Inverse of :func:`graph_iri` (percent escapes decoded); None for other graphs.

    >>> graph_article_id(graph_iri("5G/6G"))
    '5G/6G'
    """
    from urllib.parse import unquote

    root = _KINDS["graph"]
    value = graph.value
    return unquote(value[len(root):]) if value.startswith(root) else None


@functools.lru_cache(maxsize=None)
def term(prefixed: str) -> NamedNode:
    """A vocabulary term from a prefixed name.

    >>> term("schema:worksFor").value
    'https://schema.org/worksFor'
    """
    prefix, _, local = prefixed.partition(":")
    if prefix not in PREFIXES:
        raise GraphError(f"unknown prefix {prefix!r} in {prefixed!r}")
    return NamedNode(PREFIXES[prefix] + local)


def prefixes_sparql() -> str:
    """PREFIX declarations for all of :data:`PREFIXES` (for text that leaves Python)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
