"""Generate the CLI reference (docs/cli.md) from the commands' own ``--help`` texts.

Run ``python -m newskg.cli_docs > docs/cli.md``; ``tests/test_docs.py`` checks that the file
is current and that every command has help text with an example.
"""
from __future__ import annotations

import click
from click.testing import CliRunner

from newskg.cli import cli


def iter_commands(group: click.Group = cli, prefix: tuple[str, ...] = ()):
    """Yield ``(path, command)`` for every command and subcommand, sorted by name."""
    for name in sorted(group.commands):
        cmd = group.commands[name]
        path = prefix + (name,)
        yield path, cmd
        if isinstance(cmd, click.Group):
            yield from iter_commands(cmd, path)


def help_text(path: tuple[str, ...]) -> str:
    """The ``--help`` output of ``newskg <path>``, as a user sees it (80 columns)."""
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="newskg", terminal_width=80)
    return result.output.rstrip()


def reference() -> str:
    """The whole CLI reference as Markdown."""
    out = [
        "# CLI reference",
        "",
        "Generated from `--help` by `python -m newskg.cli_docs > docs/cli.md`; do not edit by hand.",
        "",
        "```",
        help_text(()),
        "```",
    ]
    for path, _ in iter_commands():
        out += ["", f"## newskg {' '.join(path)}", "", "```", help_text(path), "```"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    click.echo(reference(), nl=False)
