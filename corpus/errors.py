"""One catalogue of newskg errors; every layer raises these, only the CLI and UI display them.

Each error carries a short code (``E0xx`` output, ``E1xx`` corpus, ``E2xx`` extract, ``E3xx``
kg, ``E4xx`` Q&A) so that messages can be looked up in docs and matched in tests.
"""
from __future__ import annotations


class NewskgError(Exception):
    """Base class: a user-facing error with a code and a message that says how to fix it."""

    code = "E000"

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return f"{where}{self.message} [{self.code}]"


class OutputError(NewskgError):
    """The output could not be written (a full disk, a closed pipe, a read-only file)."""

    code = "E010"


class CorpusError(NewskgError):
    """Something about an input file is wrong (encoding, format, content)."""

    code = "E100"


class DecodeError(CorpusError):
    """A text file is in none of the encodings newskg reads."""

    code = "E101"


class BinaryFileError(CorpusError):
    """A file that is not text at all, or one line of binary data in a line-based input."""

    code = "E102"


class RecordError(CorpusError):
    """A malformed record, e.g. a JSON line that does not parse or lacks ``text``."""

    code = "E103"


class EmptyFileError(CorpusError):
    """An input file with no text (empty or only whitespace); skipped with a warning unless strict."""

    code = "E105"


class NothingReadError(CorpusError):
    """Not one usable article, line or question was read: every input was skipped or empty."""

    code = "E106"


class InputsSkippedError(CorpusError):
    """Some inputs (files, records, lines of a batch) were skipped; raised with ``--strict``
    and at the end of an ``ask``/``ner`` batch, after each skip has been reported."""

    code = "E107"


class ArticleNotFound(CorpusError):
    """No article with the given id in the corpus."""

    code = "E104"


class ExtractError(NewskgError):
    """Extraction failed (missing model, bad lexicon file)."""

    code = "E200"


class GraphError(NewskgError):
    """Store, SPARQL or export problem."""

    code = "E300"


class QueryError(GraphError):
    """A SPARQL query that does not parse, is not allowed, or exceeds a limit."""

    code = "E301"


class QAError(NewskgError):
    """Question answering could not proceed."""

    code = "E400"
