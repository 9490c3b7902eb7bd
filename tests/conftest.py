"""Fixtures every test module may use: the shared, licensed data folder, found one way
(:func:`corpus.shared_data.shared_dir`). A test that needs it asks for the ``shared`` fixture.
Without the folder those tests are set aside at collection and the run says why once, at the
end ("N tests need ..."), instead of one skip line per test."""
from __future__ import annotations

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


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared folder. A file missing inside a present folder fails the test: not a skip."""
    base = shared_dir()
    if base is None:  # only when a test reaches it another way than collection
        pytest.skip(NO_SHARED)
    return base
