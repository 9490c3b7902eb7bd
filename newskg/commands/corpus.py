"""`newskg corpus ...`: list the pieces of a corpus and show one of them."""
from __future__ import annotations

import json

import click

from corpus import find_article, read_corpus
from newskg.cli import cli, output_options
from newskg.skips import SkipReport, warnings_as_notes


@cli.group()
def corpus() -> None:
    """Read a corpus: list its pieces (articles, briefs, captions, items), show one.

    With no PATHS, the bundled People's Daily sample is read.

    Example:

        newskg corpus list
    """


def _row(a) -> dict:
    return {"id": a.id, "kind": a.kind, "title": a.title, "date": a.date, "source": a.source,
            "chars": len(a.text), "sentences": len(a.sentences)}


@corpus.command("list")
@click.argument("paths", nargs=-1)
@click.option("--strict", is_flag=True, help="Exit with code 3 if any input was skipped")
@output_options
def list_cmd(paths: tuple[str, ...], strict: bool) -> list[dict]:
    """List one row per piece: id, kind, title, date, source, chars, sentences.

    PATHS are .txt, .jsonl or .jsonl.gz files, directories (read recursively) or - for
    standard input. Each bad file or record is skipped and named on stderr (file:line);
    the exit code says when nothing was read (see `newskg --help`).

    In Python: corpus.read_corpus(paths)

    Example:

        newskg corpus list --json

        newskg corpus list ../shared/data/news/xwlb/2023.jsonl.gz --csv
    """
    skips = SkipReport()
    with warnings_as_notes():
        rows = [_row(a) for a in read_corpus(list(paths) or None, on_error=skips)]
    skips.verdict(len(rows), strict=strict, noun="article", paths=paths)
    return rows


@corpus.command("show")
@click.argument("article_id")
@click.argument("paths", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Output the article as a JSON object")
def show_cmd(article_id: str, paths: tuple[str, ...], as_json: bool) -> None:
    """Show one piece: metadata, then the repaired text with its subheads.

    In Python: corpus.find_article(article_id, paths)

    Example:

        newskg corpus show renmin_ribao_2023_digital_trade_industrial_internet_02
    """
    with warnings_as_notes():
        art = find_article(article_id, list(paths) or None, on_error=SkipReport())
    if as_json:
        click.echo(json.dumps(art.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"id: {art.id}")
    for key in ("kind", "title", "date", "source", "line", "url"):
        value = getattr(art, key)
        if value not in (None, ""):
            click.echo(f"{key}: {value}")
    for key, value in art.meta.items():
        click.echo(f"{key}: {value}")
    click.echo(f"sentences: {len(art.sentences)}  chars: {len(art.text)}  checksum: {art.checksum[:12]}")
    click.echo("")
    heads = {}
    for s in art.subheads:
        heads.setdefault(s.offset, []).append(s.text)
    pos = 0
    for para in art.text.split("\n"):
        for h in heads.get(pos, []):
            click.echo(f"\n## {h}\n")
        click.echo(para)
        pos += len(para) + 1
