"""The explorer without a front end: its table, filters, drill-down, refresh and server.

The store (tests/report/conftest.py) holds a finance run (logistic, logistic-half,
single-group with R undefined, untracked) and a smart-city run (linear); the browser tests
drive the page itself (tests/browser/test_explore_browser.py).
"""

from __future__ import annotations

import shutil
import socket
import urllib.request

import pytest

from greennb.errors import InvalidValueError
from greennb.report import (
    Explorer,
    explore,
    explorer_table,
    filter_runs,
    run_groups,
    run_phases,
    start_explorer,
)
from greennb.report._explore_app import check_port, voila_command
from greennb.report._explorer import ALL, NO_PARAMETERS, filter_choices, store_signature

FINANCE = "finance/20250101T000000_000000Z-aaaaaaaa"
SMART_CITY = "smart_city/20250102T000000_000000Z-bbbbbbbb"


@pytest.fixture(scope="module")
def explored(store):
    return explorer_table(store[0])


@pytest.fixture
def own_store(store, tmp_path):
    """A copy of the store that a test may change."""
    return shutil.copytree(store[0], tmp_path / "runs", symlinks=True)


def test_table_has_the_report_rows_newest_first_with_parameters_and_hover(explored):
    assert explored["run_id"].tolist() == [SMART_CITY] + [FINANCE] * 4
    assert set(explored["parameters"]) == {NO_PARAMETERS}  # one run per case: none differ
    for row in explored.itertuples():
        assert row.run_id in row.hover and row.model in row.hover and "<br>" in row.hover


def test_filter_choices_list_all_then_the_values(explored):
    assert filter_choices(explored, "case") == [ALL, "finance", "smart_city"]
    assert filter_choices(explored, "parameters") == [ALL, NO_PARAMETERS]


def test_filters_keep_the_matching_rows(explored):
    assert filter_runs(explored, case="smart_city")["model"].tolist() == ["linear"]
    assert filter_runs(explored, case=ALL, model="logistic")["run_id"].tolist() == [FINANCE]
    assert len(filter_runs(explored, case="finance", dataset="hmda", model=None)) == 4
    assert filter_runs(explored, case="finance", model="linear").empty


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ({"case": "medical"}, "Unknown case 'medical'; valid choices: (all), finance, smart_city"),
        ({"seed": "0"}, "Unknown filter 'seed'; valid choices: case, dataset, model, parameters"),
    ],
)
def test_a_bad_filter_or_value_is_refused_with_the_choices(explored, chosen, message):
    with pytest.raises(InvalidValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        filter_runs(explored, **chosen)


def test_groups_are_the_records_per_group_rates(store):
    root, added = store
    groups = run_groups(root / FINANCE, "logistic")
    entry = added["logistic"]["fairness"]
    expected = {
        (name, group, rate): values[rate]
        for name, fairness in entry.items()
        for group, values in fairness["by_group"].items()
        for rate in values
        if f"{rate}_numerator" in values
    }
    assert expected  # the record has rates to compare
    found = {(r.fairness, r.group, r.rate): r.value for r in groups.itertuples()}
    assert found == expected
    sizes = {
        (name, group): values["size"]
        for name, fairness in entry.items()
        for group, values in fairness["by_group"].items()
    }
    assert {(r.fairness, r.group): r.size for r in groups.itertuples()} == sizes
    labels = dict(zip(groups["group"], groups["label"], strict=True))
    assert labels == {"no": "not African-American", "yes": "African-American applicant"}


def test_phases_are_the_records_energy_in_wh_with_their_interval(store):
    root, added = store
    phases = run_phases(root / FINANCE, "logistic")
    (role, phase), = added["logistic"]["energy"].items()  # fmt: skip
    row = phases.iloc[0]
    assert (row["role"], row["phase"], row["status"]) == (role, phase["phase"], phase["status"])
    assert row["energy_wh"] == pytest.approx(phase["energy_kwh"] * 1000, rel=1e-12)
    assert row["energy_wh_low"] == pytest.approx(phase["interval"]["low"] * 1000, rel=1e-12)
    assert row["energy_wh_low"] <= row["energy_wh"] <= row["energy_wh_high"]


def test_an_untracked_model_has_no_groups_and_no_phases(store):
    assert run_groups(store[0] / FINANCE, "untracked").empty
    assert run_phases(store[0] / FINANCE, "untracked").empty


def test_an_unknown_model_is_refused_with_the_runs_models(store):
    with pytest.raises(InvalidValueError, match="Unknown model 'mlp'; valid choices: logistic, "):
        run_groups(store[0] / FINANCE, "mlp")


def test_the_signature_changes_when_a_run_lands_and_ignores_unfinished_folders(own_store):
    before = store_signature(own_store)
    assert {(case, run) for case, run, _ in before} == {tuple(FINANCE.split("/")),
                                                        tuple(SMART_CITY.split("/"))}  # fmt: skip
    (own_store / "finance" / "20250105T000000_000000Z-eeeeeeee").mkdir()  # no record yet
    assert store_signature(own_store) == before
    shutil.copytree(own_store / FINANCE, own_store / "finance" / "20250105T000000_000000Z-ffff")
    assert len(store_signature(own_store) - before) == 1


def test_explorer_opens_on_the_newest_runs_case_or_the_one_asked(store):
    newest = Explorer(store[0])
    assert newest.filters["case"].value == "smart_city"  # the newest run's
    assert "data-points='1' data-runs='1'" in newest.shown_count.value
    assert Explorer(store[0], case="finance").filters["case"].value == "finance"
    with pytest.raises(InvalidValueError, match="Unknown case 'medical'"):
        Explorer(store[0], case="medical")


def test_explorer_counts_filters_plots_and_details_without_a_front_end(store):
    explorer = Explorer(store[0], case=ALL)
    assert "data-points='5' data-runs='2'" in explorer.shown_count.value
    assert len(explorer.plots.outputs) == 2  # quality vs energy: finance, and smart city
    explorer.filters["case"].value = "smart_city"
    assert "data-points='1' data-runs='1'" in explorer.shown_count.value
    assert explorer.run.options == (SMART_CITY,) and explorer.model.value == "linear"
    (details,) = explorer.details.outputs
    assert (
        SMART_CITY in details["data"]["text/html"]
        and "Energy phases" in details["data"]["text/html"]
    )


def test_explorer_plots_one_panel_per_case_dataset_and_metric_of_the_view(store):
    explorer = Explorer(store[0], case=ALL)
    for view in ("quality-energy", "quality-sri", "energy-sri"):
        explorer.view.value = view
        figures = [o["data"]["application/vnd.plotly.v1+json"] for o in explorer.plots.outputs]
        titles = [f["layout"]["title"]["text"] for f in figures]
        assert all(" · " in title for title in titles)
        for figure in figures:  # every point's hover names its run
            for trace in figure["data"]:
                assert all(("finance/" in t) or ("smart_city/" in t) for t in trace["text"])


def test_refresh_finds_a_run_that_landed(own_store):
    explorer = Explorer(own_store, case=ALL)
    shutil.copytree(own_store / FINANCE, own_store / "finance" / "20250105T000000_000000Z-ffff")
    explorer.filters["case"].value = "finance"
    explorer.refresh()
    assert explorer.filters["case"].value == "finance"  # the choice survives the refresh
    assert "data-points='8' data-runs='2'" in explorer.shown_count.value


def test_an_empty_store_says_how_to_fill_it(tmp_path):
    explorer = Explorer(tmp_path)
    (output,) = explorer.plots.outputs
    assert "No finished run" in output["data"]["text/html"]
    assert explorer.run.options == () and explorer.details.outputs == ()


def test_watch_needs_a_running_loop_and_a_positive_period(store):
    assert Explorer(store[0]).watch(1.0) is False  # a plain script: no loop, no watch
    with pytest.raises(InvalidValueError, match="watch_s"):
        explore(store[0], watch_s=0)


def test_a_bad_or_busy_port_is_refused_and_0_picks_a_free_one():
    with pytest.raises(InvalidValueError, match=r"port must be an integer in \[0, 65535\]"):
        check_port("127.0.0.1", 70000)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(InvalidValueError, match=f"port {port} on 127.0.0.1 is in use"):
            check_port("127.0.0.1", port)
    assert 0 < check_port("127.0.0.1", 0) <= 65535


def test_voila_serves_the_notebook_on_the_loopback_with_greennbs_template(tmp_path):
    command = voila_command(tmp_path / "x.ipynb", 9999)
    assert "--Voila.ip=127.0.0.1" in command and "--port=9999" in command
    assert "--template=greennb" in command and "--no-browser" in command


def test_the_server_listens_and_stops(store):
    server = start_explorer(store[0], port=0)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        assert server.runs_root == store[0].resolve()
        with urllib.request.urlopen(server.url, timeout=60) as reply:  # the page, rendered
            assert reply.status == 200 and "greennb explorer" in reply.read().decode()
    finally:
        server.stop()
    assert server.process.poll() is not None


def test_a_model_keeps_its_colour_whatever_the_filters(store):
    def colours(explorer):
        figure = explorer.plots.outputs[0]["data"]["application/vnd.plotly.v1+json"]
        return {t["name"]: t["marker"]["color"] for t in figure["data"] if "marker" in t}

    explorer = Explorer(store[0], case="finance")
    everything = colours(explorer)
    explorer.filters["model"].value = "logistic-half"  # alone, it would take the first colour
    assert colours(explorer)["logistic-half"] == everything["logistic-half"]
