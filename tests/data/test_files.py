"""Shipped files: data_dir, the SHA-256 manifest, and every way a file can be unusable."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util

import pandas as pd
import pytest

from greennb.data import DATA_DIR_ENV, DatasetFileError, data_dir, list_datasets, load_dataset
from greennb.data._files import (
    CHECKSUM_MISMATCH_MSG,
    MANIFEST_NAME,
    MISSING_FILE_MSG,
    MISSING_MANIFEST_MSG,
    NOT_IN_MANIFEST_MSG,
    REEXPORT_COMMAND,
    verified_bytes,
)


def test_manifest_lists_exactly_the_shipped_files(repo_data):
    lines = (repo_data / MANIFEST_NAME).read_text().splitlines()
    listed = {line.split()[1]: line.split()[0] for line in lines}
    assert sorted(listed) == sorted(f"{name}.csv.gz" for name in list_datasets())
    for file_name, digest in listed.items():
        assert hashlib.sha256((repo_data / file_name).read_bytes()).hexdigest() == digest


def test_verified_bytes_returns_the_content_and_its_digest(repo_data):
    payload, digest = verified_bytes("hmda", "hmda.csv.gz")
    assert payload == (repo_data / "hmda.csv.gz").read_bytes()
    assert digest == hashlib.sha256(payload).hexdigest()


def test_corrupted_file_is_detected(copy_data, monkeypatch):
    load_dataset("monica")  # fills the in-process cache: it must not hide corruption
    folder = copy_data(["monica"])
    path = folder / "monica.csv.gz"
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    payload = bytearray(path.read_bytes())
    payload[100] ^= 0xFF
    path.write_bytes(bytes(payload))
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    with pytest.raises(DatasetFileError) as info:
        load_dataset("monica")
    assert str(info.value) == CHECKSUM_MISMATCH_MSG.format(
        path=path,
        actual=hashlib.sha256(bytes(payload)).hexdigest(),
        expected=expected,
        manifest=folder / MANIFEST_NAME,
        file_name="monica.csv.gz",
        command=REEXPORT_COMMAND,
    )
    assert "export_rdatasets.py" in str(info.value)
    assert isinstance(info.value, OSError)


def test_missing_file_is_reported(copy_data, monkeypatch):
    folder = copy_data([])
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    with pytest.raises(DatasetFileError) as info:
        load_dataset("hmda")
    assert str(info.value) == MISSING_FILE_MSG.format(
        name="hmda", path=folder / "hmda.csv.gz", file_name="hmda.csv.gz", command=REEXPORT_COMMAND
    )


def test_missing_manifest_is_reported(copy_data, monkeypatch):
    folder = copy_data(["hmda"])
    (folder / MANIFEST_NAME).unlink()
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    with pytest.raises(DatasetFileError) as info:
        load_dataset("hmda")
    assert str(info.value) == MISSING_MANIFEST_MSG.format(
        path=folder / MANIFEST_NAME, file_name="hmda.csv.gz", command=REEXPORT_COMMAND
    )


def test_a_file_the_manifest_does_not_list_is_refused(copy_data, monkeypatch):
    folder = copy_data(["hmda"])
    manifest = folder / MANIFEST_NAME
    kept = [line for line in manifest.read_text().splitlines() if "hmda" not in line]
    manifest.write_text("\n".join(kept) + "\n")
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    with pytest.raises(DatasetFileError) as info:
        load_dataset("hmda")
    assert str(info.value) == NOT_IN_MANIFEST_MSG.format(
        manifest=manifest, file_name="hmda.csv.gz", command=REEXPORT_COMMAND
    )


def test_manifest_accepts_binary_mode_names_and_upper_case_digests(copy_data, monkeypatch):
    folder = copy_data(["hmda"])
    manifest = folder / MANIFEST_NAME
    digest, name = next(
        line.split() for line in manifest.read_text().splitlines() if "hmda" in line
    )
    manifest.write_text(f"{digest.upper()} *{name}\n\n")
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    assert load_dataset("hmda").frame.shape == (2380, 14)


def test_intact_copy_loads_from_the_env_folder(copy_data, monkeypatch):
    folder = copy_data(["hmda"])
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    assert data_dir() == folder
    assert load_dataset("hmda").frame.shape == (2380, 14)


def test_default_data_dir_is_the_repository_folder(repo_data):
    assert data_dir().resolve() == repo_data


def test_export_writes_reproducible_gzip(repo_data):
    spec = importlib.util.spec_from_file_location(
        "export_rdatasets", repo_data / "export_rdatasets.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    first, second = module.gzip_csv_bytes(frame), module.gzip_csv_bytes(frame)
    assert first == second
    assert first[4:8] == b"\x00\x00\x00\x00"  # gzip MTIME field
    assert gzip.decompress(first).decode() == "a,b\n1,x\n2,y\n"
    assert module.DATASETS["chicago_ridership"] == ("modeldata", "Chicago", 5698)
    assert module.MANIFEST_NAME == MANIFEST_NAME
