"""Tests of device selection and description."""

import os

import pytest
import torch

from greennb.models import TorchMLPClassifier, describe_device, select_device


def test_select_device_cpu_and_auto():
    assert select_device("cpu") == torch.device("cpu")
    expected = "cuda" if torch.cuda.is_available() else "mps"
    if not torch.cuda.is_available() and not torch.backends.mps.is_available():
        expected = "cpu"
    assert select_device().type == expected
    assert select_device(torch.device("cpu")) == torch.device("cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_unavailable_cuda_is_a_clear_error(separable_problem):
    with pytest.raises(ValueError, match=r"'cuda'.*available devices: .*cpu"):
        select_device("cuda")
    X, y = separable_problem(n_samples=20)
    with pytest.raises(ValueError, match=r"'cuda:1'"):
        TorchMLPClassifier(device="cuda:1").fit(X, y)


def test_unknown_device_names_choices():
    with pytest.raises(ValueError, match=r"'tpu'.*auto, cuda, mps, cpu"):
        select_device("tpu")
    with pytest.raises(ValueError, match=r"None"):
        select_device(None)


def test_describe_cpu_device():
    record = describe_device("cpu")
    assert record["type"] == "cpu"
    assert record["count"] == os.cpu_count()
    assert record["torch_version"] == torch.__version__
    assert isinstance(record["name"], str) and record["name"]
    assert set(record) == {"type", "name", "count", "torch_version", "cuda_version"}
