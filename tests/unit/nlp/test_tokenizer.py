import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlp.pipeline import analyse, build_nlp, get_nlp
from bot.nlp.tokenizer import TOKENIZER_NAME


def words(text):
    return [t.text for t in analyse(text).tokens]


@pytest.mark.parametrize(
    "text, whole",
    [
        ("ログインできません", "ログイン"),
        ("パスワードを忘れた", "パスワード"),
        ("アクティベーションコードはどこ", "アクティベーションコード"),
        ("シリアル番号が表示されない", "シリアル番号"),
        ("ビジネスサポートポータルの使い方", "ビジネスサポートポータル"),
        ("ウイルスバスター クラウドを更新", "ウイルスバスター クラウド"),
        ("トータルセキュリティにしたい", "トータルセキュリティ"),
        ("振込用紙が届かない", "振込用紙"),
        ("法人カスタマーサービス&サポートのID", "法人カスタマーサービス&サポート"),
    ],
)
def test_domain_words_stay_whole(text, whole):
    assert whole in words(text)


def test_spelling_variants_share_one_lemma():
    lemmas = {t.lemma for text in ("振り込み用紙", "払込票", "振込用紙") for t in analyse(text).tokens}
    assert lemmas == {"振込用紙"}


@pytest.mark.parametrize(
    "typed",
    [
        "ﾋﾞｼﾞﾈｽｻﾎﾟｰﾄﾎﾟｰﾀﾙにﾛｸﾞｲﾝできません",
        "ＶＢＣＬ－４８２１－７７３０－１９５６－２２０４ を更新したい",
        "  ﾊﾟｽﾜｰﾄﾞ　を  忘れました！！ ",
        "メールは Yamada@Sample-Shoji.co.jp です",
        "パスワ－ドを変えたい",
    ],
)
def test_token_offsets_point_at_what_the_customer_typed(typed):
    tokens = analyse(typed).tokens
    assert tokens
    previous_end = 0
    for token in tokens:
        assert previous_end <= token.start < token.end <= len(typed)
        # The typed slice normalizes to exactly the token's text.
        assert analyse(typed[token.start : token.end]).normalized == token.text
        previous_end = token.end


def test_lemmas_carry_no_english_gloss_and_tags_are_unidic():
    tokens = analyse("ビジネス向けのサポートを使いました").tokens
    assert "ビジネス" in [t.lemma for t in tokens]
    assert all("-" not in t.lemma for t in tokens)
    assert {"名詞-普通名詞", "動詞-一般"} & {t.tag for t in tokens}
    assert "使う" in [t.lemma for t in tokens]


@pytest.mark.parametrize("text", ["", " ", "\u3000\n\t", "\x00"])
def test_empty_and_blank_text_give_no_tokens(text):
    assert analyse(text).tokens == ()
    assert analyse(text).entities == ()


def test_spacy_pipeline_is_japanese_on_fugashi_not_sudachi():
    nlp = get_nlp()
    assert nlp.lang == "ja"
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == TOKENIZER_NAME
    doc = nlp("ﾛｸﾞｲﾝできない")
    assert [t.text for t in doc] == ["ログイン", "でき", "ない"]
    assert doc.user_data["source_spans"][0] == (0, 5)


def test_saved_pipeline_loads_again(tmp_path):
    build_nlp().to_disk(tmp_path / "ja_support")
    loaded = spacy.load(tmp_path / "ja_support")
    doc = loaded("VBCL-4821-7730-1956-2204のシリアル番号")
    assert [(e.label_, e.text) for e in doc.ents] == [("serial_number", "VBCL-4821-7730-1956-2204")]


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_text_tokenizes_with_offsets_inside_the_typed_text(text):
    analysis = analyse(text)
    for item in (*analysis.tokens, *analysis.entities):
        assert 0 <= item.start <= item.end <= len(text)
    starts = [token.start for token in analysis.tokens]
    assert starts == sorted(starts)
