"""Corpus: list and read the articles in the graph; upload .txt/.jsonl(.gz) files to add them
incrementally. A bad file gets a clear message and changes nothing."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import streamlit as st

from ui import state
from ui.i18n import t
from ui.tables import show_table
from ui.text import md_escape, paragraphs

ACCEPTED = ["txt", "jsonl", "gz"]
UPLOAD_CHUNK = 8  # articles per build call (one progress step)


@st.cache_data(show_spinner=False)
def _articles(path: str, version: int) -> list[dict]:
    from kg.browse import list_articles

    return list_articles(state.get_store())


@st.cache_data(show_spinner=False, max_entries=128)
def _article(path: str, version: int, article_id: str) -> dict:
    from kg.browse import article_details

    return article_details(state.get_store(), article_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _from_source(article_id: str, source: str | None, checksum: str | None) -> dict | None:
    """The article as read from its source file (repaired text, subheads, byline and credit
    metadata) when that file is still there and still gives the text the graph was built from."""
    from corpus import bundled_corpus_path, find_article

    if not source or not checksum:
        return None
    if Path(source).name == bundled_corpus_path().name:
        paths = None
    elif Path(source).is_file():
        paths = [source]
    else:
        return None
    try:
        art = find_article(article_id, paths)
    except Exception:  # moved, changed or unreadable: the graph's own text is shown instead
        return None
    return art.to_dict() if art.checksum == checksum else None


def _with_subheads(text: str, subheads: list[dict]) -> str:
    """Markdown of an article's text with its subheads as headings (everything escaped)."""
    out, pos = [], 0
    for sh in sorted(subheads, key=lambda s: s["offset"]):
        out.append(paragraphs(text[pos:sh["offset"]]))
        out.append(f"#### {md_escape(sh['text'])}")
        pos = sh["offset"]
    out.append(paragraphs(text[pos:]))
    return "\n\n".join(o for o in out if o)


def _safe_name(name: str) -> str:
    """A file name for the temp dir: the upload's base name reduced to safe characters (the
    name's stem becomes part of the article ids, as with `newskg build FILE`)."""
    base = Path(name.replace("\\", "/")).name
    suffix = ".jsonl.gz" if base.endswith(".jsonl.gz") else Path(base).suffix
    stem = re.sub(r"[^\w\-]+", "_", base[: len(base) - len(suffix)])[:80].strip("_") or "upload"
    return stem + suffix


def upload_error(err: Exception, name: str, path: Path) -> str:
    """An uploaded file's read error naming the file once, as uploaded (not its temp path)."""
    from corpus.errors import NewskgError

    if isinstance(err, NewskgError) and err.path is not None:
        err.path = name
        return str(err)
    text = str(err).replace(str(path), name)
    return text if text.startswith(name) else f"{name}: {text}"


def _add_uploads(files) -> None:
    """Parse every upload first (strict); only when all are good, build them into the store."""
    from corpus import read_corpus
    from kg import qa_link
    from kg.build import build

    with tempfile.TemporaryDirectory(prefix="newskg-upload-") as tmp:
        paths = []
        for i, f in enumerate(files):
            if not f.name.endswith((".txt", ".jsonl", ".jsonl.gz")):
                st.error(t("corpus.bad_type", name=md_escape(f.name)))
                return
            p = Path(tmp) / str(i) / _safe_name(f.name)  # one folder per upload: no clashes
            p.parent.mkdir()
            p.write_bytes(f.getvalue())
            paths.append((f.name, p))
        articles = []
        for name, p in paths:
            try:
                got = list(read_corpus([str(p)], strict=True))
            except Exception as e:
                st.error(t("corpus.bad_file", error=md_escape(upload_error(e, name, p))))
                return
            if not got:
                st.error(t("corpus.no_article", name=md_escape(name)))
                return
            for a in got:
                a.source = name  # the upload's name, not the temp path
            articles.extend(got)
        bar = st.progress(0.0, text=t("corpus.adding", n=len(articles)))
        total: dict = {}
        try:
            for i in range(0, len(articles), UPLOAD_CHUNK):
                part = build(articles[i:i + UPLOAD_CHUNK], state.get_store(), workers=1, strict=True)
                for k, v in part.as_dict().items():
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        total[k] = total.get(k, 0) + v
                done = min(i + UPLOAD_CHUNK, len(articles))
                bar.progress(done / len(articles), text=t("corpus.progress", done=done, n=len(articles)))
        except Exception as e:
            state.show_error(e)
            return
        finally:
            if total:
                state.bump_data_version()
                qa_link.clear_cache(state.get_store())  # Q&A names and indicators: new ones answerable at once
    st.session_state["corpus_summary"] = total


def _remove(article_id: str) -> None:
    """Take the article and all its facts out of the graph (``kg.build.remove``: one
    transaction, then the summary graph; through the store this app holds open for writing)."""
    from kg import qa_link
    from kg.build import remove

    try:
        removed = remove(state.get_store(), [article_id])
    except Exception as e:
        state.show_error(e)
        return
    finally:
        st.session_state.pop("corpus_confirm", None)
    state.bump_data_version()
    qa_link.clear_cache(state.get_store())  # Q&A names and indicators of the article go too
    st.session_state["corpus_removed"] = removed
    st.session_state.pop("nav_corpus_article", None)
    st.query_params.pop("article", None)
    st.rerun()


st.title(t("page.corpus"))
state.cli_hint("newskg corpus list --json · newskg corpus show ID · newskg build FILES")

with st.expander(t("corpus.add"), expanded=False):
    files = st.file_uploader(t("corpus.files"), type=ACCEPTED, accept_multiple_files=True, key="corpus_upload")
    if st.button(t("corpus.add_button"), disabled=not files, key="corpus_add"):
        _add_uploads(files)
    summary = st.session_state.get("corpus_summary")
    if summary is not None:
        from kg.labels import label
        from ui.i18n import lang

        st.success(t("corpus.added", summary=", ".join(  # the build's triples are article triples
            f"{label('count', 'article_triples' if k == 'triples' else k, lang())} {v}" for k, v in summary.items()
            if k in ("articles", "added", "replaced", "unchanged", "entities", "metrics", "relations", "triples"))))

try:
    arts = _articles(state.store_path(), state.data_version())
except Exception as e:
    state.show_error(e)
    st.stop()

removed = st.session_state.pop("corpus_removed", None)
if removed:
    st.success(t("corpus.removed", ids=", ".join(md_escape(i) for i in removed)), icon=":material/delete:")
st.caption(t("corpus.count", n=len(arts)))
show_table(arts, {"kind": "article_kind"})
ids = [a["id"] for a in arts]
current = state.param("corpus", "article")
titles = {a["id"]: f"{a.get('title') or a['id']} · {a.get('kind', '')}" for a in arts}
pick = st.selectbox(t("corpus.read"), ids, index=ids.index(current) if current in ids else None,
                    format_func=lambda i: titles.get(i, i), key=f"corpus_pick_{current}", placeholder=t("common.choose"))
if pick and pick != current:
    st.session_state["nav_corpus_article"] = pick
    st.query_params["article"] = pick
    current = pick
if not current:
    st.stop()

try:
    art = _article(state.store_path(), state.data_version(), current)
except Exception as e:
    state.show_error(e)
    st.stop()
full = _from_source(current, art.get("source"), art.get("checksum"))
st.header(md_escape(art.get("title") or art["id"]))
if st.session_state.get("corpus_confirm") == current:
    with st.container(border=True):
        st.warning(t("corpus.remove_confirm", id=md_escape(art["id"])), icon=":material/warning:")
        yes, no = st.columns(2)
        if yes.button(t("corpus.remove_yes"), type="primary", key="corpus_remove_yes"):
            _remove(current)
        if no.button(t("corpus.remove_no"), key="corpus_remove_no"):
            st.session_state.pop("corpus_confirm", None)
            st.rerun()
elif st.button(t("corpus.remove"), key="corpus_remove", icon=":material/delete:"):
    st.session_state["corpus_confirm"] = current
    st.rerun()
meta = {k: art.get(k) for k in ("id", "kind", "date", "source", "line", "url") if art.get(k)}
meta.update((full or {}).get("meta") or {})
st.markdown("  \n".join(f"**{md_escape(k)}:** {md_escape(v)}" for k, v in meta.items()))
if full:
    st.markdown(_with_subheads(full["text"], full.get("subheads") or []))
else:
    st.caption(t("corpus.rebuilt"))
    st.markdown(paragraphs(art.get("text") or ""))
