"""Test-session settings for every test and doctest: the Q&A index cache goes to a temporary
folder, so no test writes into the user's real cache (``~/.cache/newskg``) and no test reads
an index another run left there. Subprocesses the tests start inherit the setting."""
from __future__ import annotations

import os

import pytest

from kg import qa_cache

#: The cache folder the user's own runs use (what the code would pick without this file).
USER_CACHE = qa_cache.cache_dir()


@pytest.fixture(scope="session", autouse=True)
def _temporary_qa_cache(tmp_path_factory):
    """Point :data:`kg.qa_cache.CACHE_ENV` at a folder of this session's temporary tree."""
    old = os.environ.get(qa_cache.CACHE_ENV)
    os.environ[qa_cache.CACHE_ENV] = str(tmp_path_factory.mktemp("qa-cache"))
    yield
    if old is None:
        os.environ.pop(qa_cache.CACHE_ENV, None)
    else:
        os.environ[qa_cache.CACHE_ENV] = old
