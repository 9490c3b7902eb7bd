"""Reading Chinese news corpora: decode, repair PDF damage, split pieces and sentences.

Public API (others depend on it):

* :func:`read_corpus` - lazy stream of :class:`~corpus.model.Article` from files/dirs/stdin
* :func:`bundled_corpus_path` - the bundled People's Daily sample
* :func:`articles_from_text` - articles of a text in memory (tests, UI upload)
* :func:`find_article` - one article by id
"""
from corpus.articles import articles_from_text
from corpus.errors import ArticleNotFound, CorpusError
from corpus.model import Article, Sentence, Subhead
from corpus.stream import bundled_corpus_path, find_article, read_corpus

__all__ = [
    "Article",
    "ArticleNotFound",
    "CorpusError",
    "Sentence",
    "Subhead",
    "articles_from_text",
    "bundled_corpus_path",
    "find_article",
    "read_corpus",
]
