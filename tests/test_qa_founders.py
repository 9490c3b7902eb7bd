"""Questions on founders and headquarters (issue 18), answered from a graph extracted from a
text written for the test and stored in a real pyoxigraph Store."""
import pytest
from pyoxigraph import Store

from corpus.model import Article
from extract.pipeline import extract_article
from kg.qa import answer
from kg.rdf import article_graph
from kg.store import write_graphs

TEXT = "2004年，张伟和李娜共同创办了星辰科技有限公司。星辰科技有限公司总部位于东莞市。华星物流集团董事长李志强出席了发布会。"


@pytest.fixture(scope="module")
def store():
    art = Article(id="qa-founders", text=TEXT)
    s = Store()
    write_graphs(s, [article_graph(art, extract_article(art))])
    return s


@pytest.mark.parametrize("question,template,words", [
    ("谁创办了星辰科技有限公司？", "founder_of", ["张伟", "李娜"]),
    ("星辰科技有限公司的创始人是谁？", "founder_of", ["张伟", "李娜"]),
    ("张伟创办了哪些公司？", "founded_what", ["星辰科技有限公司"]),
    ("星辰科技有限公司的总部在哪里？", "headquarters_of", ["东莞市"]),
    ("哪些公司的总部在东莞市？", "headquartered_here", ["星辰科技有限公司"]),
])
def test_answered_from_the_extracted_relation(store, question, template, words):
    a = answer(store, question)
    assert a.found and a.template == template
    assert all(w in a.answer for w in words)


def test_no_founder_is_invented(store):
    a = answer(store, "谁创办了华星物流集团？")
    assert not a.found and "李志强" not in a.answer


@pytest.fixture(scope="module")
def alias_store():
    art = Article(id="qa-aliases", text="国际劳工组织（ILO）发布报告。华星环保集团有限公司（以下简称华星集团）成立于1998年。")
    s = Store()
    write_graphs(s, [article_graph(art, extract_article(art))])
    return s


@pytest.mark.parametrize("question,template,words", [
    ("国际劳工组织简称什么？", "short_names", ["ILO"]),
    ("华星环保集团有限公司的简称是什么？", "short_names", ["华星集团"]),
    ("ILO的全称是什么？", "full_name", ["国际劳工组织"]),
    ("华星集团的全称是什么？", "full_name", ["华星环保集团有限公司"]),
])
def test_names_answered_from_aliases(alias_store, question, template, words):
    a = answer(alias_store, question)
    assert a.found and a.template == template
    assert all(w in a.answer for w in words)


def test_no_short_name_is_invented(store):
    a = answer(store, "星辰科技有限公司简称什么？")
    assert not a.found
