"""Mitigation wrappers over fairlearn: postprocessing, reductions, labels, reproducibility."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from greennb.data import load_dataset, split_dataset
from greennb.errors import FairnessWarning, InvalidTypeError, InvalidValueError
from greennb.fairness import (
    MITIGATION_CONSTRAINTS,
    MITIGATION_METHODS,
    MitigatedClassifier,
    mitigate,
    social_responsibility_index,
    sri_metric_for,
)
from greennb.models import make_model


def _selection_ratio(y_true, y_pred, groups, pos_label) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FairnessWarning)
        sri = social_responsibility_index(
            y_true, y_pred, groups, metric="demographic_parity", pos_label=pos_label
        )
    return sri.fairness_score


@pytest.fixture(scope="module")
def hmda():
    data = load_dataset("hmda")
    split = split_dataset(data, random_state=0)
    base = make_model("logistic", task="classification").fit(split.X_train, split.y_train)
    return data, split, base


# --------------------------------------------------------------------------- fairness improves


def test_threshold_optimizer_raises_the_approval_ratio_on_hmda(hmda):
    data, split, base = hmda
    groups_train, groups_test = split.sensitive_train["afam"], split.sensitive_test["afam"]
    before = _selection_ratio(split.y_test, base.predict(split.X_test), groups_test, "no")
    fair = mitigate(
        base,
        split.X_train,
        split.y_train,
        sensitive_features=groups_train,
        pos_label=data.positive_label,
        prefit=True,
        random_state=0,
    )
    y_pred = fair.predict(split.X_test, sensitive_features=groups_test)
    after = _selection_ratio(split.y_test, y_pred, groups_test, "no")
    assert set(np.unique(y_pred)) <= {"yes", "no"}  # decoded back to HMDA's labels
    assert before < 0.9 and after > before + 0.05
    assert fair.mitigator_.estimator_.estimator is base  # prefit: the model was not retrained


def test_exponentiated_gradient_raises_the_selection_ratio(synthetic):
    X, y, group = synthetic
    base = LogisticRegression().fit(X, y)
    before = _selection_ratio(y, base.predict(X), group, 1)
    fair = mitigate(
        LogisticRegression(),
        X,
        y,
        sensitive_features=group,
        method="exponentiated_gradient",
        random_state=0,
    )
    after = _selection_ratio(y, fair.predict(X), group, 1)
    assert before < 0.5 and after > 0.8
    assert fair.pos_label == 1 and list(fair.classes_) == [0, 1]


def test_exponentiated_gradient_trains_a_pipeline_with_sample_weights(hmda):
    data, split, _ = hmda
    X, y = split.X_train.iloc[:900], split.y_train.iloc[:900]  # enough rows, faster
    groups = split.sensitive_train["afam"].iloc[:900]
    fair = mitigate(
        make_model("logistic", task="classification"),
        X,
        y,
        sensitive_features=groups,
        method="exponentiated_gradient",
        pos_label="yes",
        max_iter=5,
        random_state=0,
    )
    base = make_model("logistic", task="classification").fit(X, y)
    before = _selection_ratio(y, base.predict(X), groups, "no")
    after = _selection_ratio(y, fair.predict(X), groups, "no")
    assert after > before
    assert len(fair.mitigator_.predictors_) >= 2  # several reweighted trainings


@pytest.mark.parametrize("constraint", MITIGATION_CONSTRAINTS)
def test_every_constraint_runs_with_postprocessing(synthetic, constraint):
    X, y, group = synthetic
    fair = mitigate(LogisticRegression(), X, y, sensitive_features=group, constraint=constraint)
    assert fair.constraint == constraint
    assert fair.mitigator_.constraints == constraint
    assert set(np.unique(fair.predict(X, sensitive_features=group))) <= {0, 1}


# --------------------------------------------------------------------------- labels


def test_prefit_scores_use_the_column_of_pos_label(hmda):
    """Encoding 'no' or 'yes' as 1 must give the same demographic-parity decisions."""
    _, split, base = hmda
    groups = split.sensitive_train["afam"]
    decisions = [
        mitigate(
            base,
            split.X_train,
            split.y_train,
            sensitive_features=groups,
            pos_label=label,
            prefit=True,
        ).predict(split.X_test, sensitive_features=split.sensitive_test["afam"])
        for label in ("yes", "no")
    ]
    assert np.mean(decisions[0] == decisions[1]) > 0.95


def test_labels_are_decoded_and_pos_label_is_second_class(synthetic):
    X, y, group = synthetic
    labels = np.where(y == 1, "dead", "live")
    fair = mitigate(LogisticRegression(), X, labels, sensitive_features=group, pos_label="dead")
    assert list(fair.classes_) == ["live", "dead"]
    predicted = fair.predict(X, sensitive_features=group)
    assert set(np.unique(predicted)) == {"live", "dead"}
    booleans = mitigate(LogisticRegression(), X, y.astype(bool), sensitive_features=group)
    assert booleans.pos_label is True


# --------------------------------------------------------------------------- reproducibility


@pytest.mark.parametrize("method", MITIGATION_METHODS)
def test_same_random_state_reproduces_and_another_differs(synthetic, method):
    X, y, group = synthetic
    options = {"max_iter": 10} if method == "exponentiated_gradient" else {}
    first, again = (
        mitigate(LogisticRegression(), X, y, sensitive_features=group, method=method, **options)
        for _ in range(2)
    )
    predicted = first.predict(X, sensitive_features=group)
    np.testing.assert_array_equal(predicted, again.predict(X, sensitive_features=group))
    np.testing.assert_array_equal(predicted, first.predict(X, sensitive_features=group))
    # The predictions are randomized: the seed matters, so reproducing is not trivial.
    other_seed = first.predict(X, sensitive_features=group, random_state=12345)
    assert not np.array_equal(predicted, other_seed)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "reweighing"}, r"'reweighing'.*threshold_optimizer, exponentiated_gradient"),
        ({"constraint": "parity"}, r"'parity'.*demographic_parity, equalized_odds"),
        ({"grid_sise": 10}, r"'grid_sise'.*grid_size"),
        ({"method": "exponentiated_gradient", "prefit": True}, "prefit=True only works"),
    ],
)
def test_bad_options_name_the_value_and_the_choices(synthetic, kwargs, match):
    X, y, group = synthetic
    with pytest.raises(InvalidValueError, match=match):
        mitigate(LogisticRegression(), X, y, sensitive_features=group, **kwargs)


@pytest.mark.parametrize("random_state", [None, 1.5, True])
def test_random_state_must_be_an_int_seed(synthetic, random_state):
    X, y, group = synthetic
    with pytest.raises(InvalidTypeError, match="random_state must be an int .* reproduce"):
        mitigate(LogisticRegression(), X, y, sensitive_features=group, random_state=random_state)


def test_bad_labels_and_groups_give_clear_errors(synthetic):
    X, y, group = synthetic
    strings = np.where(y == 1, "yes", "no")
    with pytest.raises(ValueError, match=r"pos_label is needed.*\['no', 'yes'\]"):
        mitigate(LogisticRegression(), X, strings, sensitive_features=group)
    with pytest.raises(ValueError, match=r"pos_label 'maybe' is not a label"):
        mitigate(LogisticRegression(), X, strings, sensitive_features=group, pos_label="maybe")
    with pytest.raises(ValueError, match="binary labels, but y holds 3"):
        mitigate(LogisticRegression(), X, np.arange(len(y)) % 3, sensitive_features=group)
    with pytest.raises(ValueError, match="sensitive_features has 10 rows but X has 600"):
        mitigate(LogisticRegression(), X, y, sensitive_features=group[:10])
    with_nan = pd.Series(group, dtype=object).where(np.arange(len(group)) != 7)
    with pytest.raises(ValueError, match="1 missing value.*row 7"):
        mitigate(LogisticRegression(), X, y, sensitive_features=with_nan)


def test_a_group_with_one_label_is_named(synthetic):
    X, y, group = synthetic
    group = group.astype(object)
    group[:3] = "tiny"
    y = y.copy()
    y[:3] = 1
    with pytest.raises(
        ValueError, match=r"\['tiny'\].*single label.*'threshold_optimizer'.*'tiny': 3"
    ):
        mitigate(LogisticRegression(), X, y, sensitive_features=group)
    with pytest.raises(ValueError, match="constraint 'equalized_odds' needs both labels"):
        mitigate(
            LogisticRegression(),
            X,
            y,
            sensitive_features=group,
            constraint="equalized_odds",
            method="exponentiated_gradient",
        )


def test_several_sensitive_columns_are_intersections(synthetic):
    X, y, group = synthetic
    band = np.where(np.arange(len(y)) % 2 == 0, "even", "odd")
    features = pd.DataFrame({"group": group, "band": band})
    fair = mitigate(LogisticRegression(), X, y, sensitive_features=features, random_state=0)
    predicted = fair.predict(X, sensitive_features=features)
    assert set(np.unique(predicted)) == {0, 1}
    one_label = features.copy()
    one_label.loc[:2, "band"] = "tiny"
    y = y.copy()
    y[:3] = 1
    with pytest.raises(
        InvalidValueError, match=r"'group=\w, band=tiny'.*single label.*'group=a, band=even': \d+"
    ):
        mitigate(LogisticRegression(), X, y, sensitive_features=one_label)


def test_postprocessing_needs_groups_at_prediction(synthetic):
    X, y, group = synthetic
    fair = mitigate(LogisticRegression(), X, y, sensitive_features=group)
    assert isinstance(fair, MitigatedClassifier) and fair.needs_sensitive_features
    with pytest.raises(ValueError, match="predict needs sensitive_features"):
        fair.predict(X)


def test_prefit_estimator_must_know_pos_label(synthetic):
    X, y, group = synthetic
    model = LogisticRegression().fit(X, y)  # trained on 0/1, mitigated on "yes"/"no"
    strings = np.where(y == 1, "yes", "no")
    with pytest.raises(ValueError, match=r"classes_ \[0, 1\] do not contain pos_label 'yes'"):
        mitigate(model, X, strings, sensitive_features=group, pos_label="yes", prefit=True)


def test_sri_metric_for_each_constraint():
    assert [sri_metric_for(c) for c in MITIGATION_CONSTRAINTS] == [
        "demographic_parity",
        "equalized_odds",
        "equal_opportunity",
    ]
    with pytest.raises(ValueError, match="'fairness'; valid choices: demographic_parity"):
        sri_metric_for("fairness")
