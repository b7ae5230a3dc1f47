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
