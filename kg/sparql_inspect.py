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
* a ``SERVICE`` counts unless it lies inside a variable, a blank node label, a language tag
  or the local part of a prefixed name; glued to a number or a word (``1SERVICE``,
  ``trueSERVICE``, ``SERVICE:x``) or after a ``.`` it counts, since the parser splits those.

Linear in the length of the text (256 KB of hostile text: < 1 s).

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
#: PN_CHARS of the SPARQL grammar (the characters of names), without ``-``
_PN = (
    r"A-Za-z0-9_\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C\u200D"
    r"\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
    r"\u0300-\u036F"
)
_VARNAME = re.compile(rf"[{_PN}]*")
_LANGTAG = re.compile(r"[A-Za-z]*|[A-Za-z]+(?:-[A-Za-z0-9]+)*-[A-Za-z0-9]*")
_BNODE = re.compile(rf"_:[{_PN}\-]*")
#: a run of characters that may belong to one name: PN_CHARS, ``-``, ``:``, ``%`` and the
#: backslash of an escape (a ``.`` ends a run: a SERVICE after it counts)
_RUN = re.compile(rf"[{_PN}\-:%\\]+")
_SERVICE = re.compile("SERVICE", re.IGNORECASE)
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


def _name_test(code: str, start: int, end: int):
    """For the run of name characters ``code[start:end]``: a test telling whether a
    ``SERVICE`` at a given offset lies inside a variable, a prefixed name's local part, a
    blank node label or a language tag, so that it cannot be the keyword. Anything else
    counts, also after a number or a word (``1SERVICE``, ``trueSERVICE``: the parser splits
    them) and in a prefix (``SERVICE:x`` is the keyword and the IRI ``:x``)."""
    before = code[start - 1] if start else ""
    if before in ("?", "$"):
        last = _VARNAME.match(code, start, end).end()
        return lambda at: at <= last
    if before == "@":
        return lambda at: at - start <= 64 and _LANGTAG.fullmatch(code, start, at) is not None
    if code.startswith("_:", start):
        last = _BNODE.match(code, start, end).end()
        return lambda at: at <= last
    colon = code.find(":", start, end)
    return lambda at: 0 <= colon < at  # the local part of a prefixed name (whatever precedes its colon)


def _calls_service(code: str) -> bool:
    """True when a ``SERVICE`` in the masked code is not inside a name (linear time)."""
    for run in _RUN.finditer(code):
        found = list(_SERVICE.finditer(code, run.start(), run.end()))
        if found:
            in_name = _name_test(code, run.start(), run.end())
            if not all(in_name(m.start()) for m in found):
                return True
    return False


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
        service = service or _calls_service(code) or (ambiguous and bool(_SERVICE.search(reading)))
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
