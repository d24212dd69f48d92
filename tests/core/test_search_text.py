"""How user text becomes a tsquery when it holds Chinese (cocreate/core/search.py)."""

from cocreate.core.i18n import detect_language
from cocreate.core.search import han_pairs, terms, websearch_text


def test_english_queries_are_left_exactly_as_typed():
    for text in ["battery", '"fan noise" -firmware', "wifi or bluetooth", ""]:
        assert websearch_text(text) == text


def test_a_chinese_word_becomes_a_phrase_of_its_characters():
    assert websearch_text("电池").strip() == '"电 池"'
    assert websearch_text("USB电池 slow").split() == ["USB", '"电', '池"', "slow"]


def test_an_excluded_chinese_word_stays_excluded():
    assert websearch_text("手机 -电池").split() == ['"手', '机"', '-"电', '池"']


def test_inside_quotes_the_characters_are_only_spaced():
    assert websearch_text('"电池 battery"') == '" 电 池  battery"'


def test_any_term_queries_use_two_character_sequences_for_chinese():
    assert han_pairs("电池续航") == ["电池", "池续", "续航"]
    assert han_pairs("电") == ["电"]
    assert terms("新电池 battery a 12", skip_digits=True) == [
        "新 <-> 电",
        "电 <-> 池",
        "battery",
    ]


def test_language_detection():
    assert detect_language("电池续航太短") == "zh-hans"
    assert detect_language("USB-C 接口松动") == "zh-hans"
    assert detect_language("The 电池 drains fast overnight") == "en"
    assert detect_language("") == "en"
    assert detect_language("1234 !!!") == "en"
