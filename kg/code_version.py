"""Versions of the code that makes what newskg stores: a digest of the files (code, data
tables, model) that decide an article's graph, and of those that decide the Q&A indexes.

A stored article records the extractor version that made it (``nkg:extractorVersion``), so a
build re-extracts articles made by other code; the Q&A index cache is keyed by the index
code's version. Digests of file contents (not of package versions or timestamps): an edited
rule table or a retrained model is a new version, a ``touch`` is not.

>>> extractor_version() == extractor_version() and len(extractor_version()) == 16
True
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import sys
from pathlib import Path
from typing import Callable, Iterable

_ROOT = Path(__file__).resolve().parent.parent

#: What decides an article's graph: the extraction package (code, tables, NER model) and the
#: mapping of facts to RDF (paths relative to the project root; globs).
EXTRACTOR_FILES = ("extract/**/*.py", "extract/data/**/*", "extract/models/**/*",
                   "kg/rdf.py", "kg/vocab.py", "kg/data/types.tsv", "kg/data/relations.tsv")
#: What decides the Q&A indexes besides the graph: every Q&A module, its tables, queries and
#: templates, the summary graph it reads labels from, and the extraction rules the question
#: parser may share (code and tables; not the NER model, which questions never run).
QA_FILES = ("kg/qa*.py", "kg/summary.py", "kg/vocab.py", "kg/data/**/*", "kg/queries/**/*", "kg/templates/**/*",
            "extract/**/*.py", "extract/data/**/*")


def files_digest(patterns: Iterable[str], root: Path = _ROOT) -> str:
    """Order-free digest (16 hex digits) of the files the globs match under ``root``: their
    relative paths and bytes (``__pycache__`` left out)."""
    h = hashlib.blake2b(digest_size=8)
    files = {p for pat in patterns for p in root.glob(pat) if p.is_file() and "__pycache__" not in p.parts}
    for p in sorted(files):
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.blake2b(p.read_bytes(), digest_size=16).digest())
    return h.hexdigest()


@functools.lru_cache(maxsize=None)
def _default_version() -> str:
    return files_digest(EXTRACTOR_FILES)


def extractor_version(extractor: Callable | None = None) -> str:
    """The version stamped on the articles ``extractor`` makes. The project pipeline (None):
    a digest of :data:`EXTRACTOR_FILES`. Another function: its ``version`` attribute if it
    has one, else a digest of its qualified name and its module's source."""
    if extractor is None or _is_default(extractor):
        return _default_version()
    own = getattr(extractor, "version", None)
    if isinstance(own, str) and own:
        return own
    name = f"{getattr(extractor, '__module__', '')}.{getattr(extractor, '__qualname__', repr(extractor))}"
    try:
        source = Path(inspect.getsourcefile(extractor) or "").read_bytes()
    except (TypeError, OSError):
        source = b""
    return hashlib.blake2b(name.encode() + b"\0" + source, digest_size=8).hexdigest()


def _is_default(extractor: Callable) -> bool:
    pipeline = sys.modules.get("extract.pipeline")
    return pipeline is not None and extractor is getattr(pipeline, "extract_article", None)


@functools.lru_cache(maxsize=None)
def qa_code_version() -> str:
    """Digest of the code and data that build the Q&A indexes (:data:`QA_FILES`)."""
    return files_digest(QA_FILES)


__all__ = ["EXTRACTOR_FILES", "QA_FILES", "extractor_version", "files_digest", "qa_code_version"]
