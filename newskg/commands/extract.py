"""`newskg extract`, `newskg ner`, `newskg eval`: extraction from the command line."""
from __future__ import annotations

import json

import click

from corpus.errors import CorpusError

from newskg.cli import cli, emit_rows, format_table
from newskg.batch import BatchReport, error_object, stdin_lines
from newskg.skips import SkipReport, warnings_as_notes


def extraction_json(ext) -> dict:
    """The JSON object `newskg extract --json` prints for an :class:`extract.pipeline.Extraction`."""
    from extract.model import to_jsonable

    return {
        "articles": [
            {"id": a.id, "kind": a.kind, "title": a.title, "date": a.date, "source": a.source, "checksum": a.checksum}
            for a in ext.articles
        ],
        "entities": [
            {
                "id": e.id,
                "name": e.name,
                "type": e.type,
                "aliases": e.aliases,
                "mentions": [{"article": m.article, "sentence": m.sentence, "start": m.start, "end": m.end, "text": m.text} for m in e.mentions],
            }
            for e in ext.entities
        ],
        "metrics": [
            {k: v for k, v in to_jsonable(m).items()} for m in ext.metrics
        ],
        "relations": [to_jsonable(r) for r in ext.relations],
    }


@cli.command("extract")
@click.argument("paths", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: articles, entities, metrics, relations")
@click.option("--strict", is_flag=True, help="Exit with code 3 if any input was skipped")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "spacy"]), default=None,
              help="table (default), json (= --json), or spacy: a DocBin file for spaCy and annotation tools (-o)")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="Output file (--format spacy)")
def extract_cmd(paths: tuple[str, ...], as_json: bool, strict: bool, fmt: str | None, output: str | None) -> None:
    """Extract entities, metrics and relations from a corpus (default: the bundled sample).

    PATHS are .txt, .jsonl or .jsonl.gz files, directories or - for standard input. Without
    --json, prints tables of entities and relations (co-mentions left out). Each bad file or
    record is skipped and named on stderr (file:line). --format spacy writes a spaCy DocBin
    (needs `pip install newskg[spacy]`): one Doc per article with our entities as doc.ents
    and the figures in doc.spans["figures"].

    In Python: extract.pipeline.extract_corpus(corpus.read_corpus(paths))

    Example:

        newskg extract --json > facts.json

        newskg extract news.jsonl --format spacy -o news.spacy
    """
    from corpus import read_corpus
    from extract.pipeline import extract_corpus

    skips = SkipReport()
    if fmt == "spacy":
        _extract_docbin(paths, output, skips, strict)
        return
    as_json = as_json or fmt == "json"
    with warnings_as_notes():
        ext = extract_corpus(read_corpus(list(paths) or None, on_error=skips))
    skips.verdict(len(ext.articles), strict=strict, noun="article", paths=paths)
    if as_json:
        click.echo(json.dumps(extraction_json(ext), ensure_ascii=False))
        return
    ents = [
        {"id": e.id, "type": e.type, "mentions": len(e.mentions), "aliases": "、".join(e.aliases)}
        for e in sorted(ext.entities, key=lambda e: (-len(e.mentions), e.id))
    ]
    rels = [
        {"head": r.head_name, "relation": r.relation, "tail": r.tail_name, "role": r.role, "article": r.article, "sentence": r.sentence}
        for r in ext.relations
        if r.relation != "co_mention"
    ]
    click.echo(f"{len(ext.articles)} articles, {len(ext.entities)} entities, {len(ext.metrics)} metrics, {len(ext.relations)} relations\n")
    click.echo(format_table(ents))
    click.echo("")
    click.echo(format_table(rels))


def _extract_docbin(paths: tuple[str, ...], output: str | None, skips: SkipReport, strict: bool) -> None:
    """`newskg extract --format spacy -o FILE`: one spaCy Doc per article, as a DocBin."""
    from corpus import read_corpus
    from extract.pipeline import extract_article

    if not output:
        raise click.UsageError("--format spacy writes a binary DocBin: give -o FILE")
    try:
        from extract.spacy_pipe import doc_bin
    except ImportError as e:
        raise click.ClickException(f"--format spacy needs spaCy: pip install newskg[spacy] ({e})") from e
    with warnings_as_notes():
        docs = doc_bin((a, extract_article(a)) for a in read_corpus(list(paths) or None, on_error=skips))
    docs.to_disk(output)
    click.echo(f"wrote {len(docs)} docs to {output}", err=True)
    skips.verdict(len(docs), strict=strict, noun="article", paths=paths)


@cli.command("ner")
@click.option("--eval", "eval_set", type=click.Path(exists=True, dir_okay=False),
              help="Score instead: P/R/F1 on a NER reference set (e.g. eval/ner/dev.jsonl; needs ../shared)")
@click.option("--layer", type=click.Choice(["tagger", "pipeline"]), default="tagger", show_default=True,
              help="With --eval: the statistical tagger alone, or the whole entity layer")
def ner_cmd(eval_set: str | None, layer: str) -> None:
    """Tag entities in text from standard input, one sentence per line.

    Writes one JSON array per input line, in order: [{"start", "end", "type", "text"}] with
    character offsets into that line; types ORG, PLATFORM, PERSON, PLACE, EVENT, WORK. Each
    line is decoded on its own (UTF-8 or GB18030/GBK); a binary or undecodable line gets
    {"line": N, "error": {"code", "message"}} in its place, and the batch goes on.

    In Python: extract.pipeline.ner(text)

    Example:

        echo "记者王小明在上海市报道" | newskg ner

    With --eval FILE, prints precision, recall and F1 over exact PER/LOC/ORG spans (micro and
    per type) on a reference set whose sentences are read from the shared data (eval/ner/README.md).
    """
    from extract.pipeline import ner

    if eval_set:
        from extract.ner import load_tagger
        from extract.ner_eval import evaluate_ner, format_report, read_ner_set

        examples = read_ner_set(eval_set)
        result = evaluate_ner(load_tagger().tag if layer == "tagger" else ner, examples)
        click.echo(f"{eval_set}: {result['sentences']} sentences, {layer}\n{format_report(result)}")
        return

    batch = BatchReport()
    for no, line in stdin_lines():
        if isinstance(line, CorpusError):
            batch.fail(no, line)
            click.echo(json.dumps(error_object(no, line), ensure_ascii=False))
            continue
        if not line.strip():
            click.echo("[]")
            continue
        spans = ner(line)
        batch.ok()
        click.echo(json.dumps([{"start": s.start, "end": s.end, "type": s.label, "text": s.text} for s in spans], ensure_ascii=False))
    batch.verdict("sentence")


def _parse_minimums(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, float]:
    """``NAME=VALUE`` pairs of --min as a dict, names checked against the gates table."""
    from extract import eval_gate

    out: dict[str, float] = {}
    for item in values:
        name, sep, value = item.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise click.BadParameter(f"{item!r}: expected NAME=NUMBER", ctx=ctx, param=param)
    try:
        eval_gate.gates_with(out)
    except ValueError as e:
        raise click.BadParameter(str(e), ctx=ctx, param=param) from e
    return out


@cli.command("eval")
@click.option("--msra/--no-msra", default=True, help="Also score NER on the MSRA held-out split (needs ../shared)")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON (misses, false positives)")
@click.option("--gold", type=click.Path(exists=True, dir_okay=False), help="Entity gold file (default tests/data/seed_entities_gold.json)")
@click.option("--relations-duie", "duie", type=click.Choice(["dev", "blind"]), help="Instead: relation recall on a part of DuIE (../shared/data/duie)")
@click.option("--figures", type=click.Path(exists=True, dir_okay=False),
              help="Only score this figures gold file (the sample's, or CCTV stories by 'doc' id, read from ../shared)")
@click.option("--min", "minimums", multiple=True, metavar="NAME=VALUE", callback=_parse_minimums,
              help="Gate minimum replacing a default of extract/data/eval_gates.tsv (repeatable), e.g. relations.recall=0.9")
def eval_cmd(msra: bool, as_json: bool, gold: str | None, duie: str | None, figures: str | None,
             minimums: dict[str, float]) -> None:
    """Score extraction on the bundled sample against the hand-made gold.

    Entity recall and precision by type, relation recall, metric recall/precision (with and
    without period), and NER micro-F1 on the MSRA held-out split when ../shared is present.
    Entities, relations and figures are gated: any measure below its minimum (defaults the
    sample meets, extract/data/eval_gates.tsv) is named on stderr and the exit code is 5.
    With --relations-duie: recall per relation type on DuIE sentences (docs/relations.md).

    In Python: extract.evaluate.evaluate_sample(), extract.relations_eval.evaluate_duie()

    Examples:

        newskg eval --no-msra

        newskg eval --relations-duie dev

        newskg eval --figures eval/figures/dev.json
    """
    if figures:
        from extract.figures_gold import score_gold_file, summary_lines

        result = score_gold_file(figures)
        click.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str) if as_json else "\n".join(summary_lines(result)))
        return
    from extract.evaluate import evaluate_sample, summary_rows

    if duie:
        from extract import relations_eval

        result = relations_eval.evaluate_duie(part=duie, sample=0)
        if result is None:
            click.echo("skipped: DuIE data not found (set NEWSKG_SHARED)", err=True)
            return
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            emit_rows(relations_eval.summary_rows(result), "table")
        return
    from extract import eval_gate
    from newskg.exit_codes import ExitCode

    result = evaluate_sample(msra=msra, gold_path=gold)
    verdicts = eval_gate.check(result, eval_gate.gates_with(minimums))
    if as_json:
        result["gates"] = [{"name": v.gate.name, "minimum": v.gate.minimum, "value": v.value, "passed": v.passed} for v in verdicts]
        click.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    else:
        emit_rows(summary_rows(result), "table")
    failed = [v for v in verdicts if not v.passed]
    for v in failed:
        click.echo(f"below the gate: {v.gate.name} = {v.value if v.value is None else round(v.value, 3)} "
                   f"(minimum {v.gate.minimum})", err=True)
    if failed:
        click.get_current_context().exit(int(ExitCode.BELOW_GATE))
