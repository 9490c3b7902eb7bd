"""Decide from a SPARQL text's real tokens what it asks for before it runs: its first
keyword (query or update) and whether it calls a remote endpoint with ``SERVICE``.

The text is split the way the SPARQL grammar splits it: comments (``#`` up to a CR or an
LF), string literals (short and long, with backslash escapes), IRIs (with ``\\u`` escapes)
and backslash escapes of prefixed names are masked; what is left is code. ``SERVICE`` is a
keyword only in code, so ``"SERVICE"``, ``<http://x/SERVICE>``, ``ex:service`` and
``?service`` are not calls, while ``# x\\rSERVICE <…>`` is one.

The decision fails closed where the grammar leaves room for two readings:

* the text is read twice, as written and with ``\\uXXXX``/``\\UXXXXXXXX`` code points
  decoded first (SPARQL 1.1 §19.2 allows that anywhere; pyoxigraph 0.5 decodes them in
  strings and IRIs only), and a ``SERVICE`` in either reading counts;
* ``<`` is both the IRI opener and the less-than operator: an IRI-shaped ``<…>`` holding a
  ``'`` could be an operator followed by a string, so such a text counts as calling
  ``SERVICE`` as soon as the word appears in it anywhere;
* a word ``SERVICE`` directly after ``.`` or a backslash counts (it may end a triple).

>>> inspect_query("SELECT * WHERE { # x\\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
QueryInfo(is_update=False, keyword='SELECT', uses_service=True)
>>> inspect_query('SELECT ?service WHERE { ?service <http://x/SERVICE> "SERVICE" }').uses_service
False
"""
from __future__ import annotations

import re
from typing import NamedTuple

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})

#: the pieces of a SPARQL text that are not code: comment, strings, IRI (order matters:
#: long strings before short ones); a backslash pair in code (``ex:a\#b``) stays code.
_PIECE = re.compile(
    r"""(?P<comment>\#[^\r\n]*)"""
    r"""|(?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\""""
    r"""|'(?:[^'\\\r\n]|\\[^\r\n])*'|"(?:[^"\\\r\n]|\\[^\r\n])*")"""
    r"""|(?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)"""
    r"""|(?P<code>\\.|[^\#'"<\\]+|.)""",
    re.S,
)
#: characters that continue a name (PN_CHARS, variable, prefix and language-tag marks):
#: a SERVICE right after one of them is part of that name, not the keyword.
_NAME_CHAR = (
    r"A-Za-z0-9_\-:?$@\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C\u200D"
    r"\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
)
_SERVICE = re.compile(rf"(?<![{_NAME_CHAR}])SERVICE", re.IGNORECASE)
_WORD = re.compile(r"(?<![\w:?$@])[A-Za-z]+(?![\w:])")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class QueryInfo(NamedTuple):
    """What a caller needs to know about a SPARQL text before running it."""

    is_update: bool
    keyword: str | None
    uses_service: bool


def decode_codepoints(text: str) -> str:
    r"""``\uXXXX`` and ``\UXXXXXXXX`` escapes replaced by their characters (SPARQL 1.1 §19.2).

    >>> decode_codepoints(r"\u0053ERVICE")
    'SERVICE'
    """

    def one(m: re.Match) -> str:
        n = int(m.group(1) or m.group(2), 16)
        return chr(n) if n <= 0x10FFFF else m.group(0)

    return _CODEPOINT.sub(one, text)


def mask_code(text: str) -> tuple[str, bool]:
    """The text with comments, strings and IRIs each replaced by one space, and whether an
    IRI-shaped ``<…>`` held a ``'`` (two readings possible, see the module doc).

    >>> mask_code("SELECT ?s { ?s <http://x/#a> 'b' } # c")
    ('SELECT ?s { ?s   }  ', False)
    """
    out, ambiguous = [], False
    for m in _PIECE.finditer(text):
        if m.group("code") is not None:
            out.append(m.group("code"))
        else:
            out.append(" ")
            ambiguous = ambiguous or (m.group("iri") is not None and "'" in m.group("iri"))
    return "".join(out), ambiguous


def inspect_query(text: str) -> QueryInfo:
    """Classify a SPARQL text by its first keyword after the prologue and tell whether it
    calls ``SERVICE`` in any reading (see the module doc).

    >>> inspect_query("PREFIX ex: <http://e/> INSERT DATA { ex:a ex:b ex:c }")
    QueryInfo(is_update=True, keyword='INSERT', uses_service=False)
    >>> inspect_query("select * { ?s ?p ?o .service:x { ?a ?b ?c } }").uses_service
    True
    """
    text = text.lstrip("\ufeff")
    service = False
    first = None
    for reading in dict.fromkeys((text, decode_codepoints(text))):
        code, ambiguous = mask_code(reading)
        service = service or bool(_SERVICE.search(code)) or (ambiguous and bool(_SERVICE.search(reading)))
        if first is None:
            words = (w.group(0).upper() for w in _WORD.finditer(code))
            first = next((w for w in words if w not in ("PREFIX", "BASE")), None)
    return QueryInfo(first in UPDATE_KEYWORDS, first, service)


def uses_service(text: str) -> bool:
    """True when a query may call a remote endpoint (``SERVICE``) in any reading.

    >>> uses_service("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT * { ?s <http://x/SERVICE> "SERVICE" }')
    False
    """
    return inspect_query(text).uses_service
