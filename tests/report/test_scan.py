"""Reading the store for the report: nothing through a link out of it, every bad run named."""

from __future__ import annotations

import shutil

import pytest

from greennb.report import SkippedRun
from greennb.report._scan import NO_RECORD_MSG, OUTSIDE_STORE_MSG, run_label, scan_store
from greennb.runs import METRICS_FILE


@pytest.fixture
def outside(fake_store, tmp_path):
    """A valid run folder outside the store (a copy of its first run)."""
    target = tmp_path / "elsewhere" / "20250109T000000_000000Z-eeeeeeee"
    shutil.copytree(fake_store[0] / "finance" / "20250101T000000_000000Z-aaaaaaaa", target)
    return target


def _names(runs):
    return [run_label(run) for run, _ in runs]


def test_the_store_runs_are_read_in_order(fake_store):
    runs, skipped = scan_store(fake_store[0])
    assert _names(runs) == [
        "finance/20250101T000000_000000Z-aaaaaaaa",
        "finance/20250102T000000_000000Z-bbbbbbbb",
        "finance/20250103T000000_000000Z-cccccccc",
    ]
    assert skipped == [] and all(record["case"] == "finance" for _, record in runs)


def test_links_out_of_the_store_are_never_followed(fake_store, outside):
    root = fake_store[0]
    (root / "finance" / "20250105T000000_000000Z-linkedrun").symlink_to(outside)
    (root / "elsewhere").symlink_to(outside.parent, target_is_directory=True)
    linked_record = root / "finance" / "20250106T000000_000000Z-linkedrec"
    linked_record.mkdir()
    (linked_record / METRICS_FILE).symlink_to(outside / METRICS_FILE)
    runs, skipped = scan_store(root)
    assert len(runs) == 3 and not any("linked" in name for name in _names(runs))
    target = str((outside / METRICS_FILE).resolve())
    assert skipped == [
        SkippedRun("elsewhere", OUTSIDE_STORE_MSG.format(target=outside.parent.resolve())),
        SkippedRun(
            "finance/20250105T000000_000000Z-linkedrun", OUTSIDE_STORE_MSG.format(target=target)
        ),
        SkippedRun(
            "finance/20250106T000000_000000Z-linkedrec", OUTSIDE_STORE_MSG.format(target=target)
        ),
    ]


def test_a_link_inside_the_store_and_a_store_that_is_a_link_are_read(fake_store, tmp_path):
    root = fake_store[0]
    (root / "finance" / "20250107T000000_000000Z-samestore").symlink_to(
        root / "finance" / "20250101T000000_000000Z-aaaaaaaa"
    )
    (tmp_path / "store-link").symlink_to(root, target_is_directory=True)
    runs, skipped = scan_store(tmp_path / "store-link")
    assert len(runs) == 4 and skipped == []


def test_missing_and_invalid_records_are_skipped_with_the_reason(fake_store):
    root = fake_store[0]
    (root / "finance" / "20250108T000000_000000Z-norecord").mkdir()
    broken = root / "finance" / "20250109T000000_000000Z-notjson"
    broken.mkdir()
    (broken / METRICS_FILE).write_text("{not json")
    (root / "finance" / ".tmp-20250110T000000_000000Z-tmp").mkdir()  # not a run: ignored
    (root / "finance" / "20250111T000000_000000Z-x.failed").mkdir()  # not a run: ignored
    runs, skipped = scan_store(root)
    assert len(runs) == 3
    assert [run.path for run in skipped] == [
        "finance/20250108T000000_000000Z-norecord",
        "finance/20250109T000000_000000Z-notjson",
    ]
    assert skipped[0].reason == NO_RECORD_MSG
    assert skipped[1].reason.startswith("metrics.json is not a valid greennb run record: it is ")
    assert str(skipped[0]) == f"report: skipped run {skipped[0].path}: {NO_RECORD_MSG}"


def test_a_store_that_does_not_exist_has_no_runs(tmp_path):
    assert scan_store(tmp_path / "absent") == ([], [])
