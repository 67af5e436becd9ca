"""Not knowing is an answer, not a no."""

import pytest

from bot.domain.not_knowing import says_not_knowing


@pytest.mark.parametrize(
    "text",
    [
        "わからない",
        "うーん、よくわからないです",
        "しりあるばんごうは わかりません",
        "探したけど見つからない",
        "覚えてないです",
        "知らんがな",
        "I don't know",
    ],
)
def test_not_knowing_in_many_voices(text):
    assert says_not_knowing(text)


@pytest.mark.parametrize(
    "text", ["いいえ", "キャンセルします", "わからないのでやめます", "違います", "不要です", "はい"]
)
def test_a_no_stays_a_no(text):
    assert not says_not_knowing(text)
