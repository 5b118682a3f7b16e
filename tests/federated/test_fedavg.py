"""FedAvg / FedProx: equivalence with centralized training, averaging, bytes, DP, bad input."""

import json
import math

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification, make_regression

from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.federated._aggregation import average_updates, clip_update
from greennb.federated._fedavg import fit_federated
from greennb.federated._fedavg_config import FederatedConfig
from greennb.federated._sites import Site, SitePartition
from greennb.federated._updates import compress, state_bytes, update_norm
from greennb.models import TorchMLPClassifier, TorchMLPRegressor

N = 120


@pytest.fixture
def data():
    X, y = make_classification(n_samples=N, n_features=6, random_state=0)
    return X.astype(np.float32), y


def _mlp(**params):
    settings = {"hidden_layer_sizes": (8,), "device": "cpu", "batch_size": 16}
    return TorchMLPClassifier(**settings | params)


def _partition(*sizes):
    bounds = np.cumsum((0, *sizes))
    sites = [
        Site(f"s{k}", np.arange(a, b))
        for k, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))
    ]
    return SitePartition(sites, "site", "test sites")


def _fit(X, y, partition, estimator=None, **config):
    settings = {"rounds": 1} | config
    return fit_federated(
        estimator or _mlp(), X, y, partition, FederatedConfig(**settings), track_energy=False
    )


def _centralized(X, y, epochs, seed=0, **params):
    return _mlp(early_stopping=False, max_epochs=epochs, random_state=seed, **params).fit(X, y)


def _assert_same_weights(a, b, atol=1e-6):
    for (name, left), (_, right) in zip(
        a.state_dict().items(), b.state_dict().items(), strict=True
    ):
        torch.testing.assert_close(left, right, atol=atol, rtol=0, msg=name)


# -- correctness -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 7])
def test_one_client_with_all_rows_equals_centralized_training(data, seed):
    X, y = data
    result = _fit(X, y, _partition(N), rounds=4, seed=seed)
    central = _centralized(X, y, epochs=4, seed=seed)
    _assert_same_weights(result.estimator.module_, central.module_)
    np.testing.assert_array_equal(result.estimator.predict(X), central.predict(X))


def test_one_client_equals_centralized_for_a_regressor():
    X, y = make_regression(n_samples=N, n_features=5, noise=1.0, random_state=0)
    settings = {"hidden_layer_sizes": (8,), "device": "cpu", "batch_size": 16}
    result = _fit(X, y, _partition(N), estimator=TorchMLPRegressor(**settings), rounds=3)
    central = TorchMLPRegressor(**settings, early_stopping=False, max_epochs=3, random_state=0).fit(
        X, y
    )
    _assert_same_weights(result.estimator.module_, central.module_)
    assert result.estimator.y_scale_ == central.y_scale_
    assert result.metric == "mae"


def test_identical_clients_average_to_each_clients_model(data):
    X, y = data
    doubled = _fit(np.vstack([X, X]), np.concatenate([y, y]), _partition(N, N), rounds=3)
    single = _fit(X, y, _partition(N), rounds=3)
    for left, right in zip(
        doubled.estimator.module_.state_dict().values(),
        single.estimator.module_.state_dict().values(),
        strict=True,
    ):
        assert torch.equal(left, right)  # 0.5·Δ + 0.5·Δ is exactly Δ


def test_aggregation_weights_by_sample_count_by_hand():
    updates = [{"w": torch.tensor([1.0, 2.0])}, {"w": torch.tensor([3.0, -2.0])}]
    average = average_updates(updates, [10, 30])  # shares 1/4 and 3/4
    torch.testing.assert_close(average["w"], torch.tensor([2.5, -1.0]))


def test_two_clients_global_model_is_the_row_weighted_mean_of_their_models(data):
    X, y = data
    result = _fit(X, y, _partition(30, 90), rounds=1)
    # each client trains one epoch from the same initial weights with the run's seed,
    # which is what a centralized fit on its rows alone does
    first = _centralized(X[:30], y[:30], epochs=1).module_.state_dict()
    second = _centralized(X[30:], y[30:], epochs=1).module_.state_dict()
    for name, value in result.estimator.module_.state_dict().items():
        expected = 0.25 * first[name] + 0.75 * second[name]
        torch.testing.assert_close(value, expected, atol=1e-6, rtol=0, msg=name)


@pytest.mark.parametrize("kind", ["none", "fp16", "int8"])
def test_bytes_counted_are_the_serialized_size_of_what_is_exchanged(data, kind):
    X, y = data
    result = _fit(X, y, _partition(60, 60), rounds=2, compression=kind)
    state = dict(result.estimator.module_.state_dict())  # sent as a plain dict of tensors
    update = {name: torch.zeros_like(value) for name, value in state.items()}
    per_client = result.per_client
    assert (per_client["bytes_down"] == state_bytes(state)).all()
    assert (per_client["bytes_up"] == compress(update, kind)[1]).all()
    history = result.history
    assert history["bytes_up"].tolist() == [2 * compress(update, kind)[1]] * 2
    assert (
        history["cumulative_bytes"].iloc[-1] == per_client[["bytes_up", "bytes_down"]].sum().sum()
    )


def test_compressed_updates_shrink_the_bytes_and_still_train(data):
    X, y = data
    plain = _fit(X, y, _partition(60, 60), rounds=3)
    small = _fit(X, y, _partition(60, 60), rounds=3, compression="int8")
    assert small.history["bytes_up"].sum() < plain.history["bytes_up"].sum()
    _assert_same_weights(small.estimator.module_, plain.estimator.module_, atol=0.05)


def test_fedprox_keeps_local_weights_closer_to_the_global(data):
    X, y = data
    settings = {"rounds": 2, "local_epochs": 3, "learning_rate": 0.01}
    fedavg = _fit(X, y, _partition(40, 80), **settings)
    fedprox = _fit(X, y, _partition(40, 80), proximal_mu=1.0, **settings)
    assert fedavg.per_client["update_norm"].iloc[0] > fedprox.per_client["update_norm"].iloc[0]
    assert fedprox.per_client["update_norm"].sum() < fedavg.per_client["update_norm"].sum()


def test_client_fraction_selects_that_share_of_clients(data):
    X, y = data
    result = _fit(X, y, _partition(30, 30, 30, 30), rounds=3, client_fraction=0.5)
    assert result.history["clients"].tolist() == [2, 2, 2]
    assert len(result.per_client) == 6
    assert result.to_dict()["clients"] == 4


def test_history_and_summary(data):
    X, y = data
    result = fit_federated(
        _mlp(),
        X,
        y,
        _partition(60, 60),
        FederatedConfig(rounds=2),
        X_test=X,
        y_test=y,
        sites_test=["s0"] * 60 + ["s1"] * 60,
        track_energy=False,
    )
    assert result.history.columns.tolist() == [
        "round", "clients", "bytes_up", "bytes_down", "cumulative_bytes", "energy_kwh",
        "cumulative_energy_kwh", "aggregation_s", "wall_s", "accuracy", "roc_auc",
    ]  # fmt: skip
    assert result.history["accuracy"].iloc[-1] == pytest.approx(
        (result.estimator.predict(X) == y).mean()
    )
    quality = result.site_quality
    assert quality["site"].tolist() == ["s0", "s1"]
    assert quality["rows"].tolist() == [60, 60]
    predictions = result.estimator.predict(X)
    assert quality["accuracy"].iloc[1] == pytest.approx((predictions[60:] == y[60:]).mean())
    summary = json.loads(json.dumps(result.to_dict()))
    assert summary["rounds"] == 2
    assert summary["bytes_total_mb"] == pytest.approx(
        result.history["cumulative_bytes"].iloc[-1] / 1e6
    )
    assert summary["energy_kwh"] is None and summary["privacy"] == "not private"


def test_energy_of_each_client_phase(data, fake_session):
    X, y = data
    session = fake_session([1e-6] * 4)
    result = fit_federated(
        _mlp(), X, y, _partition(60, 60), FederatedConfig(rounds=2), session=session
    )
    assert [r.phase for r in result.energy_results] == [
        "round1-s0", "round1-s1", "round2-s0", "round2-s1",
    ]  # fmt: skip
    assert result.history["energy_kwh"].tolist() == pytest.approx([2e-6, 2e-6])
    assert result.history["cumulative_energy_kwh"].tolist() == pytest.approx([2e-6, 4e-6])
    assert result.per_client["energy_kwh"].tolist() == pytest.approx([1e-6] * 4)
    assert result.to_dict()["energy_kwh"] == pytest.approx(4e-6)


# -- client-level DP ---------------------------------------------------------------------


def test_clipping_bounds_each_update():
    clipped = clip_update({"a": torch.tensor([3.0]), "b": torch.tensor([4.0])}, 1.0)
    assert update_norm(clipped) == pytest.approx(1.0)
    small = {"a": torch.tensor([0.1])}
    assert clip_update(small, 1.0) is small


def test_clip_only_bounds_the_global_step_and_is_not_private(data):
    X, y = data
    before = _fit(X, y, _partition(60, 60), rounds=1, learning_rate=0.05, seed=3)
    clipped = _fit(X, y, _partition(60, 60), rounds=1, learning_rate=0.05, seed=3, dp_clip=0.01)
    initial = _mlp(random_state=3, max_epochs=1, learning_rate=1e-12, early_stopping=False)
    start = initial.fit(X, y).module_.state_dict()  # a vanishing step: the initial weights
    step = {k: v - start[k] for k, v in clipped.estimator.module_.state_dict().items()}
    assert update_norm(step) <= 0.01 + 1e-6
    assert before.per_client["update_norm"].max() > 0.01
    assert clipped.epsilon is None and "not private" in clipped.privacy


def test_dp_noise_gives_an_epsilon(data):
    X, y = data
    result = _fit(X, y, _partition(30, 30, 30, 30), rounds=3, dp_clip=0.5,
                  dp_noise_multiplier=1.0, client_fraction=0.5)  # fmt: skip
    assert 0 < result.epsilon < math.inf
    assert result.delta == 0.1  # the largest power of ten below 1/4
    assert "ε" in result.privacy
    no_noise = _fit(X, y, _partition(60, 60), dp_clip=0.5, dp_noise_multiplier=0.0)
    assert no_noise.epsilon == math.inf


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"rounds": 0}, "rounds must be an integer >= 1; got 0"),
        ({"rounds": -3}, "rounds must be an integer >= 1; got -3"),
        ({"local_epochs": 0}, "local_epochs must be an integer >= 1; got 0"),
        ({"client_fraction": 0}, r"client_fraction must be a number in \(0, 1\]; got 0"),
        ({"client_fraction": 1.5}, r"client_fraction must be a number in \(0, 1\]; got 1.5"),
        ({"proximal_mu": -0.1}, "proximal_mu must be a finite number >= 0; got -0.1"),
        ({"compression": "gzip"}, "Unknown compression 'gzip'; valid choices: none, fp16, int8"),
        ({"dp_clip": 0}, "dp_clip must be a finite number > 0"),
        ({"dp_noise_multiplier": 1.0}, "dp_noise_multiplier=1.0 needs dp_clip"),
        ({"batch_size": 0}, "batch_size must be an integer >= 1; got 0"),
        ({"learning_rate": -1.0}, "learning_rate must be a finite number > 0; got -1.0"),
    ],
)
def test_bad_config_names_the_value(settings, message):
    with pytest.raises(InvalidValueError, match=message):
        FederatedConfig(**settings)


def test_wrong_types_are_type_errors(data):
    X, y = data
    with pytest.raises(InvalidTypeError, match="rounds must be an integer; got 2.5"):
        FederatedConfig(rounds=2.5)
    with pytest.raises(
        InvalidTypeError, match="TorchMLPClassifier or TorchMLPRegressor.*LogisticRegression"
    ):
        from sklearn.linear_model import LogisticRegression

        fit_federated(LogisticRegression(), X, y, _partition(N), FederatedConfig())
    with pytest.raises(InvalidTypeError, match="partition must be a SitePartition"):
        fit_federated(_mlp(), X, y, [np.arange(N)], FederatedConfig())


def test_a_site_with_no_rows_is_refused():
    with pytest.raises(InvalidValueError, match="Site 'empty' has no rows"):
        _partition(N).sites.append(Site("empty", np.arange(0)))


def test_rows_outside_X_name_the_site_and_the_row(data):
    X, y = data
    partition = SitePartition([Site("far", [0, N + 5])], "site", "")
    with pytest.raises(InvalidValueError, match=rf"'far' has row position {N + 5}, but X has {N}"):
        _fit(X, y, partition)


def test_test_rows_need_both_X_and_y(data):
    X, y = data
    with pytest.raises(InvalidValueError, match="X_test and y_test together; got only X_test"):
        fit_federated(_mlp(), X, y, _partition(N), FederatedConfig(), X_test=X)


def test_history_of_a_binary_classifier_has_the_roc_auc():
    from greennb.federated._fedavg_result import ranking_quality
    from greennb.models import TorchMLPClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)).astype(np.float32)
    y = (X[:, 0] > 1.0).astype(int)  # a rare positive class: accuracy says little
    model = TorchMLPClassifier(max_epochs=30, early_stopping=False, device="cpu", random_state=0)
    model.fit(X, y)
    (auc,) = ranking_quality(model, X, y).values()
    assert 0.5 < auc <= 1.0
    assert math.isnan(ranking_quality(model, X[y == 0], y[y == 0])["roc_auc"])
