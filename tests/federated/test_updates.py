"""Updates: serialized size, fp16 and int8 compression and their round-trip errors."""

import io

import pytest
import torch

from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.federated._updates import (
    INT8_LEVELS,
    compress,
    decompress,
    state_bytes,
    update_norm,
)


@pytest.fixture
def update():
    generator = torch.Generator().manual_seed(0)
    return {
        "0.weight": torch.randn(64, 27, generator=generator) * 0.01,
        "0.bias": torch.randn(64, generator=generator),
        "2.weight": torch.zeros(1, 64),
        "steps": torch.tensor(3),  # an integer tensor is sent as it is
    }


def _saved_length(obj):
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return len(buffer.getvalue())


def test_state_bytes_is_the_length_of_what_torch_save_writes(update):
    assert state_bytes(update) == _saved_length(update)
    module = torch.nn.Linear(27, 64)
    assert state_bytes(module.state_dict()) == _saved_length(module.state_dict())


@pytest.mark.parametrize("kind", ["none", "fp16", "int8"])
def test_compressed_bytes_are_the_serialized_payload(update, kind):
    payload, nbytes = compress(update, kind)
    assert nbytes == _saved_length(payload)
    assert payload["kind"] == kind


def test_compression_shrinks_the_payload():
    big = {"w": torch.randn(256, 256)}
    sizes = {kind: compress(big, kind)[1] for kind in ("none", "fp16", "int8")}
    assert sizes["int8"] < sizes["fp16"] < sizes["none"]
    assert sizes["fp16"] / sizes["none"] == pytest.approx(0.5, abs=0.01)
    assert sizes["int8"] / sizes["none"] == pytest.approx(0.25, abs=0.01)


def test_none_round_trips_exactly(update):
    restored = decompress(compress(update, "none")[0])
    assert all(torch.equal(restored[name], update[name]) for name in update)


def test_fp16_round_trip_error_is_half_precision(update):
    restored = decompress(compress(update, "fp16")[0])
    for name, tensor in update.items():
        assert restored[name].dtype == tensor.dtype
        if tensor.is_floating_point():
            error = (restored[name] - tensor).abs()
            assert torch.all(error <= tensor.abs() * 2.0**-11 + 2.0**-24)


def test_int8_round_trip_error_is_at_most_half_a_step(update):
    payload, _ = compress(update, "int8")
    restored = decompress(payload)
    for name, tensor in update.items():
        assert restored[name].dtype == tensor.dtype
        if not tensor.is_floating_point():
            assert torch.equal(restored[name], tensor)
            continue
        scale = payload["scales"][name]
        assert payload["tensors"][name].dtype == torch.int8
        error = (restored[name].double() - tensor.double()).abs()
        # scale / 2 from rounding, plus the float32 cast of the restored value
        assert torch.all(error <= scale / 2 + tensor.abs().double() * 2.0**-24)
    assert payload["scales"]["2.weight"] == 1.0  # a zero tensor: scale 1, codes 0
    assert payload["scales"]["0.bias"] == pytest.approx(
        float(update["0.bias"].abs().max()) / INT8_LEVELS
    )


def test_unknown_compression_names_it_and_the_choices(update):
    with pytest.raises(InvalidValueError, match="Unknown compression 'zip'; valid choices: none"):
        compress(update, "zip")


def test_bad_inputs_are_type_errors():
    with pytest.raises(InvalidTypeError, match="mapping of names to torch tensors; got a list"):
        compress([torch.zeros(2)], "none")
    with pytest.raises(
        InvalidTypeError, match="what compress\\(\\) returned.*got a mapping with keys \\['w'\\]"
    ):
        decompress({"w": torch.zeros(2)})


def test_update_norm_over_all_tensors():
    assert update_norm({"a": torch.tensor([3.0]), "b": torch.tensor([4.0])}) == 5.0


@pytest.mark.parametrize("kind", ["none", "fp16", "int8"])
def test_the_size_looked_up_by_layout_is_each_payloads_own(kind):
    generator = torch.Generator().manual_seed(1)
    for scale in (1e-6, 1.0, 1e6):  # other values, other scales, same layout
        update = {"w": torch.randn(32, 8, generator=generator) * scale, "b": torch.zeros(8)}
        payload, nbytes = compress(update, kind)
        assert nbytes == _saved_length(payload)
    view = {"w": torch.zeros(100)[:10]}  # a view: torch.save writes its whole storage
    assert state_bytes(view) == _saved_length(view)
    assert compress(view, kind)[1] == _saved_length(compress(view, kind)[0])
