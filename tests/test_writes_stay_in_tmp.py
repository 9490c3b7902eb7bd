"""The CLI writes only where it is told or into the user's own folders: run in a clean
temporary HOME and working folder, a build, a question, an evaluation and a listing leave the
repository and the real user's cache untouched, and put the store and the Q&A index cache
inside the temporary folders (real processes, real store: nothing mocked)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", "newskg.egg-info"}
#: the real user's Q&A cache, whatever the test session points the cache at
USER_CACHE = Path(os.path.expanduser("~")) / ".cache" / "newskg"


def _files(root: Path) -> dict[str, int]:
    """Every file under ``root`` (build and tool folders left out) with its modification time."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for name in filenames:
            path = os.path.join(dirpath, name)
            try:
                out[os.path.relpath(path, root)] = os.stat(path).st_mtime_ns
            except FileNotFoundError:  # removed meanwhile
                pass
    return out


def _newskg(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newskg", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_cli_commands_write_nothing_outside_their_folders(tmp_path):
    home, work, tmp = tmp_path / "home", tmp_path / "work", tmp_path / "tmp"
    for d in (home, work, tmp):
        d.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSKG_", "XDG_"))}
    env.update(HOME=str(home), TMPDIR=str(tmp), PYTHONPATH=str(REPO))
    repo_before, cache_before = _files(REPO), _files(USER_CACHE) if USER_CACHE.is_dir() else {}

    runs = [
        ["build", "--workers", "1"],  # the bundled sample into ./newskg-data
        ["ask", "京西智谷的首批算力规模是多少？"],
        ["eval", "--no-msra"],
        ["corpus", "list"],
    ]
    for args in runs:
        r = _newskg(args, work, env)
        assert r.returncode == 0, (args, r.stdout[-2000:], r.stderr[-2000:])

    assert (work / "newskg-data").is_dir()  # the default store, in the working folder
    assert any((home / ".cache" / "newskg").iterdir())  # the Q&A index cache, in this HOME
    changed = {p for p, t in _files(REPO).items() if repo_before.get(p) != t}
    assert not changed, f"written into the repository: {sorted(changed)[:10]}"
    if USER_CACHE.is_dir():
        assert _files(USER_CACHE) == cache_before, "written into the real ~/.cache/newskg"
