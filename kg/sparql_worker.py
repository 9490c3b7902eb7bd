"""One SPARQL query worker process for the HTTP endpoint: opens the store read-only, runs
queries it reads from stdin, writes serialized results to stdout.

Run as ``python -m kg.sparql_worker STORE_DIR [MEMORY_MB]``. The server kills a worker whose
query runs past the time limit and starts a new one, since a pyoxigraph query cannot be
interrupted from Python. Before it opens the store the worker makes itself unable to open a
network connection (:func:`kg.sparql_sandbox.deny_network`) and limits its own memory to
``MEMORY_MB`` (``RLIMIT_DATA``): a query that needs more fails its allocation, the worker
dies or answers 503, and the server starts a fresh one. Protocol, one exchange per query: the
server writes one JSON line ``{"query", "result_type", "graph_type", "max_results",
"max_bytes", "union", "default_graph", "named_graphs", "prefixes"}`` (the app adds
``"substitutions"``: variable -> N-Triples term, and ``"truncate"``: the first
``max_results`` instead of an error); the worker answers one
JSON line ``{"status", "type", "length", "message"}`` followed by ``length`` bytes of body.
"""
from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

import pyoxigraph as ox

if __package__ in (None, ""):  # run as a script: the project root is two folders up
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kg.sparql_sandbox import deny_network  # noqa: E402

#: media type -> pyoxigraph format, for SELECT/ASK results and for CONSTRUCT/DESCRIBE graphs
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


class QueryFailed(Exception):
    """A query the worker answers with an HTTP error status and a message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def store_fingerprint(path: str | Path) -> tuple:
    """Something that changes whenever the on-disk store is written or replaced
    (directory identity plus names, sizes and mtimes of its files)."""
    p = Path(path)
    st = p.stat()
    entries = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(p) if e.is_file())
    return (st.st_ino, st.st_dev, tuple(entries))


def term_json(term) -> dict:
    """One RDF term in the SPARQL 1.1 JSON results shape.

    >>> term_json(ox.Literal("人民日报", language="zh"))
    {'type': 'literal', 'value': '人民日报', 'xml:lang': 'zh'}
    >>> term_json(ox.Literal("3.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")))
    {'type': 'literal', 'value': '3.5', 'datatype': 'http://www.w3.org/2001/XMLSchema#decimal'}
    """
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {"subject": term_json(term.subject), "predicate": term_json(term.predicate), "object": term_json(term.object)},
        }
    raise TypeError(f"not an RDF term: {term!r}")


def solutions_bytes(variables: list[str], rows: list, fmt) -> bytes:
    """Serialize collected solutions: our JSON, re-read and written by pyoxigraph in ``fmt``."""
    bindings = []
    for row in rows:
        b = {}
        for v in variables:
            t = row[v]
            if t is not None:
                b[v] = term_json(t)
        bindings.append(b)
    data = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")
    if fmt == ox.QueryResultsFormat.JSON:
        return data
    return ox.parse_query_results(data, ox.QueryResultsFormat.JSON).serialize(format=fmt)


def _term(text: str):
    """One RDF term written in N-Triples syntax (``"中国"@zh``, ``<http://…>``)."""
    try:
        (q,) = ox.parse(f"<urn:s> <urn:p> {text} .".encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError) as e:
        raise QueryFailed(400, f"not an RDF term in N-Triples syntax: {text!r} ({e})") from None
    return q.object


def _nodes(iris: list[str] | None) -> list | None:
    return [ox.NamedNode(i) for i in iris] if iris else None


def run(store: ox.Store, req: dict) -> tuple[str, bytes]:
    """Run one request; return (media type, body) or raise :class:`QueryFailed`."""
    kwargs = {"prefixes": req.get("prefixes") or None}
    if req.get("default_graph"):
        kwargs["default_graph"] = _nodes(req["default_graph"])
    else:
        kwargs["use_default_graph_as_union"] = bool(req.get("union", True))
    if req.get("named_graphs"):
        kwargs["named_graphs"] = _nodes(req["named_graphs"])
    if req.get("substitutions"):  # {variable: N-Triples term}: bound before evaluation
        kwargs["substitutions"] = {ox.Variable(k): _term(v) for k, v in req["substitutions"].items()}
    try:
        results = store.query(req["query"], **kwargs)
    except SyntaxError as e:
        raise QueryFailed(400, f"SPARQL syntax error: {e}") from None
    cap = int(req.get("max_results") or 0)
    max_bytes = int(req.get("max_bytes") or 0)
    try:
        if isinstance(results, ox.QueryBoolean):
            mtype = req.get("result_type")
            if not mtype:
                raise QueryFailed(406, "no acceptable media type for ASK results; accept one of " + ", ".join(RESULT_FORMATS))
            return mtype, results.serialize(format=RESULT_FORMATS[mtype])
        if isinstance(results, ox.QuerySolutions):
            mtype = req.get("result_type")
            if not mtype:
                raise QueryFailed(406, "no acceptable media type for SELECT results; accept one of " + ", ".join(RESULT_FORMATS))
            variables = [v.value for v in results.variables]
            rows = _take(results, cap, max_bytes, bool(req.get("truncate")))
            return mtype, _capped(solutions_bytes(variables, rows, RESULT_FORMATS[mtype]), max_bytes)
        mtype = req.get("graph_type")
        if not mtype:
            raise QueryFailed(406, "no acceptable media type for a graph result; accept one of " + ", ".join(GRAPH_FORMATS))
        triples = _take(results, cap, max_bytes, bool(req.get("truncate")))
        prefixes = req.get("prefixes") if GRAPH_FORMATS[mtype] == ox.RdfFormat.TURTLE else None
        return mtype, _capped(ox.serialize(triples, format=GRAPH_FORMATS[mtype], prefixes=prefixes or None), max_bytes)
    except OSError as e:
        raise QueryFailed(500, f"query evaluation failed: {e}") from None
    except MemoryError:
        raise QueryFailed(503, MEMORY_MESSAGE) from None


MEMORY_MESSAGE = "the query needs more memory than a query worker may use and was stopped; add LIMIT or narrow the query"


def _too_big(max_bytes: int) -> QueryFailed:
    return QueryFailed(
        413, f"the answer is larger than {max_bytes} bytes, the limit of this endpoint; add LIMIT or select fewer or shorter values"
    )


def _take(results, cap: int, max_bytes: int = 0, truncate: bool = False) -> list:
    """All results, or :class:`QueryFailed` (413) as soon as there are more than ``cap`` or
    their terms' text passes ``max_bytes`` (UTF-8 bytes, counted as they arrive); with
    ``truncate``, the first ``cap`` results and no error for their number."""
    rows, size = [], 0
    for r in results:
        if truncate and cap and len(rows) >= cap:
            break
        rows.append(r)
        if cap and len(rows) > cap:
            raise QueryFailed(
                413, f"the query returns more than {cap} results, the limit of this endpoint; add LIMIT or narrow the query"
            )
        if max_bytes:
            size += sum(_term_bytes(t) for t in r)
            if size > max_bytes:
                raise _too_big(max_bytes)
    return rows


def _term_bytes(term) -> int:
    """UTF-8 size of a term's text (0 for unbound); triples count their parts."""
    if term is None:
        return 0
    if isinstance(term, ox.Triple):
        return _term_bytes(term.subject) + _term_bytes(term.predicate) + _term_bytes(term.object)
    v = term.value
    return len(v) if v.isascii() else len(v.encode("utf-8"))


def _capped(body: bytes, max_bytes: int) -> bytes:
    """The serialized answer, or 413 when it is longer than ``max_bytes``."""
    if max_bytes and len(body) > max_bytes:
        raise _too_big(max_bytes)
    return body


def limit_memory(megabytes: int) -> None:
    """Cap this process's data segment and anonymous memory (``RLIMIT_DATA``) at ``megabytes``."""
    if megabytes > 0:
        n = megabytes << 20
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        resource.setrlimit(resource.RLIMIT_DATA, (n if hard == resource.RLIM_INFINITY else min(n, hard), hard))


def main(argv: list[str] | None = None) -> None:
    """Worker loop: answer requests from stdin until it closes."""
    args = sys.argv[1:] if argv is None else argv
    path = args[0]
    deny_network()  # before any thread starts: the store's threads inherit the filter
    limit_memory(int(args[1]) if len(args) > 1 else 0)
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints must not corrupt the protocol stream
    inp = sys.stdin.buffer
    store, opened = None, None
    try:  # open now, so a replacement worker is ready before its first query
        opened = store_fingerprint(path)
        store = ox.Store.read_only(str(path))
    except OSError:
        store = None
    for line in inp:
        req = json.loads(line)
        try:
            fp = store_fingerprint(path)
            if store is None or fp != opened:
                store = None
                store = ox.Store.read_only(str(path))
                opened = fp
            mtype, body = run(store, req)
            head = {"status": 200, "type": mtype, "length": len(body)}
        except MemoryError:
            body = MEMORY_MESSAGE.encode("utf-8")
            head = {"status": 503, "type": "text/plain; charset=utf-8", "length": len(body), "message": MEMORY_MESSAGE}
        except QueryFailed as e:
            body = e.message.encode("utf-8")
            head = {"status": e.status, "type": "text/plain; charset=utf-8", "length": len(body), "message": e.message}
        except OSError as e:
            store = None
            body = f"cannot read the store at {path}: {e}".encode("utf-8")
            head = {"status": 500, "type": "text/plain; charset=utf-8", "length": len(body)}
        except Exception as e:  # noqa: BLE001 - any evaluation error becomes a 500 with its message
            body = f"query evaluation failed: {type(e).__name__}: {e}".encode("utf-8")
            head = {"status": 500, "type": "text/plain; charset=utf-8", "length": len(body)}
        out.write(json.dumps(head).encode("utf-8") + b"\n")
        out.write(body)
        out.flush()


if __name__ == "__main__":
    main()
