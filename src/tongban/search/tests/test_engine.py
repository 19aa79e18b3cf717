"""The pure index: tokenizer, synonyms, BM25F ranking, filters. No database."""

from __future__ import annotations

import pytest

from bench.generators.catalogue_fixture import fixture_documents
from tongban.search import engine
from tongban.search.engine import Document, SearchIndex, Synonyms, Tokenizer
from tongban.search.relevance import evaluate, load_questions, name_matches
from tongban.search.selectors import SYNONYMS_FILE

ZJ = ("330000000000", "330600000000", "330681000000")  # 浙江省 › 绍兴市 › 诸暨市
PH = ("330000000000", "330400000000", "330482000000")  # 浙江省 › 嘉兴市 › 平湖市


def doc(code: str, name: str, path: tuple[str, ...] = ZJ, kind: str = "item", **fields: str) -> Document:
    return Document(
        kind=kind, code=code, name=name, department="某部门", region="诸暨市", division_path=path, fields=fields
    )


@pytest.fixture(scope="module")
def thesaurus() -> Synonyms:
    return Synonyms(engine.parse_synonym_lines(SYNONYMS_FILE.read_text(encoding="utf-8").splitlines()))


# --- tokenizer ---------------------------------------------------------------------------------------------


def test_tokens_drop_question_words_and_keep_meaning():
    tokens = Tokenizer().tokens("孩子刚出生要办什么？")
    assert "孩子" in tokens and "出生" in tokens
    for stop in ("要", "办", "什么", "？"):
        assert stop not in tokens


def test_tokens_include_dictionary_subwords_of_long_words():
    tokens = Tokenizer().tokens("企业职工基本养老保险关系转移接续")
    for word in ("养老保险", "养老", "保险", "转移", "接续", "企业"):
        assert word in tokens


def test_full_width_and_case_are_normalised():
    tok = Tokenizer()
    assert tok.tokens("ＡＢＣ社保") == tok.tokens("abc社保")


def test_added_user_word_stays_one_token_and_keeps_subwords():
    tok = Tokenizer()
    tok.add_words(["丧葬补助金和抚恤金"])
    tokens = tok.tokens("丧葬补助金和抚恤金")
    assert "丧葬补助金和抚恤金" in tokens
    assert "抚恤金" in tokens and "丧葬" in tokens


def test_char_bigrams_skip_stopwords():
    grams = engine.char_bigrams("怎么开无犯罪证明", Tokenizer())
    assert engine.NGRAM_PREFIX + "犯罪" in grams
    assert engine.NGRAM_PREFIX + "怎么" not in grams


# --- synonyms ------------------------------------------------------------------------------------------------


def test_synonym_phrase_matches_inside_the_query():
    syn = Synonyms({"刚出生": "新生儿 出生", "公积金": ["住房公积金"]})
    assert syn.expand("孩子刚出生要办什么") == ["新生儿", "出生"]
    assert syn.expand("我想提取公积金") == ["住房公积金"]
    assert syn.expand("结婚登记") == []


def test_longer_phrase_wins_over_a_phrase_inside_it():
    syn = Synonyms({"社保": "社会保险", "社保卡": "社会保障卡"})
    assert syn.expand("社保卡怎么办") == ["社会保障卡"]
    assert syn.expand("社保怎么交") == ["社会保险"]


def test_parse_synonym_lines():
    mapping = engine.parse_synonym_lines(["# comment", "去世、过世 => 死亡 身后事", "", "公积金=>住房公积金"])
    assert mapping == {"去世": ["死亡", "身后事"], "过世": ["死亡", "身后事"], "公积金": ["住房公积金"]}
    with pytest.raises(ValueError, match="=>"):
        engine.parse_synonym_lines(["没有箭头"])


def test_builtin_thesaurus_parses(thesaurus):
    assert len(thesaurus) > 100
    assert "新生儿" in thesaurus.expand("孩子刚出生")


def test_expansion_finds_a_document_sharing_no_word_with_the_query():
    docs = [doc("a", "身后事一件事", kind="bundle"), doc("b", "婚姻登记")]
    plain = SearchIndex(docs)
    assert plain.search("老人去世了") == []
    expanded = SearchIndex(docs, Synonyms({"去世": "死亡 身后事"}))
    assert [h.document.code for h in expanded.search("老人去世了")] == ["a"]


# --- ranking -------------------------------------------------------------------------------------------------


def test_name_match_outranks_description_match():
    docs = [
        doc("desc", "社会保障卡申领", description="申领社会保障卡时可同时办理失业登记。"),
        doc("name", "失业登记", description="处于无业状态的人员办理登记。"),
    ]
    hits = SearchIndex(docs).search("失业登记")
    assert [h.document.code for h in hits] == ["name", "desc"]
    assert hits[0].score > hits[1].score > 0


def test_rare_term_outweighs_common_term():
    docs = [doc(f"c{i}", f"开具证明{i}") for i in range(8)] + [doc("rare", "无犯罪记录证明")]
    hits = SearchIndex(docs).search("犯罪 证明")
    assert hits[0].document.code == "rare"


def test_more_matching_terms_rank_higher():
    docs = [doc("one", "住房公积金单位登记开户"), doc("two", "购房提取住房公积金"), doc("zero", "婚姻登记")]
    hits = SearchIndex(docs).search("买房提取公积金")
    assert hits[0].document.code == "two"
    assert "zero" not in [h.document.code for h in hits]


def test_aliases_and_keywords_count():
    docs = [doc("k", "居民身份证换领", keywords="换身份证 身份证过期"), doc("x", "婚姻登记")]
    assert SearchIndex(docs).search("身份证过期")[0].document.code == "k"


def test_bigram_fallback_matches_out_of_vocabulary_wording():
    docs = [doc("a", "无犯罪记录证明"), doc("b", "开具户籍类证明"), doc("c", "出生医学证明")]
    assert SearchIndex(docs).search("开无犯罪证明")[0].document.code == "a"


def test_unmatched_or_stopword_only_query_returns_nothing():
    index = SearchIndex([doc("a", "婚姻登记")])
    assert index.search("怎么办什么") == []
    assert index.search("量子计算机") == []


def test_empty_index():
    assert SearchIndex([]).search("婚姻登记") == []


# --- filters -------------------------------------------------------------------------------------------------


def test_region_filter_keeps_own_ancestors_and_descendants():
    town = (*ZJ, "330681001000")
    docs = [
        doc("county", "婚姻登记", ZJ),
        doc("province", "婚姻登记", ZJ[:1]),
        doc("city", "婚姻登记", ZJ[:2]),
        doc("town", "婚姻登记", town),
        doc("other-county", "婚姻登记", PH),
        doc("other-city", "婚姻登记", PH[:2]),
    ]
    index = SearchIndex(docs)
    codes = lambda path: sorted(h.document.code for h in index.search("婚姻登记", region_path=path))  # noqa: E731
    assert codes(ZJ) == ["city", "county", "province", "town"]
    assert codes(PH) == ["other-city", "other-county", "province"]
    assert codes(ZJ[:1]) == ["city", "county", "other-city", "other-county", "province", "town"]
    assert codes(town) == ["city", "county", "province", "town"]
    assert codes(("110000000000",)) == []
    assert len(index.search("婚姻登记")) == 6
    # The mask is cached per region path.
    assert index.region_mask(ZJ) is index.region_mask(ZJ)


def test_kind_filter_limit_and_distinct():
    docs = [
        doc("i1", "退休提取住房公积金"),
        doc("i2", "退休提取住房公积金", PH),
        doc("b1", "退休一件事", kind="bundle"),
        doc("i3", "养老金待遇申领", description="退休后申领"),
    ]
    index = SearchIndex(docs)
    assert {h.document.kind for h in index.search("退休", kind="bundle")} == {"bundle"}
    assert {h.document.kind for h in index.search("退休", kind="item")} == {"item"}
    assert len(index.search("退休", limit=2)) == 2
    names = [h.document.name for h in index.search("退休", distinct=True)]
    assert len(names) == len(set(names)) == 3
    with pytest.raises(ValueError):
        index.search("退休", kind="case")


def test_results_are_sorted_and_ties_keep_build_order():
    docs = [doc(f"d{i}", "婚姻登记") for i in range(30)]
    hits = SearchIndex(docs).search("婚姻登记", limit=5)
    assert [h.document.code for h in hits] == ["d0", "d1", "d2", "d3", "d4"]
    hits = SearchIndex([*docs, doc("best", "婚姻登记", aliases="婚姻登记")]).search("婚姻登记", limit=3)
    assert hits[0].document.code == "best"
    assert hits[0].score >= hits[1].score >= hits[2].score


# --- relevance on the fixture catalogue (engine only) --------------------------------------------------------


def test_name_matching_rules():
    assert name_matches("新生儿出生一件事", "新生儿出生")
    assert name_matches("无犯罪记录证明", "无犯罪记录证明")
    assert not name_matches("正常退休提取住房公积金", "退休")
    assert name_matches("退休一件事", "退休")


def test_fixture_relevance_top3(thesaurus):
    index = SearchIndex(fixture_documents(), thesaurus)
    report = evaluate(load_questions(), lambda q: [h.document.name for h in index.search(q, region_path=ZJ)])
    assert len(report.outcomes) >= 40
    assert report.top_k(3) >= 0.9, report.summary() + "".join(
        f"\n{o.question.q} → {o.names[:3]}" for o in report.misses()
    )
    # Without the thesaurus the same engine does clearly worse: the expansion is doing real work.
    bare = SearchIndex(fixture_documents())
    bare_report = evaluate(load_questions(), lambda q: [h.document.name for h in bare.search(q, region_path=ZJ)])
    assert bare_report.top_k(1) < report.top_k(1)


def test_min_score_ratio_drops_the_weak_tail():
    docs = [doc("strong", "婚姻登记", description="结婚登记 离婚登记"), doc("weak", "失业登记")]
    index = SearchIndex(docs)
    assert [h.document.code for h in index.search("婚姻登记")] == ["strong", "weak"]
    assert [h.document.code for h in index.search("婚姻登记", min_score_ratio=0.5)] == ["strong"]


# --- one row per item, and nothing for a query that matches nothing -----------------------------------------


def implemented(code: str, name: str, path: tuple[str, ...], entry: str, **fields: str) -> Document:
    return Document(
        kind="item", code=code, name=name, department="公安局", region=path[-1], division_path=path,
        fields=fields, group=f"entry:{entry}",
    )  # fmt: skip


def test_fold_answers_one_row_per_item_the_searchers_region_first():
    docs = [
        implemented("ph", "无犯罪记录证明", PH, "1", aliases="无犯罪记录证明"),  # the best match, elsewhere
        implemented("zj", "无犯罪记录证明", ZJ, "1"),
        implemented("far", "无犯罪记录证明", ("150000000000", "150800000000"), "1"),
        implemented("zj-card", "居民身份证补领", ZJ, "2", keywords="无犯罪 证明 不需要"),
    ]
    index = SearchIndex(docs)
    plain = index.search("无犯罪记录证明")
    assert [h.document.code for h in plain][:3] == ["ph", "zj", "far"]  # three rows of the same item
    folded = index.search("无犯罪记录证明", fold=True, prefer_path=ZJ)
    assert [h.document.code for h in folded] == ["zj", "zj-card"]
    assert [d.code for d in folded[0].others] == ["ph", "far"]
    assert folded[0].score == plain[0].score  # the item ranks by its best implementation
    nowhere = index.search("无犯罪记录证明", fold=True)
    assert nowhere[0].document.code == "ph" and [d.code for d in nowhere[0].others] == ["zj", "far"]
    # A region filter keeps what serves the region; the item's other regions are still named under it.
    there = index.search("无犯罪记录证明", fold=True, region_path=PH, prefer_path=PH)
    assert [h.document.code for h in there] == ["ph"] and {d.code for d in there[0].others} == {"zj", "far"}


def test_memoised_analysis_and_folds_answer_as_the_first_time():
    """The index memoises each query text's analysis and each item's other regions per searcher's region
    (bench/search.py): a second ask, another region's ask and a cleared cache all answer alike."""
    docs = [
        implemented("ph", "无犯罪记录证明", PH, "1", aliases="无犯罪记录证明"),
        implemented("zj", "无犯罪记录证明", ZJ, "1"),
        implemented("far", "无犯罪记录证明", ("150000000000", "150800000000"), "1"),
    ]
    index = SearchIndex(docs)

    def answer(prefer: tuple[str, ...] | None) -> list[tuple[str, float, list[str]]]:
        hits = index.search("无犯罪记录证明怎么办", fold=True, prefer_path=prefer)
        return [(h.document.code, h.score, [d.code for d in h.others]) for h in hits]

    first = {prefer: answer(prefer) for prefer in (ZJ, PH, None)}
    assert first[ZJ][0][0] == "zj" and first[ZJ][0][2] == ["ph", "far"]
    assert first[PH][0][0] == "ph" and first[PH][0][2] == ["zj", "far"]
    assert first[None][0][2] == ["zj", "far"]
    assert index.analyze("无犯罪记录证明怎么办") is index.analyze("无犯罪记录证明怎么办")
    assert {prefer: answer(prefer) for prefer in (PH, None, ZJ)} == first
    index.clear_query_cache()
    assert {prefer: answer(prefer) for prefer in (ZJ, PH, None)} == first


def test_fold_limit_counts_items_not_implementations():
    docs = [
        implemented(f"d{i}-{r}", f"事项{i}登记", path, str(i)) for i in range(6) for r, path in (("zj", ZJ), ("ph", PH))
    ]
    hits = SearchIndex(docs).search("登记", fold=True, limit=4, prefer_path=PH)
    assert len(hits) == 4 and all(h.document.division_path == PH and len(h.others) == 1 for h in hits)


def test_a_query_sharing_no_word_with_the_catalogue_matches_nothing():
    docs = [
        doc("buy", "二手房买卖转移登记", aliases="买房 过户 房", description="想买或者卖房子的"),
        doc("card", "社会保障卡补换"),
    ]
    index = SearchIndex(docs)
    assert index.search("买彩票") == []  # 买 alone, a single character, is no match
    assert index.search("火星移民") == []
    assert [h.document.code for h in index.search("买房")] == ["buy"]
    assert [h.document.code for h in index.search("房")] == ["buy"]  # a one-character query still works
