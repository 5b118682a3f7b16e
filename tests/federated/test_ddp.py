"""Data-parallel training: DDP over 2 processes equals 1 process and plain fit; bad inputs."""

import os

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification

from greennb.errors import InvalidTypeError, InvalidValueError, StateError
from greennb.federated import _ddp
from greennb.federated._ddp import (
    NOT_A_TORCH_MLP_ERROR,
    TOO_MANY_PROCESSES_ERROR,
    fit_data_parallel,
    scaling_efficiency,
)
from greennb.models import TorchMLPClassifier, TorchMLPRegressor


def _has_cuda():
    import torch

    return torch.cuda.is_available()


needs_two_cpus = pytest.mark.skipif(
    (os.cpu_count() or 1) < 2, reason="DDP with 2 processes needs at least 2 CPUs"
)


@pytest.fixture(scope="module")
def data():
    # 83 rows, batch 16: five full batches and a last one of 3 rows (shares 2 and 1).
    X, y = make_classification(n_samples=83, n_features=6, random_state=0)
    return X, y


def _mlp(**params):
    return TorchMLPClassifier(hidden_layer_sizes=(8,), batch_size=16, learning_rate=1e-2, **params)


def _weights(estimator):
    return [p.detach().numpy() for p in estimator.module_.parameters()]


def _assert_same_model(left, right, atol=1e-5):
    for a, b in zip(_weights(left), _weights(right), strict=True):
        np.testing.assert_allclose(a, b, atol=atol, rtol=0)


@needs_two_cpus
def test_two_processes_train_the_model_of_one_process_and_of_plain_fit(data):
    X, y = data
    two = fit_data_parallel(_mlp(), X, y, processes=2, epochs=3, seed=7, track_energy=False)
    one = fit_data_parallel(_mlp(), X, y, processes=1, epochs=3, seed=7, track_energy=False)
    plain = _mlp(early_stopping=False, max_epochs=3, random_state=7, device="cpu").fit(X, y)

    assert two.world_sizes_seen == [2, 2] and two.ranks_seen == [0, 1]
    assert one.world_sizes_seen == [1] and two.backend == "gloo"
    _assert_same_model(two.estimator, one.estimator)
    _assert_same_model(two.estimator, plain)
    np.testing.assert_allclose(two.estimator.loss_curve_, plain.loss_curve_, atol=1e-5)
    np.testing.assert_array_equal(two.estimator.predict(X), plain.predict(X))
    # Per step each rank all-reduces every gradient: the parameters' size in float32 bytes.
    n_parameters = sum(w.size for w in _weights(plain))
    assert two.steps == 3 * 6
    assert two.bytes_allreduced == one.bytes_allreduced == two.steps * n_parameters * 4
    assert two.ring_bytes_sent == two.bytes_allreduced  # 2 (N - 1) / N = 1 for N = 2
    assert len(two.epoch_times_s) == 3 and two.wall_s > sum(two.epoch_times_s)
    assert two.to_dict()["processes"] == 2


def test_one_process_regressor_with_energy_and_the_caller_untouched(
    data, fake_session, monkeypatch
):
    import torch

    import greennb.energy

    X, y = data
    target = X[:, 0] * 3.0 + 1.0
    mlp = TorchMLPRegressor(hidden_layer_sizes=(4,), batch_size=32)
    session, real_track = fake_session([1e-6]), greennb.energy.track
    monkeypatch.setattr(greennb.energy, "track", lambda phase: real_track(phase, session=session))
    state = torch.random.get_rng_state()
    result = fit_data_parallel(mlp, X, target, processes=1, epochs=2, seed=1)
    assert torch.equal(state, torch.random.get_rng_state())
    assert result.energy.phase == "ddp-1proc"
    plain = clone(mlp).set_params(early_stopping=False, max_epochs=2, random_state=1, device="cpu")
    _assert_same_model(result.estimator, plain.fit(X, target))
    assert not hasattr(mlp, "module_")  # the estimator passed in is not fitted


def test_too_many_processes_names_the_value_and_the_limit(data):
    limit = os.cpu_count()
    with pytest.raises(InvalidValueError) as error:
        fit_data_parallel(_mlp(), *data, processes=limit + 1, backend="gloo")
    assert str(error.value) == TOO_MANY_PROCESSES_ERROR.format(
        processes=limit + 1,
        backend="gloo",
        limit=limit,
        what="os.cpu_count(), one CPU core per process",
    )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"processes": 0}, "processes must be an integer >= 1; got 0"),
        ({"backend": "mpi"}, "Unknown backend 'mpi'; valid choices: auto, gloo, nccl"),
        ({"epochs": 0}, "epochs must be an integer >= 1; got 0"),
    ],
)
def test_bad_settings_are_named(data, kwargs, expected):
    with pytest.raises(InvalidValueError, match=expected):
        fit_data_parallel(_mlp(), *data, **kwargs)


def test_not_a_torch_mlp_is_a_type_error(data):
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(InvalidTypeError) as error:
        fit_data_parallel(LogisticRegression(), *data)
    assert str(error.value) == NOT_A_TORCH_MLP_ERROR.format(type="LogisticRegression")


def test_a_failing_worker_raises_its_message_and_leaves_no_job_file(data, monkeypatch, tmp_path):
    import socket
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()

    # Rank 0 cannot open the rendezvous on a port that is taken: a real failure in a worker.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setattr(_ddp, "_free_port", lambda: taken.getsockname()[1])
        with pytest.raises(StateError, match="failed in worker rank 0:\n.*Traceback"):
            fit_data_parallel(_mlp(), *data, processes=1, epochs=1, track_energy=False)
    assert list((tmp_path / "tmp").iterdir()) == []  # the job file went with its folder


@pytest.mark.skipif(_has_cuda(), reason="this machine has CUDA")
def test_nccl_without_gpus_names_the_choices(data):
    with pytest.raises(InvalidValueError, match="Valid choices here: 'gloo', 'auto'"):
        fit_data_parallel(_mlp(), *data, processes=1, backend="nccl")


def test_scaling_efficiency():
    assert scaling_efficiency(10.0, 5.0, 2) == 1.0
    assert scaling_efficiency(1.0, 1.25, 2) == 0.4
    with pytest.raises(InvalidValueError, match="tn must be a finite number > 0 \\(s\\); got 0.0"):
        scaling_efficiency(1.0, 0.0, 2)
