"""The guides cut into passages: one step or one answer each, every word of the guide kept."""

from bot.domain.guide_passages import SHORTEST_PASSAGE, guide_passages, split_guide


def test_a_picture_line_or_a_blank_line_ends_a_passage_and_bullets_go():
    text = (
        "更新方法\n- 契約更新サイトで年数を選択し、支払方法に「振込用紙」を指定してください。\n-\n"
        "  • 振込用紙は 1 ~ 2 週間ほどで届きます。お早めの方はクレジットカードをどうぞ。\n"
    )
    passages = split_guide("renewal.txt", text)
    assert [p.text for p in passages] == [
        "更新方法\n契約更新サイトで年数を選択し、支払方法に「振込用紙」を指定してください。",
        "振込用紙は 1 ~ 2 週間ほどで届きます。お早めの方はクレジットカードをどうぞ。",
    ]
    assert {p.guide for p in passages} == {"renewal.txt"}


def test_a_heading_alone_joins_the_passage_after_it():
    passages = split_guide(
        "g.txt", "有効期限内の場合:\n\nご入金が確認でき次第、ご利用端末の有効期限は自動で延長されます。\n"
    )
    assert [p.text for p in passages] == [
        "有効期限内の場合:\nご入金が確認でき次第、ご利用端末の有効期限は自動で延長されます。"
    ]


def test_both_guides_are_cut_and_no_sentence_is_lost():
    passages = guide_passages()
    assert {p.guide for p in passages} == {"portal", "renewal"}
    joined = "\n".join(p.text for p in passages)
    for sentence in [
        "入金確認までの期間 振込用紙(コンビニエンスストア) 当日 ~ 5 日程度 振込用紙(郵便局) 翌日 ~ 10 日程度",
        "できません。",
        "使用許諾契約書をご確認のうえ、[同意して、お申し込み内容を確認する] をクリックします。",
    ]:
        assert sentence in joined
    assert all(len(p.text) >= SHORTEST_PASSAGE for p in passages[:-1])
