"""お取引エリア・加工分類 (issue 27): the one list of each and how free text from before the lists maps onto them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from netclub.data import choices
from netclub.models.profile import Profile, StoredProfile
from netclub.services import profiles
from pydantic import ValidationError


def test_every_list_value_maps_onto_itself_and_the_keys_are_distinct() -> None:
    for listed, mapping in ((choices.TRADE_AREAS, choices.trade_area), (choices.PROCESSING_CATEGORIES, choices.processing_category)):
        assert len(set(listed)) == len(listed) and all(0 < len(v) <= 50 for v in listed)
        assert [mapping(v) for v in listed] == list(listed)
        assert len({choices.key(v) for v in listed}) == len(listed)


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("東京都", "東京都内"),
        ("東京", "東京都内"),
        (" 都内 ", "東京都内"),
        ("東京２３区", "東京都内"),  # full-width digits (NFKC)
        ("首都圏", "関東"),
        ("近畿", "関西"),
        ("中国四国", "中国・四国"),
        ("九州･沖縄", "九州・沖縄"),  # half-width 「･」
        ("四国", "中国・四国"),
        ("日本全国", "全国"),
        ("国外", "海外"),
        ("中国", None),  # 中国地方 or China: not guessed
        ("多摩地区", None),
        ("", None),
    ],
)
def test_trade_areas_written_before_the_list(written: str, meant: str | None) -> None:
    assert choices.trade_area(written) == meant


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("プレス加工", "プレス"),
        ("ﾌﾟﾚｽ", "プレス"),
        ("ぷれす", "プレス"),
        ("めっき", "メッキ"),
        ("鍍金加工", "メッキ"),
        ("射出成型", "樹脂成形"),
        ("組み立て", "組立"),
        ("ニット", "編立"),
        ("切削加工業", "切削"),
        ("加工", None),
        ("レーザー加工", None),
    ],
)
def test_processing_categories_written_before_the_list(written: str, meant: str | None) -> None:
    assert choices.processing_category(written) == meant


def test_read_back_maps_keeps_the_unknown_as_written_and_drops_only_blanks_and_repeats() -> None:
    assert choices.read_back(["東京都", "東京都内", " ", "多摩地区", "東京"], choices.trade_area) == ["東京都内", "多摩地区"]


@given(st.lists(st.text(max_size=12), max_size=8))
def test_read_back_never_loses_a_value_silently(values: list[str]) -> None:
    shown = choices.read_back(values, choices.trade_area)
    for value in values:
        if value.strip():
            assert (choices.trade_area(value) or value) in shown


def test_a_request_takes_list_values_only_each_once() -> None:
    assert Profile.model_validate({"trade_areas": ["関東", "全国", "関東"]}).trade_areas == ["関東", "全国"]
    with pytest.raises(ValidationError):
        Profile.model_validate({"processing_categories": ["プレス加工"]})
    _, errors = profiles.validate({"trade_areas": ["関東", "東京都"], "processing_categories": ["謎"]})
    messages = {e.field: e.message for e in errors}
    assert messages["trade_areas"] == "お取引エリアは選択肢の中から選んでください（「東京都」は選択肢にありません）。"
    assert messages["processing_categories"] == "加工分類は選択肢の中から選んでください（「謎」は選択肢にありません）。"


def test_a_stored_profile_reads_back_mapped_and_its_schema_declares_the_lists() -> None:
    stored = {"trade_areas": ["東京都", "多摩地区"], "processing_categories": ["ﾒｯｷ加工"]}
    for model in (Profile, StoredProfile):
        read = model.model_validate(stored, context={"stored": True})
        assert read.trade_areas == ["東京都内", "多摩地区"] and read.processing_categories == ["メッキ"]
    schema = Profile.model_json_schema()["properties"]
    assert schema["trade_areas"]["items"]["enum"] == list(choices.TRADE_AREAS)
    assert schema["processing_categories"]["items"]["enum"] == list(choices.PROCESSING_CATEGORIES)
    assert "enum" not in StoredProfile.model_json_schema()["properties"]["trade_areas"]["items"]  # an answer may hold one from before


@pytest.mark.parametrize(
    ("cell", "read"),
    [
        ("東京都\r\n関東", ["東京都内", "関東"]),  # a CRLF break inside the quoted cell
        ("東京都\t", ["東京都内"]),
        (" 関東 、 首都圏 ,東京", ["関東", "東京都内"]),
        ("中国・四国", ["中国・四国"]),
    ],
)
def test_the_import_reads_a_cell_of_several_areas_whatever_separates_them(cell: str, read: list[str]) -> None:
    from netclub.services import member_csv

    column = next(c for c in member_csv.COLUMNS if c.header == "お取引エリア")
    assert column.read(cell) == read
