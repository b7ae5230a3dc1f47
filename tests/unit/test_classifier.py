"""The passage classifier's blend of a multinomial LR and naive-Bayes-scaled one-vs-rest LRs."""

import numpy as np
import pytest
from scipy import sparse

from model.features import NaiveBayesBlend

# Columns: "lift" (favor only), "keep" (against only), "venue" (none only), "said" (everywhere).
FEATURES = sparse.csr_matrix(
    np.array(
        [
            [1, 0, 0, 1],
            [1, 0, 0, 0],
            [0, 1, 0, 1],
            [0, 1, 0, 0],
            [0, 0, 1, 1],
            [0, 0, 1, 0],
        ],
        dtype=float,
    )
)
LABELS = ["favor", "favor", "against", "against", "none", "none"]


@pytest.fixture(scope="module")
def blend() -> NaiveBayesBlend:
    """The blend fitted on six one-sided rows."""
    return NaiveBayesBlend(c=8.0).fit(FEATURES, LABELS)


def test_log_count_ratio_favours_features_seen_only_inside_the_class(blend) -> None:
    present = FEATURES.copy()
    ratio = blend._log_count_ratio(present, np.array(LABELS) == "favor")
    lift, keep, venue, said = ratio
    assert lift > said > keep
    assert keep == pytest.approx(venue)


def test_each_rows_probabilities_sum_to_one_in_class_order(blend) -> None:
    probabilities = blend.predict_proba(FEATURES)
    assert list(blend.classes_) == ["against", "favor", "none"]
    assert probabilities.sum(axis=1) == pytest.approx(np.ones(len(LABELS)))


def test_one_sided_features_decide_the_class(blend) -> None:
    unseen = sparse.csr_matrix(np.array([[1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1]], dtype=float))
    assert list(blend.predict(unseen)) == ["favor", "against", "none"]


def test_the_same_data_gives_the_same_probabilities(blend) -> None:
    again = NaiveBayesBlend(c=8.0).fit(FEATURES, LABELS)
    assert np.array_equal(again.predict_proba(FEATURES), blend.predict_proba(FEATURES))


def test_group_features_are_the_summed_counts_of_their_texts_weighted_once() -> None:
    from model.features import build_pipeline, texts_and_groups_features

    texts = [
        "TGTACTOR said the limits should stay.",
        "TGTACTOR told reporters the limits must stay.",
        "OTHACTOR told TGTACTOR to lift the limits.",
    ]
    union = build_pipeline().named_steps["features"].fit(texts)
    singles, groups = texts_and_groups_features(union, texts, [[0, 1], [2]])
    assert abs(singles - union.transform(texts)).max() < 1e-12
    assert abs(groups[1] - singles[2]).max() < 1e-12
    words = dict(union.transformer_list)["words"].named_steps["tfidf"]
    limits, told = words.vocabulary_["limits"], words.vocabulary_["told"]
    row = groups[0].toarray()[0]
    # The first group holds "limits" twice and "told" once: sublinear tf, then idf.
    assert row[limits] / row[told] == pytest.approx(
        (1 + np.log(2)) * words.idf_[limits] / words.idf_[told]
    )


def test_a_hand_fitted_union_gives_the_features_of_a_fitted_one_and_reuses_its_counts() -> None:
    from model.features import build_pipeline, fit_union, groups_features

    texts = [
        "TGTACTOR said the limits should stay.",
        "TGTACTOR told reporters the limits must stay.",
        "OTHACTOR told TGTACTOR to lift the limits.",
        "TGTACTOR did not lift the limits.",
    ]
    fitted = build_pipeline().named_steps["features"].fit(texts)
    by_hand = build_pipeline().named_steps["features"]
    features, known = fit_union(by_hand, texts)
    assert (features != fitted.transform(texts)).nnz == 0
    assert (by_hand.transform(texts) != fitted.transform(texts)).nnz == 0
    # A profile mixes texts the union was fitted on with a new one; only the new one is counted.
    profile = [texts[2], "OTHACTOR urged TGTACTOR to keep the limits.", texts[0]]
    groups = [[0, 1], [2]]
    reused = groups_features(by_hand, profile, groups, known)
    assert abs(reused - groups_features(fitted, profile, groups)).max() < 1e-12
    assert known.parts[0].shape[0] == len(texts)
