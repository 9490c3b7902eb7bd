"""The docs keep up with the code: every command documented with help and an example."""
from pathlib import Path

import pytest

from newskg.cli_docs import help_text, iter_commands, reference

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = [path for path, _ in iter_commands()]


def test_cli_reference_is_current():
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == reference(), "regenerate: python -m newskg.cli_docs > docs/cli.md"


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_every_command_has_help_and_an_example(path):
    text = help_text(path)
    assert text.startswith("Usage: newskg " + " ".join(path))
    body = text.split("\n", 2)[-1]
    assert len(body.strip()) > 20
    from newskg.cli import cli
    import click

    cmd = cli
    for name in path:
        cmd = cmd.commands[name]
    if not isinstance(cmd, click.Group):
        assert "Example" in text, f"newskg {' '.join(path)}: help has no Example: block"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
