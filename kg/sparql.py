"""Run read-only SPARQL 1.1 queries on the store and write results in the W3C formats.

Queries see the union of all article graphs as their default graph, and know the project's
prefixes (``nkg:``, ``schema:``, ``prov:``, ``rdfs:``, ``xsd:``, ``ent:`` ...) without
declaring them. Updates and ``SERVICE`` are refused (:mod:`kg.sparql_inspect`), and the
query is evaluated in a thread that cannot open a network connection
(:mod:`kg.sparql_sandbox`); syntax errors become :class:`QueryError` with the parser's
message (line and column).

>>> from pyoxigraph import Store
>>> r = run_query(Store(), "ASK { ?s ?p ?o }")
>>> r.kind, r.boolean
('ask', False)
"""
from __future__ import annotations

import csv
import io
import json
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, RdfFormat, Store, Triple, Variable, serialize

from corpus.errors import QueryError
from kg.sparql_inspect import inspect_query, uses_service  # noqa: F401 - uses_service is public here too
from kg.sparql_sandbox import call_without_network
from kg.vocab import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: --format names: results formats for SELECT/ASK, RDF formats for CONSTRUCT/DESCRIBE.
RESULT_FORMATS = ("table", "json", "csv", "tsv", "xml")
GRAPH_FORMATS = {"ttl": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES, "table": RdfFormat.TURTLE,
                 "json": RdfFormat.JSON_LD, "xml": RdfFormat.RDF_XML}
FORMATS = ("table", "json", "csv", "tsv", "xml", "ttl", "nt")

@dataclass
class QueryResult:
    """A materialised query result: ``kind`` is ``select``, ``ask`` or ``graph``
    (CONSTRUCT/DESCRIBE). Terms are pyoxigraph terms (None for unbound)."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)
    truncated: bool = False
    seconds: float = 0.0

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)

    def records(self, *, compact: bool = False) -> list[dict[str, str | None]]:
        """Rows as dicts of plain strings (literal values, IRIs; ``compact`` shortens IRIs
        with the project prefixes)."""
        show = compact_term if compact else term_value
        return [{v: (None if t is None else show(t)) for v, t in zip(self.variables, row)} for row in self.rows]


def term_value(t) -> str:
    """Lexical value of a term (IRI string, literal value, ``_:id`` for blank nodes)."""
    if isinstance(t, BlankNode):
        return f"_:{t.value}"
    return t.value


def compact_term(t) -> str:
    """IRI as ``prefix:local`` when a project prefix fits, else its value.

    >>> compact_term(NamedNode("https://newskg.org/id/entity/科技部"))
    'ent:科技部'
    """
    if isinstance(t, NamedNode):
        best = max((p for p in PREFIXES.items() if t.value.startswith(p[1])), key=lambda p: len(p[1]), default=None)
        if best is not None:
            local = t.value[len(best[1]):]
            if local and re.fullmatch(r"[^\s#/?]+", local):
                return f"{best[0]}:{local}"
    return term_value(t)


def is_update(text: str) -> bool:
    """True when ``text`` is (starts like) a SPARQL Update request.

    >>> is_update("PREFIX ex: <http://e/> DELETE WHERE { ?s ?p ?o }")
    True
    >>> is_update("SELECT * { ?s ?p ?o }")
    False
    """
    return inspect_query(text).is_update


def read_query(path: str | Path) -> str:
    """Text of a ``.rq`` file; :class:`QueryError` naming the file if unreadable."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")  # a BOM is not SPARQL: drop it
    except (OSError, UnicodeDecodeError) as e:
        raise QueryError(f"cannot read the query file: {e}", path=str(path)) from e


@dataclass
class ReadyQuery:
    """A ``.rq`` file with its comment header: ``# title:``, ``# answers:``, ``# example:``
    and ``# param: name = <term>`` lines (a parameter is an unbound variable in the query;
    its default is substituted unless overridden, so the query also runs as is elsewhere)."""

    name: str
    text: str
    title: str = ""
    answers: str = ""
    example: str = ""
    params: dict[str, object] = field(default_factory=dict)

    def bindings(self, overrides: dict[str, str] | None = None) -> dict:
        """Substitutions: the declared defaults, with ``overrides`` (plain strings, given
        the type of the default: same language tag or datatype, or an IRI) replacing them.

        :raises QueryError: for a parameter the query does not declare.
        """
        out = dict(self.params)
        for k, v in (overrides or {}).items():
            if k not in self.params:
                known = ", ".join(self.params) or "none"
                raise QueryError(f"query {self.name!r} has no parameter {k!r} (parameters: {known})")
            out[k] = coerce_like(v, self.params[k])
        return out


_HEADER = re.compile(r"^#\s*(title|answers|example|param)\s*:\s*(.*?)\s*$", re.IGNORECASE)


def parse_term(text: str):
    """One RDF term in Turtle syntax (prefixes of the project allowed).

    >>> parse_term('"中国"@zh')
    <Literal value=中国 language=zh>
    >>> parse_term("ent:科技部").value
    'https://newskg.org/id/entity/科技部'
    """
    from pyoxigraph import RdfFormat, parse

    doc = "".join(f"@prefix {p}: <{i}> .\n" for p, i in PREFIXES.items()) + f"<urn:s> <urn:p> {text} ."
    try:
        (t,) = list(parse(doc, format=RdfFormat.TURTLE))
    except (SyntaxError, ValueError) as e:
        raise QueryError(f"not an RDF term: {text!r} ({e})") from e
    return t.object


def coerce_like(value: str, like) -> object:
    """A user's string as a term of the same kind as ``like`` (IRI, tagged or typed literal).

    >>> coerce_like("北京市", Literal("中国", language="zh"))
    <Literal value=北京市 language=zh>
    >>> coerce_like("ent:科技部", NamedNode("https://newskg.org/id/entity/x")).value
    'https://newskg.org/id/entity/科技部'
    """
    if isinstance(like, NamedNode):
        if re.match(r"^[a-z][\w-]*:", value) and value.split(":", 1)[0] in PREFIXES:
            return NamedNode(PREFIXES[value.split(":", 1)[0]] + value.split(":", 1)[1])
        try:
            return NamedNode(value)
        except ValueError as e:
            raise QueryError(f"not an IRI: {value!r} ({e})") from e
    if isinstance(like, Literal):
        if like.language:
            return Literal(value, language=like.language)
        return Literal(value, datatype=like.datatype)
    raise QueryError(f"cannot bind a value like {like!r}")


def load_query(path: str | Path) -> ReadyQuery:
    """Read a ``.rq`` file and its comment header (see :class:`ReadyQuery`)."""
    p = Path(path)
    return parse_ready(read_query(p), name=p.stem, path=str(p))


def parse_ready(text: str, *, name: str = "query", path: str | None = None) -> ReadyQuery:
    """A query text with its comment header (see :class:`ReadyQuery`): the parameters it
    declares are the only variables it asks to have bound.

    >>> parse_ready('# param: name = "中国"@zh -- an entity\\nSELECT * { ?e schema:name ?name }').params
    {'name': <Literal value=中国 language=zh>}
    """
    p = path
    q = ReadyQuery(name=name, text=text)
    for lineno, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line)
        if not m:
            continue
        key, val = m.group(1).lower(), m.group(2)
        if key == "param":
            pm = re.match(r"^\??(\w+)\s*=\s*(.+?)(?:\s+--\s.*)?$", val)
            if not pm:
                raise QueryError("expected `# param: name = <term>`", path=p, line=lineno)
            try:
                q.params[pm.group(1)] = parse_term(pm.group(2))
            except QueryError as e:
                raise QueryError(e.message, path=p, line=lineno) from e
        else:
            setattr(q, key, (getattr(q, key) + " " + val).strip())
    return q


def run_query(
    store: Store,
    query: str,
    *,
    substitutions: dict | None = None,
    timeout: float | None = None,
    limit: int | None = None,
) -> QueryResult:
    """Run a read-only SPARQL query over the union of the article graphs.

    :param substitutions: ``{name or Variable: term}`` values bound before evaluation (never
        format user text into queries).
    :param timeout: seconds; checked while results are read (an aggregate that computes
        before its first row cannot be cut short in-process).
    :param limit: keep at most this many rows/triples (``truncated`` tells if more existed).
    :raises QueryError: for updates, ``SERVICE``, syntax errors, bad substitutions or the time limit.
    """
    query = query.lstrip("\ufeff")  # a BOM is not SPARQL
    info = inspect_query(query)
    if info.is_update:
        raise QueryError("SPARQL Update is not allowed here: the graph is read-only (use `newskg build`/`remove`)")
    if info.uses_service:
        raise QueryError("SERVICE (federated queries) is not allowed: queries read the local graph only")
    subs = None
    if substitutions:
        subs = {}
        for k, v in substitutions.items():
            if not isinstance(v, (NamedNode, BlankNode, Literal, Triple)):
                raise QueryError(f"substitution for {k} must be an RDF term, not {type(v).__name__}")
            subs[k if isinstance(k, Variable) else Variable(str(k).lstrip("?$"))] = v
    return call_without_network(_evaluate, store, query, subs, timeout, limit)


def _evaluate(store: Store, query: str, subs: dict | None, timeout: float | None, limit: int | None) -> QueryResult:
    """Evaluate and read the results (run where no network connection can be opened; the
    pyoxigraph iterator is dropped here too, since it may not be dropped by another thread)."""
    t0 = time.monotonic()
    try:
        res = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=subs)
    except SyntaxError as e:
        raise QueryError(f"invalid SPARQL: {e}") from None
    except (OSError, ValueError, TypeError, RuntimeError) as e:
        raise QueryError(f"query failed: {e}") from None
    try:
        return _read(res, t0, timeout, limit)
    finally:
        del res


def _read(res, t0: float, timeout: float | None, limit: int | None) -> QueryResult:
    if isinstance(res, QueryBoolean):
        return QueryResult("ask", boolean=bool(res), seconds=time.monotonic() - t0)
    kind = "select" if isinstance(res, QuerySolutions) else "graph"
    out = QueryResult(kind, variables=[v.value for v in res.variables] if kind == "select" else [])
    items = out.rows if kind == "select" else out.triples
    failure = None
    try:
        for n, item in enumerate(res):
            if limit is not None and n >= limit:
                out.truncated = True
                break
            items.append(tuple(item) if kind == "select" else item)  # solutions iterate in projection order
            if timeout is not None and not n & 63 and time.monotonic() - t0 > timeout:
                failure = f"query exceeded the time limit of {timeout:g} s"
                break
    except (OSError, ValueError, RuntimeError) as e:
        failure = f"query failed: {e}"
    if failure:  # raised outside the loop: the traceback must not keep the iterator alive
        raise QueryError(failure)
    out.seconds = time.monotonic() - t0
    return out


# ------------------------------------------------------------------ formats


def format_results(result: QueryResult, fmt: str = "table") -> str:
    """Serialise a result: ``table|json|csv|tsv|xml`` (W3C SPARQL results formats) for
    SELECT/ASK; ``ttl|nt`` (or ``table`` -> Turtle) for CONSTRUCT/DESCRIBE.

    :raises QueryError: for a format that does not fit the result.
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if result.kind == "graph":
        if fmt not in GRAPH_FORMATS:
            raise QueryError(f"CONSTRUCT/DESCRIBE results are graphs: use --format ttl or nt, not {fmt}")
        rdf = GRAPH_FORMATS[fmt]
        kw = {"prefixes": PREFIXES} if rdf == RdfFormat.TURTLE else {}
        return serialize(result.triples, format=rdf, **kw).decode("utf-8")
    if fmt in ("ttl", "nt"):
        raise QueryError(f"{result.kind.upper()} results are not a graph: use --format table, json, csv, tsv or xml")
    return {"table": _table, "json": _json, "csv": _csv, "tsv": _tsv, "xml": _xml}[fmt](result)


def _json_term(t) -> dict:
    if isinstance(t, NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != XSD_STRING:
            d["datatype"] = t.datatype.value
        return d
    if isinstance(t, Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    raise QueryError(f"cannot serialise term {t!r}")


def _json(r: QueryResult) -> str:
    if r.kind == "ask":
        doc = {"head": {}, "boolean": r.boolean}
    else:
        doc = {"head": {"vars": r.variables},
               "results": {"bindings": [{v: _json_term(t) for v, t in zip(r.variables, row) if t is not None}
                                        for row in r.rows]}}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _csv(r: QueryResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if r.kind == "ask":
        w.writerow(["_askResult"])
        w.writerow(["true" if r.boolean else "false"])
    else:
        w.writerow(r.variables)
        for row in r.rows:
            w.writerow(["" if t is None else term_value(t) for t in row])
    return buf.getvalue()


def _tsv(r: QueryResult) -> str:
    if r.kind == "ask":
        return "?_askResult\n" + ("true" if r.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in r.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in r.rows]
    return "\n".join(lines) + "\n"


def _xml_term(t) -> str:
    if isinstance(t, NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    raise QueryError(f"cannot serialise term {t!r} as XML results")


def _xml(r: QueryResult) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in r.variables]
    out.append("</head>")
    if r.kind == "ask":
        out.append(f"<boolean>{'true' if r.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in r.rows:
            out.append("<result>" + "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                                            for v, t in zip(r.variables, row) if t is not None) + "</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _table(r: QueryResult, max_width: int = 60) -> str:
    if r.kind == "ask":
        return "yes" if r.boolean else "no"
    if not r.rows:
        return "(no results)"

    def cell(t) -> str:
        s = "" if t is None else compact_term(t).replace("\n", " ")
        while _width(s) > max_width:
            s = s[:-2] + "…"
        return s

    cells = [[cell(t) for t in row] for row in r.rows]
    widths = [max(_width(v), *(_width(row[i]) for row in cells)) for i, v in enumerate(r.variables)]
    pad = lambda s, w: s + " " * (w - _width(s))  # noqa: E731
    lines = ["  ".join(pad(v, w) for v, w in zip(r.variables, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
    if r.truncated:
        lines.append(f"(first {len(r.rows)} rows shown)")
    return "\n".join(lines)
