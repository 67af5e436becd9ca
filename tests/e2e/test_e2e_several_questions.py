"""A customer who asks two or three guide questions in one message gets every answer, in the order asked.

Customers often put everything in one message: "where do I pay? and is there anything to do after?".
The bot cuts the message into sentences, keeps statements with the question they lead up to, and
answers each question from the guides in one reply. A message with context and a single question
still gets that one answer, and the conversation goes on normally after a message of several questions.
"""

import pytest

from project_helpers import fresh_sender, named, post, texts

# (message, the answer keys in the order asked). Each question alone is a guide question, with its own answer.
TWO_QUESTIONS = [
    (
        "振込用紙はどこで支払えばよいのでしょうか。また、支払った後にこちらで何か手続きは必要ですか。",
        ["renewal_where_to_pay", "renewal_after_payment"],
    ),
    pytest.param(
        "パスワード忘れちゃったんだけど、どうすればいい？あと、1つのアカウントを何人かで一緒に使うのってあり？",
        ["portal_forgot_password", "portal_shared_account"],
        marks=pytest.mark.xfail(
            strict=True, reason="issue 15, open: unsure, offers guide answers to choose, since the model of 2026-12-07"
        ),
    ),
    (
        "トータルセキュリティって更新できる期間に決まりあるん？それと、ウイルスバスター クラウドは契約終わってから"
        "どれくらいまでなら更新させてもらえるん？",
        ["renewal_window_total_security", "renewal_window_cloud"],
    ),
    # No punctuation between the two questions: the conjunction starts the second.
    (
        "振込用紙って申し込んでからどのくらいで届きますかそれから郵便局で払ったら入金の確認まで何日くらいかかりますか",
        ["renewal_slip_arrival", "renewal_payment_confirmation"],
    ),
    # A typo (覧 for 欄) in the second question.
    (
        "更新の年数って最長で何年まで選べるんですか？あと、個人名を出さずに会社名で申し込みたいときは名前の覧に何を入れたらいいですか？",
        ["renewal_years", "renewal_company_name"],
    ),
    # Statements first, as context of the questions.
    pytest.param(
        "経理を担当しています。会社でウイルスバスター クラウドのライセンスをいくつか持っています。"
        "複数のシリアル番号を一度にまとめて更新するやり方はありますか。"
        "あと、ウイルスバスター クラウドの入っているパソコンが手元にない場合はどうやって更新するんですか。",
        ["renewal_bulk", "renewal_from_account"],
        marks=pytest.mark.xfail(strict=True, reason="issue 15, open: the second read as renewing from the product"),
    ),
    (
        "製品の管理コンソールとは別に、ポータル用のアカウントを作らなきゃいけないんですか？"
        "それから、パートナーの担当者はどこでアカウントを登録すればいいでしょうか。",
        ["portal_separate_account", "portal_partner"],
    ),
    (
        "ライセンスの期限が過ぎたら、ビジネスサポートポータルのアカウントはもう使えないのかしら。"
        "それと、問い合わせの履歴をほかのメンバーにも見せられるのかしら。",
        ["portal_account_validity", "portal_share_history"],
    ),
    (
        "ウイルスバスター クラウドからトータルセキュリティにアップグレードするときの支払い方法を教えてください。"
        "それと、振込用紙を待たずに早く支払える方法ってありますか。",
        ["renewal_upgrade", "renewal_faster_payment"],
    ),
    # Three questions, the last one ending in 知りたい.
    (
        "ポータルのアカウントって何ができるようになるんですか？電話で問い合わせるときもアカウントは必要？"
        "それと、1つのメールアドレスで何個までアカウントを作れるか知りたいです。",
        ["portal_account_purpose", "portal_phone_inquiry", "portal_accounts_per_address"],
    ),
]

# Statements, then one question: one answer, not one per sentence.
ONE_QUESTION_WITH_CONTEXT = [
    (
        "先週、振込用紙での更新を申し込んだところです。届くまでにだいたい何日くらいかかりますか。",
        "renewal_slip_arrival",
    ),
    (
        "昨日、郵便局で払い込みを済ませました。控えも手元にあります。入金が確認されるまで何日くらいかかりますか？",
        "renewal_payment_confirmation",
    ),
    pytest.param(
        "この春から情シスに異動してきました。前任者はサポートポータルを使っていたようです。"
        "ポータルのアカウントがあると何ができるんでしょうか。",
        "portal_account_purpose",
        marks=pytest.mark.xfail(strict=True, reason="issue 15, open: unsure, offers guide answers to choose"),
    ),
    (
        "うちの会社、ウイルスバスター トータルセキュリティ使ってるねん。去年の更新はクレジットカードやった。"
        "トータルセキュリティって更新できる期間に制限あるん？",
        "renewal_window_total_security",
    ),
]

# A message of two questions, then a single question in the same conversation.
THEN_ONE_MORE = [
    (
        "振込用紙ってどこで払えるの？あと払ったあと何か手続きいる？",
        ["renewal_where_to_pay", "renewal_after_payment"],
        "更新の年数は何年まで選べますか",
        "renewal_years",
    ),
    (
        "ポータルのアカウントは電話で問い合わせるときも要りますか。それと、パスワードを忘れたらどうしたらいいですか。",
        ["portal_phone_inquiry", "portal_forgot_password"],
        "メールアドレス1つでアカウントはいくつ作れるんやろ？",
        "portal_accounts_per_address",
    ),
]


def answers(keys: list, responses: dict) -> list:
    return [responses[f"utter_faq/{key}"] for key in keys]


@pytest.mark.parametrize(
    "message,keys", TWO_QUESTIONS, ids=["+".join(getattr(case, "values", case)[1]) for case in TWO_QUESTIONS]
)
def test_every_question_of_a_message_is_answered_in_the_order_asked(bot, responses, message, keys):
    replies = post(bot["rasa_port"], fresh_sender("several-many"), message)
    assert texts(replies) == answers(keys, responses), (
        f"{message!r} got {named(replies, responses)}, expected {[f'utter_faq/{k}' for k in keys]}"
    )


@pytest.mark.parametrize(
    "message,key",
    ONE_QUESTION_WITH_CONTEXT,
    ids=[getattr(case, "values", case)[1] for case in ONE_QUESTION_WITH_CONTEXT],
)
def test_context_before_a_single_question_gets_one_answer(bot, responses, message, key):
    replies = post(bot["rasa_port"], fresh_sender("several-context"), message)
    assert texts(replies) == answers([key], responses), (
        f"{message!r} got {named(replies, responses)}, expected only utter_faq/{key}"
    )


@pytest.mark.parametrize("first,first_keys,next_message,next_key", THEN_ONE_MORE)
def test_the_conversation_goes_on_after_a_message_of_several_questions(
    bot, responses, first, first_keys, next_message, next_key
):
    sender = fresh_sender("several-then-one")
    before = post(bot["rasa_port"], sender, first)
    assert texts(before) == answers(first_keys, responses), (
        f"{first!r} got {named(before, responses)}, expected {[f'utter_faq/{k}' for k in first_keys]}"
    )
    after = post(bot["rasa_port"], sender, next_message)
    assert texts(after) == answers([next_key], responses), (
        f"{next_message!r} after {first!r} got {named(after, responses)}, expected only utter_faq/{next_key}"
    )
