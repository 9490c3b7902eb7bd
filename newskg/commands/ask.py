"""`newskg ask`: templated question answering over the graph (kg.qa)."""
from __future__ import annotations

import json

import click

from corpus.errors import CorpusError, NewskgError
from newskg.batch import BatchReport, error_object, stdin_lines
from newskg.cli import cli


def _plain(a) -> str:
    """Answer, then its sources, then the SPARQL (the plain output of `newskg ask`)."""
    lines = [a.answer]
    if a.sources:
        lines.append("")
        lines.append("来源 (sources):")
        for s in a.sources:
            where = f"{s.article}" + (f" [{s.start}:{s.end}]" if s.start is not None else "")
            title = f"《{s.title}》 " if s.title else ""
            lines.append(f"  - {title}{where}: {s.sentence or ''}")
    if a.sparql:
        lines.append("")
        lines.append("SPARQL:")
        lines.append(a.sparql)
    return "\n".join(lines)


@cli.command()
@click.argument("question", required=False)
@click.option("--store", "store_dir", default=None, metavar="DIR",
              help="Graph store directory (default: ./newskg-data)")
@click.option("--json", "as_json", is_flag=True, help="Output the answer as JSON (JSONL when reading stdin)")
@click.option("--list-templates", is_flag=True, help="List the question templates with examples and exit")
def ask(question: str | None, store_dir: str | None, as_json: bool, list_templates: bool) -> None:
    """Answer a question in Chinese from the graph, with its sources and the SPARQL used.

    With no QUESTION, reads questions from standard input, one per line, and answers each
    (one JSON object per line with --json). A question that cannot be answered (or a line
    that is not text) is reported with its line number and code, on stderr and, with --json,
    as {"line", "question", "error": {"code", "message"}}; the others are still answered.
    In Python: kg.qa.answer(store, question).

    Example:

        newskg ask "2022年中国数字经济规模是多少？" --json
    """
    from kg import qa
    from kg.store import DEFAULT_STORE, open_store

    if list_templates:
        rows = qa.list_templates()
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for t in rows:
                click.echo(f"{t['name']}: {t['description']}")
                for ex in t["examples"]:
                    click.echo(f"    {ex}")
        return
    store = open_store(store_dir or DEFAULT_STORE, read_only=True)
    if question is not None:
        a = qa.answer(store, question)
        click.echo(json.dumps(a.to_dict(), ensure_ascii=False, indent=2) if as_json else _plain(a))
        return
    batch = BatchReport()
    for no, line in stdin_lines():
        q = None if isinstance(line, CorpusError) else line.strip()
        if q == "":
            continue
        try:
            if isinstance(line, CorpusError):
                raise line
            a = qa.answer(store, q)
        except NewskgError as e:
            batch.fail(no, e)
            if as_json:
                click.echo(json.dumps({"line": no, "question": q, **error_object(no, e)}, ensure_ascii=False))
            continue
        if as_json:
            click.echo(json.dumps(a.to_dict(), ensure_ascii=False))
        else:
            if batch.done:
                click.echo("\n" + "=" * 40)
            click.echo(f"问：{q}")
            click.echo(_plain(a))
        batch.ok()
    batch.verdict("question")
