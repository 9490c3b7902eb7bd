"""A store held open for writing: the second writer's error names the holder (pid and
command line), and a holder that is gone is not named."""
from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from kg.store import open_store
from kg.store_holder import HOLDER_FILE
from newskg.cli import cli

HOLD = "import sys, time; from kg.store import open_store; s = open_store(sys.argv[1]); print('held', flush=True); time.sleep(120)"


def test_build_names_the_process_holding_the_store(tmp_path):
    d = tmp_path / "s"
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(d), "--marker-of-this-holder"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        r = CliRunner().invoke(cli, ["build", "--store", str(d), "--workers", "1"])
        assert r.exit_code != 0
        assert f"open for writing by pid {proc.pid}: " in r.output
        assert "--marker-of-this-holder" in r.output
        assert "newskg build`?" not in r.output
    finally:
        proc.kill()
        proc.wait()


def test_a_holder_that_is_gone_is_not_named(tmp_path):
    d = tmp_path / "s"
    store = open_store(d)
    del store
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (d / HOLDER_FILE).write_text(json.dumps({"pid": int(dead.stdout), "command": "dead-holder-command"}), encoding="utf-8")
    # a writer that records nothing (pyoxigraph directly) holds the lock
    raw = HOLD.replace("from kg.store import open_store; s = open_store(sys.argv[1])",
                       "import pyoxigraph; s = pyoxigraph.Store(sys.argv[1])")
    holder = subprocess.Popen([sys.executable, "-c", raw, str(d)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        r = CliRunner().invoke(cli, ["remove", "x", "--store", str(d)])
        assert "open for writing by another process" in r.output and "dead-holder-command" not in r.output
    finally:
        holder.kill()
        holder.wait()
