"""A read-only SPARQL 1.1 Protocol endpoint over the on-disk store (``newskg serve``).

The standard library's ``ThreadingHTTPServer`` answers HTTP; queries run in a small pool of
worker processes (:mod:`kg.sparql_worker`), each with the store opened read-only. A query that
runs past the time limit gets its worker killed and replaced, so the limit holds even for
queries pyoxigraph cannot interrupt. SPARQL Update and federated ``SERVICE`` calls are refused
before they reach a worker (:mod:`kg.sparql_inspect` reads the query's real tokens), each
worker runs where it cannot open a network connection (:mod:`kg.sparql_sandbox`) and within a
memory limit, answers are capped in rows and in bytes, and the store is never opened for writing.

>>> inspect_query("PREFIX ex: <http://e/> INSERT DATA { ex:a ex:b ex:c }")
QueryInfo(is_update=True, keyword='INSERT', uses_service=False)
>>> negotiate("text/csv;q=0.5, application/sparql-results+json", RESULT_TYPES)
'application/sparql-results+json'
"""
from __future__ import annotations

import json
import os
import queue
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from corpus.errors import GraphError
from kg.sparql_inspect import QueryInfo, inspect_query  # noqa: F401 - part of this module's API

#: media types offered for SELECT/ASK results, preferred first, and their aliases
RESULT_TYPES = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
#: media types offered for CONSTRUCT/DESCRIBE results, preferred first
GRAPH_TYPES = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
}
#: short names accepted in a ``format=`` parameter
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
WORKER = Path(__file__).with_name("sparql_worker.py")


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """Pick the offered media type the ``Accept`` header prefers (q-values, wildcards,
    aliases); the first offered when there is no header, ``None`` when nothing fits.

    >>> negotiate("text/*", GRAPH_TYPES)
    'text/turtle'
    >>> negotiate("image/png", RESULT_TYPES) is None
    True
    """
    if not accept or not accept.strip():
        return offered[0]
    best, best_q = None, 0.0
    ranges = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mtype = ALIASES.get(fields[0].lower(), fields[0].lower())
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        ranges.append((mtype, q))
    for mtype in offered:
        q_here, spec = 0.0, -1
        for rng, q in ranges:
            s = 2 if rng == mtype else 1 if rng.endswith("/*") and mtype.startswith(rng[:-1]) else 0 if rng == "*/*" else -1
            if s > spec:
                q_here, spec = q, s
        if spec >= 0 and q_here > best_q:
            best, best_q = mtype, q_here
    return best


@dataclass
class Reply:
    """An HTTP answer: status, content type and body."""

    status: int
    type: str
    body: bytes

    @classmethod
    def text(cls, status: int, message: str) -> "Reply":
        return cls(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


#: seconds between checks of a cancel flag while a query runs (WorkerPool.run(cancel=...))
CANCEL_POLL_S = 0.1


class Cancelled(Exception):
    """The caller cancelled the query (:meth:`WorkerPool.run` with ``cancel``)."""


class _Worker:
    """One worker process and the pipes to it."""

    def __init__(self, store: Path, memory_mb: int = 0):
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(store), str(int(memory_mb))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.buf = b""

    def _read(self, n: int | None, deadline: float, cancel: threading.Event | None = None) -> bytes:
        """Read a line (``n=None``) or ``n`` bytes before ``deadline``; TimeoutError, EOFError,
        :class:`Cancelled` once ``cancel`` is set."""
        fd = self.proc.stdout.fileno()
        while True:
            if cancel is not None and cancel.is_set():
                raise Cancelled
            if n is None and b"\n" in self.buf:
                line, _, self.buf = self.buf.partition(b"\n")
                return line
            if n is not None and len(self.buf) >= n:
                out, self.buf = self.buf[:n], self.buf[n:]
                return out
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if not select.select([fd], [], [], left if cancel is None else min(left, CANCEL_POLL_S))[0]:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise EOFError
            self.buf += chunk

    def ask(self, request: dict, deadline: float, cancel: threading.Event | None = None) -> Reply:
        self.proc.stdin.write(json.dumps(request, ensure_ascii=False).encode("utf-8") + b"\n")
        self.proc.stdin.flush()
        head = json.loads(self._read(None, deadline, cancel))
        body = self._read(head["length"], deadline, cancel)
        return Reply(head["status"], head["type"], body)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()


class WorkerPool:
    """``size`` query worker processes over one store, each limited to ``memory_mb`` MB
    (0: no limit); :meth:`run` enforces the time limit."""

    def __init__(self, store: str | Path, size: int = 2, memory_mb: int = 0):
        self.store = Path(store)
        self.memory_mb = memory_mb
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.workers: list[_Worker] = []
        for _ in range(max(1, size)):
            self._add()

    def _add(self) -> None:
        w = _Worker(self.store, self.memory_mb)
        with self.lock:
            self.workers.append(w)
        self.idle.put(w)

    def _drop(self, w: _Worker) -> None:
        w.kill()
        with self.lock:
            self.workers.remove(w)

    def run(self, request: dict, timeout: float, cancel: threading.Event | None = None) -> Reply:
        """Answer one query request within ``timeout`` seconds (waiting included). Setting
        ``cancel`` (from another thread) stops the query: its worker is killed and replaced,
        and the reply is status 499."""
        deadline = time.monotonic() + timeout
        try:
            w = self.idle.get(timeout=timeout)
        except queue.Empty:
            return Reply.text(503, f"all query workers stayed busy for the time limit ({timeout:g} s); try again later")
        try:
            reply = w.ask(request, deadline, cancel)
        except Cancelled:
            self._drop(w)
            self._add()
            return Reply.text(499, "the query was cancelled and stopped")
        except TimeoutError:
            self._drop(w)
            self._add()
            return Reply.text(
                503, f"the query exceeded the time limit of {timeout:g} s and was stopped; add LIMIT or narrow the patterns"
            )
        except (EOFError, OSError, ValueError, KeyError):
            try:
                code = w.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
            self._drop(w)
            self._add()
            if self.memory_mb and code in (-signal.SIGABRT, -signal.SIGKILL):
                # an allocation past RLIMIT_DATA aborts the worker (Rust) or the kernel kills it
                return Reply.text(503, f"the query needed more than the {self.memory_mb} MB a query worker may use and was "
                                       "stopped; add LIMIT or narrow the query")
            return Reply.text(500, "the query worker stopped unexpectedly (out of memory?); the query was not answered")
        self.idle.put(w)
        return reply

    def close(self) -> None:
        with self.lock:
            for w in self.workers:
                if w.proc.poll() is None:
                    w.proc.kill()
                    w.proc.wait()
            self.workers.clear()


@dataclass
class EndpointConfig:
    """Settings of the endpoint; every limit is enforced per query."""

    store: Path
    timeout: float = 30.0
    max_results: int = 10_000
    max_query_bytes: int = 256 * 1024
    max_answer_bytes: int = 32 * 1024 * 1024
    worker_memory_mb: int = 768
    workers: int = 2
    prefixes: dict[str, str] = field(default_factory=dict)
    union_default_graph: bool = True
    cors: bool = True
    log: bool = True


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: holds the config and the worker pool."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], config: EndpointConfig):
        self.config = config
        self.pool = WorkerPool(config.store, config.workers, config.worker_memory_mb)
        try:
            super().__init__(address, SparqlHandler)
        except OSError as e:
            self.pool.close()
            raise GraphError(f"cannot listen on {address[0]}:{address[1]}: {e.strerror or e}") from e

    def get_request(self):
        """Accept a connection with TCP_NODELAY set (answers go out at once, not after an ACK)."""
        conn, addr = super().get_request()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn, addr

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


class SparqlHandler(BaseHTTPRequestHandler):
    """SPARQL 1.1 Protocol: ``/sparql`` (GET, POST), ``/update`` (always refused), ``/``."""

    protocol_version = "HTTP/1.1"
    server_version = "newskg-sparql"
    timeout = 60  # seconds a connection may sit idle or trickle its request (slow clients)
    server: SparqlServer

    # -- plumbing -------------------------------------------------------------------------
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler API
        if self.server.config.log:
            super().log_message(format, *args)

    def _send(self, reply: Reply, head_only: bool = False) -> None:
        self.send_response(reply.status)
        ctype = reply.type if "charset" in reply.type else reply.type + "; charset=utf-8"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Vary", "Accept")
        if self.server.config.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Expose-Headers", "Content-Type, Content-Length")
        if self.close_connection:
            self.send_header("Connection", "close")
        # head and body in one write: two small writes on a keep-alive connection wait ~40 ms
        # for the client's delayed ACK (Nagle); TCP_NODELAY on the socket covers what is left
        if self.request_version != "HTTP/0.9":  # what end_headers does, without its separate write
            self._headers_buffer.append(b"\r\n")
        head, self._headers_buffer = b"".join(getattr(self, "_headers_buffer", [])), []
        self.wfile.write(head if head_only else head + reply.body)

    def _body(self) -> bytes | Reply:
        """The request body, or the error reply when it is missing or too large."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            return Reply.text(411, "send the request with a Content-Length (chunked bodies are not accepted)")
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            return Reply.text(400, "bad Content-Length header")
        limit = self.server.config.max_query_bytes
        if n > limit:
            if n <= 64 * limit:  # drain it so the client reads our answer instead of a reset
                left = n
                while left > 0:
                    chunk = self.rfile.read(min(left, 1 << 16))
                    if not chunk:
                        break
                    left -= len(chunk)
            else:
                self.close_connection = True
            return Reply.text(413, f"the request body has {n} bytes; this endpoint accepts queries up to {limit} bytes")
        return self.rfile.read(n) if n else b""

    # -- methods --------------------------------------------------------------------------
    def do_OPTIONS(self) -> None:  # noqa: N802 - http.server naming
        self.send_response(204)
        if self.server.config.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header(
                "Access-Control-Allow-Headers", self.headers.get("Access-Control-Request-Headers") or "Content-Type, Accept"
            )
            self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Allow", "GET, POST, OPTIONS")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch("GET", head_only=True)

    def do_GET(self) -> None:  # noqa: N802
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._refuse_write()

    do_DELETE = do_PATCH = do_PUT

    def _refuse_write(self) -> None:
        if self.command != "GET":
            body = self._body()
            if isinstance(body, Reply):
                return self._send(body)
        self._send(Reply.text(403, READ_ONLY))

    def _dispatch(self, method: str, head_only: bool = False) -> None:
        try:
            url = urlsplit(self.path)
            path = url.path.rstrip("/") or "/"
            if path in ("/", "/index.html"):
                return self._send(Reply(200, "text/html; charset=utf-8", query_page()), head_only)
            if path == "/update":
                return self._refuse_write()
            if path not in ("/sparql", "/query"):
                return self._send(Reply.text(404, f"no such resource {url.path}; the SPARQL endpoint is /sparql"), head_only)
            reply = self._query(method, url.query)
        except BrokenPipeError:
            return
        except Exception as e:  # noqa: BLE001 - never let a request kill the server without an answer
            reply = Reply.text(500, f"internal error: {type(e).__name__}: {e}")
        try:
            self._send(reply, head_only)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _query(self, method: str, query_string: str) -> Reply:
        cfg = self.server.config
        try:
            params = parse_qs(query_string, keep_blank_values=True, errors="strict", max_num_fields=200)
        except (UnicodeDecodeError, ValueError) as e:
            return Reply.text(400, f"bad URL parameters: {e}")
        query = None
        if method == "POST":
            body = self._body()
            if isinstance(body, Reply):
                return body
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                return Reply.text(403, READ_ONLY)
            if ctype == "application/sparql-query":
                try:
                    query = body.decode("utf-8")
                except UnicodeDecodeError:
                    return Reply.text(400, "the query is not UTF-8 text")
            elif ctype == "application/x-www-form-urlencoded":
                try:
                    form = parse_qs(body.decode("ascii"), keep_blank_values=True, errors="strict", max_num_fields=200)
                except (UnicodeDecodeError, ValueError) as e:
                    return Reply.text(400, f"the form body is not valid URL-encoded UTF-8: {e}")
                if "update" in form:
                    return Reply.text(403, READ_ONLY)
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
            else:
                return Reply.text(
                    415,
                    f"unsupported Content-Type {ctype or '(none)'}; POST application/sparql-query or "
                    "application/x-www-form-urlencoded with query=",
                )
        if "update" in params:
            return Reply.text(403, READ_ONLY)
        if query is None:
            queries = params.get("query", [])
            if len(queries) != 1:
                if not queries and "text/html" in (self.headers.get("Accept") or ""):
                    return Reply(200, "text/html; charset=utf-8", query_page())
                return Reply.text(400, "give exactly one 'query' parameter (SPARQL 1.1 Protocol)")
            query = queries[0]
        if len(query.encode("utf-8")) > cfg.max_query_bytes:
            return Reply.text(413, f"the query is longer than {cfg.max_query_bytes} bytes, the limit of this endpoint")
        query = query.lstrip("\ufeff")  # a BOM (a .rq file sent as is) is not SPARQL
        if "\x00" in query:
            return Reply.text(400, "the query contains a NUL character; send SPARQL text")
        info = inspect_query(query)
        if info.is_update:
            return Reply.text(403, f"{READ_ONLY} (got a {info.keyword} operation)")
        if info.uses_service:
            return Reply.text(403, "federated queries (SERVICE) are disabled on this endpoint")
        accept = self.headers.get("Accept")
        if params.get("format"):
            accept = FORMAT_NAMES.get(params["format"][0].lower(), params["format"][0])
        request = {
            "query": query,
            "result_type": negotiate(accept, RESULT_TYPES),
            "graph_type": negotiate(accept, GRAPH_TYPES),
            "max_results": cfg.max_results,
            "max_bytes": cfg.max_answer_bytes,
            "union": cfg.union_default_graph,
            "default_graph": params.get("default-graph-uri", []),
            "named_graphs": params.get("named-graph-uri", []),
            "prefixes": cfg.prefixes,
        }
        return self.server.pool.run(request, cfg.timeout)


READ_ONLY = "this SPARQL endpoint is read-only: SPARQL Update is not allowed (change the graph with `newskg build`/`newskg remove`)"


def query_page() -> bytes:
    """The small query page served at ``/`` (static HTML+JS shipped in the package)."""
    return (Path(__file__).parent / "templates" / "sparql_page.html").read_bytes()


def make_server(
    store: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float = 30.0,
    max_results: int = 10_000,
    max_query_bytes: int = 256 * 1024,
    max_answer_bytes: int = 32 * 1024 * 1024,
    worker_memory_mb: int = 768,
    workers: int = 2,
    prefixes: dict[str, str] | None = None,
    union_default_graph: bool = True,
    cors: bool = True,
    log: bool = True,
) -> SparqlServer:
    """Build (not start) the endpoint over the store in ``store``; ``port=0`` picks a free port.
    ``max_answer_bytes`` caps an answer's size (413 past it), ``worker_memory_mb`` each query
    worker's memory (503 for a query that needs more; 0: no limit).

    :raises GraphError: if there is no readable store there or the address is taken.
    """
    path = Path(store)
    if not (path / "CURRENT").is_file():
        raise GraphError(f"no graph store in {path}; build one with `newskg build --store {path}`", path=str(path))
    if timeout <= 0 or max_results < 0 or max_answer_bytes < 0 or worker_memory_mb < 0:
        raise GraphError("--timeout must be positive and --max-results, the answer and memory limits not negative")
    cfg = EndpointConfig(
        store=path,
        timeout=timeout,
        max_results=max_results,
        max_query_bytes=max_query_bytes,
        max_answer_bytes=max_answer_bytes,
        worker_memory_mb=worker_memory_mb,
        workers=workers,
        prefixes=dict(prefixes or {}),
        union_default_graph=union_default_graph,
        cors=cors,
        log=log,
    )
    server = SparqlServer((host, port), cfg)
    probe = server.pool.run({"query": "ASK {}", "result_type": RESULT_TYPES[0], "max_results": 1}, max(timeout, 10.0))
    if probe.status != 200:
        server.server_close()
        raise GraphError(f"cannot open the store read-only: {probe.body.decode('utf-8', 'replace').strip()}", path=str(path))
    return server


def serve(store: str | Path, **options) -> None:
    """Run the endpoint until interrupted (Ctrl-C or SIGTERM); options as :func:`make_server`."""
    run_until_stopped(make_server(store, **options))


def run_until_stopped(server: SparqlServer) -> None:
    """``serve_forever`` in this (main) thread; Ctrl-C or SIGTERM stop it and its workers."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
