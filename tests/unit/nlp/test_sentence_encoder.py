"""The sentence encoder and the feature it gives DIET and the ResponseSelector."""

import numpy as np
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp import encoder
from bot.nlp.rasa_components import SentenceEncoderFeaturizer


def similarity(a: str, b: str) -> float:
    first, second = encoder.encode([a, b])
    return float(first @ second)


@pytest.mark.parametrize(
    "question, same_meaning, other_matter",
    [
        ("パスワードを忘れてしまいました", "ログインの暗証がわからなくなった", "振込用紙はいつ届きますか"),
        ("払込票がまだ届かないんですが", "支払い用の紙っていつ来ますか", "ポータルのアカウントを作りたい"),
        ("人間の担当者と話したい", "オペレーターにつないでください", "ライセンスの有効期限を知りたい"),
    ],
)
def test_messages_in_other_words_lie_closer_than_messages_about_another_matter(question, same_meaning, other_matter):
    assert similarity(question, same_meaning) > similarity(question, other_matter)


def test_each_text_gets_one_unit_vector_and_the_same_one_every_time():
    vectors = encoder.encode(["更新手続きの方法", "更新手続きの方法", "ｺｳｼﾝ"])
    assert vectors.shape == (3, encoder.DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert np.array_equal(vectors[0], vectors[1])
    assert encoder.encode([]).shape == (0, encoder.DIMENSIONS)


def test_the_featurizer_adds_the_vector_as_a_sentence_feature_of_the_text_only():
    featurizer = SentenceEncoderFeaturizer("encoder", SentenceEncoderFeaturizer.get_default_config())
    asked = Message(data={TEXT: "契約を更新したい"})
    without_text = Message(data={"action_name": "utter_greet"})
    featurizer.process([asked, without_text])
    sequence, sentence = asked.get_dense_features(TEXT)
    assert sequence is None
    assert sentence.features.shape == (1, encoder.DIMENSIONS)
    assert np.array_equal(sentence.features[0], encoder.encode(["契約を更新したい"])[0])
    assert without_text.features == []

    training = TrainingData([Message(data={TEXT: "領収書は出ますか", "intent": "out_of_scope"})])
    featurizer.process_training_data(training)
    assert training.training_examples[0].get_dense_features(TEXT)[1].features.shape == (1, encoder.DIMENSIONS)
