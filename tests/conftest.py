"""Fixtures every test module may use.

* The shared, licensed data folder, found one way (:func:`corpus.shared_data.shared_dir`). A
  test that needs it asks for the ``shared`` fixture. Without the folder those tests are set
  aside at collection and the run says why once, at the end ("N tests need ..."), instead of
  one skip line per test.
* A temporary HOME for the whole session (with its XDG config and cache folders, inherited by
  the processes tests start: the browser writes its profile and crash reports there, not into
  the user's ~/.config) and hypothesis's folder under it, not ``.hypothesis`` in the working
  folder. The Q&A cache is pointed at its own temporary folder by the repository's conftest.py.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from corpus.shared_data import SHARED_ENV, shared_dir, shared_location

#: the one reason every test needing ../shared gives when it is absent
NO_SHARED = f"need the licensed shared data (../shared next to the repository, or ${SHARED_ENV})"
_set_aside: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without the shared folder, deselect every test that asks for the ``shared`` fixture."""
    if shared_dir() is not None:
        return
    needs = [it for it in items if "shared" in getattr(it, "fixturenames", ())]
    if needs:
        _set_aside[:] = [it.nodeid for it in needs]
        items[:] = [it for it in items if it not in needs]
        config.hook.pytest_deselected(items=needs)


def pytest_terminal_summary(terminalreporter) -> None:
    """Say once why tests were set aside."""
    if _set_aside:
        terminalreporter.write_line(f"{len(_set_aside)} tests {NO_SHARED}: not found at {shared_location()}; not run")


_HOME_VARS = ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")


_HYPOTHESIS_HOME: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis keeps its examples and unicode tables in a temporary folder."""
    from hypothesis.configuration import set_hypothesis_home_dir

    _HYPOTHESIS_HOME.append(tempfile.mkdtemp(prefix="newskg-hypothesis-"))
    set_hypothesis_home_dir(_HYPOTHESIS_HOME[-1])


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove hypothesis's temporary folder."""
    for path in _HYPOTHESIS_HOME:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _temporary_home(tmp_path_factory):
    """HOME and the XDG folders inside this session's temporary tree."""
    home = tmp_path_factory.mktemp("home")
    old = {k: os.environ.get(k) for k in _HOME_VARS}
    os.environ.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"),
                      XDG_DATA_HOME=str(home / ".local" / "share"))
    yield home
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared folder. A file missing inside a present folder fails the test: not a skip."""
    base = shared_dir()
    if base is None:  # only when a test reaches it another way than collection
        pytest.skip(NO_SHARED)
    return base
