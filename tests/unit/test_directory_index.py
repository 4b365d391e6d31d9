"""会員企業検索's in-memory index: normalisation, AND of substrings, filters, order."""

from __future__ import annotations

from typing import Any

from netclub.services.directory_index import Index, company_from, normalize, words_of


def _company(cid: str, **profile: Any) -> Any:
    return company_from({"company_id": cid, "company_name": profile.get("company_name", ""), "company_name_kana": profile.get("company_name_kana")}, profile)


INDEX = Index.build(
    [
        _company(
            "a",
            company_name="株式会社アルファ金型",
            company_name_kana="アルファカナガタ",
            business_summary="精密プレス金型の設計と製作",
            industry={"major": "E", "middle": "24", "minor": "2441"},
            trade_areas=["関東"],
            processing_categories=["プレス"],
        ),
        _company(
            "b",
            company_name="ベータ溶接工業",
            company_name_kana="ベータヨウセツコウギョウ",
            business_summary="TIG溶接・アルミ溶接",
            equipment=[{"name": "ﾌﾟﾚｽ機", "maker": "AMADA"}],
            industry={"major": "E", "middle": "25", "minor": "2592"},
            trade_areas=["関東", "東北"],
        ),
        _company(
            "c",
            company_name="ガンマ商事",
            company_name_kana="ガンマショウジ",
            public_info="金型部品の販売",
            industry={"major": "I", "middle": "53", "minor": "5321"},
            trade_areas=["関西"],
        ),
        _company("d", company_name="デルタ", company_name_kana="デルタ", business_summary="金", shipping_sales="型"),
    ]
)


def ids(found: list[int]) -> list[str]:
    return [INDEX.cards[n]["company_id"] for n in found]


def test_normalisation_folds_width_case_and_kana() -> None:
    assert normalize("ﾌﾟﾚｽ") == normalize("プレス") == normalize("ぷれす")
    assert normalize("ＡＭＡＤＡ") == normalize("amada")
    assert words_of("金型　プレス  金型") == ["金型", "ぷれす"]  # full-width space, duplicates once


def test_two_character_words_and_every_field_kind() -> None:
    assert set(ids(INDEX.search("金型"))) == {"a", "c"}
    assert ids(INDEX.search("溶接")) == ["b"]
    assert ids(INDEX.search("ぷれす")) == ["a", "b"]  # name/tags of a (プレス), equipment of b (ﾌﾟﾚｽ機)
    assert ids(INDEX.search("amada")) == ["b"]


def test_words_are_and_and_never_span_two_fields_or_companies() -> None:
    assert ids(INDEX.search("金型 プレス")) == ["a"]
    assert ids(INDEX.search("金型 溶接")) == []
    assert ids(INDEX.search("金型")) == ["a", "c"]  # d has 金 and 型 only in two different fields


def test_a_hit_in_the_name_ranks_before_one_in_the_text() -> None:
    assert ids(INDEX.search("金型")) == ["a", "c"]  # a: name (3) ; c: public info (1)
    assert ids(INDEX.search("ガンマ 金型")) == ["c"]


def test_filters_by_industry_at_any_level_area_and_processing() -> None:
    assert ids(INDEX.search(industry="E")) == ["a", "b"]
    assert ids(INDEX.search(industry="24")) == ["a"]
    assert ids(INDEX.search(industry="244")) == ["a"]
    assert ids(INDEX.search(industry="53")) == ["c"]
    assert ids(INDEX.search(area="東北")) == ["b"]
    assert ids(INDEX.search(area="関東", processing="ﾌﾟﾚｽ")) == ["a"]
    assert ids(INDEX.search("金型", industry="I")) == ["c"]


def test_no_words_lists_every_company_in_kana_order() -> None:
    assert ids(INDEX.search()) == ["a", "c", "d", "b"]  # あるふぁ, がんま, でるた, べーた


def test_industry_codes_match_themselves_and_below() -> None:
    assert ids(INDEX.search(industry="e")) == ["a", "b"]
    assert ids(INDEX.search(industry="2441")) == ["a"]
    assert ids(INDEX.search(industry="245")) == []


def test_the_stored_index_answers_the_same() -> None:
    loaded = Index.load(INDEX.dump())
    for query in ("", "金型", "ぷれす amada", "溶接"):
        for industry in ("", "E", "24"):
            assert loaded.search(query, industry) == INDEX.search(query, industry)
    assert loaded.cards == INDEX.cards


def test_an_updated_index_is_the_index_built_from_the_changed_companies() -> None:
    """What the stream's updates rely on: update(upserts, removed) == build(the list changed so)."""
    import random

    rng = random.Random(7)
    pool = [
        _company(
            f"id{n:03d}",
            company_name=f"会社{n}",
            company_name_kana=rng.choice(["ア", "カ", "サ", "タ", "ナ"]) + f"{n:03d}",
            business_summary=rng.choice(["プレス", "溶接", "金型", "塗装"]),
            industry={"major": "E", "middle": rng.choice(["24", "25"]), "minor": ""},
            trade_areas=[rng.choice(["関東", "関西"])],
        )
        for n in range(60)
    ]
    current = {c.card["company_id"]: c for c in pool[:40]}
    index = Index.load(Index.build(current.values()).dump())  # as stored and read back
    for _ in range(5):
        upserts = rng.sample(pool, 8)
        removed = {c.card["company_id"] for c in rng.sample(pool, 5)} - {c.card["company_id"] for c in upserts}
        index = Index.load(index.updated(upserts, removed).dump())
        current.update({c.card["company_id"]: c for c in upserts})
        for r in removed:
            current.pop(r, None)
        expected = Index.build(current.values())
        assert index.cards == expected.cards
        for words, industry, area in (("", "", ""), ("ぷれす", "", ""), ("", "24", "関東"), ("溶接", "E", "")):
            assert index.search(words, industry, area) == expected.search(words, industry, area)


def test_the_stored_columns_hold_any_text_and_the_previous_format_is_still_read() -> None:
    import gzip
    import json

    odd = _company("x", company_name="区切り\x1e記号\x1f入り", company_name_kana="クギリ", business_summary="a\x1eb", trade_areas=["関\x1f東"])
    index = Index.load(Index.build([odd, *[_company(c, company_name=c) for c in "pq"]]).dump())
    at = index.company_ids().index("x")
    assert len(index) == 3 and index.cards[at]["company_name"] == "区切り\x1e記号\x1f入り"  # the card is JSON: kept as it was
    assert index.search("a b") == [at]
    assert index.search("", area="関 東") == [at]
    old = {  # what a deployment of format 1 stored (directory/index.json.gz): read until the next rebuild
        "format": 1,
        "cards": INDEX.cards[:],
        "names": INDEX._names,
        "tags": INDEX._tags,
        "text": [r.text for r in INDEX._rows],
        "facets": [r.facets.split("\x1f") if r.facets else [] for r in INDEX._rows],
    }
    again = Index.load(gzip.compress(json.dumps(old, ensure_ascii=False).encode()))
    assert again.cards == INDEX.cards
    assert again.search("ぷれす", "E") == INDEX.search("ぷれす", "E")


def test_a_filter_matches_whole_keys_only_in_a_built_and_a_loaded_index() -> None:
    """The facets are found in the column's text: a key must match a whole key (関東 is not 関東甲信越, 24 is
    not 244), at the start of the text, between companies and at its end, the same before and after dump/load."""
    built = Index.build(
        [
            _company("p", company_name="ア", company_name_kana="ア", trade_areas=["関東"], industry={"major": "E", "middle": "24", "minor": "2441"}),
            _company("q", company_name="イ", company_name_kana="イ", trade_areas=["関東甲信越"], processing_categories=["プレス加工"]),
            _company("r", company_name="ウ", company_name_kana="ウ"),
            _company("s", company_name="エ", company_name_kana="エ", trade_areas=["北関東", "関東"], processing_categories=["プレス"]),
        ]
    )
    for index in (built, Index.load(built.dump())):
        found = lambda **f: [index.cards[n]["company_id"] for n in index.search("", **f)]  # noqa: E731
        assert found(area="関東") == ["p", "s"]
        assert found(area="関東甲信越") == ["q"]
        assert found(area="東") == [] and found(industry="2") == [] and found(industry="244") == ["p"]
        assert found(processing="プレス") == ["s"] and found(processing="ぷれす加工") == ["q"]
        assert found(area="関東", processing="プレス") == ["s"]
        assert found(industry="E") == ["p"] and found(area="北関東") == ["s"]
