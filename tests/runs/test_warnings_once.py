"""Each greennb warning once per run: the showwarning hook that start_run installs."""

from __future__ import annotations

import warnings

from greennb.errors import FairnessWarning, SkippedRunWarning
from greennb.runs import NOTEBOOKS_DIR_ENV, start_run
from greennb.runs._warnings import show_each_warning_once


def _warn_in_a_loop(message: str, category: type, times: int = 3) -> None:
    for _ in range(times):
        warnings.warn(message, category, stacklevel=1)
        with warnings.catch_warnings():  # as scikit-learn does: Python forgets what it showed
            pass


def _shown(block) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        block()
    return [f"{w.category.__name__}: {w.message}" for w in caught]


def test_without_the_hook_a_loop_repeats_the_warning():
    assert len(_shown(lambda: _warn_in_a_loop("group 'b' has 4 rows", FairnessWarning))) == 3


def test_each_distinct_greennb_warning_is_shown_once_others_pass_through():
    def block():
        show_each_warning_once()
        _warn_in_a_loop("group 'b' has 4 rows", FairnessWarning)
        _warn_in_a_loop("group 'c' has 2 rows", FairnessWarning)
        _warn_in_a_loop("group 'b' has 4 rows", SkippedRunWarning)  # another category
        _warn_in_a_loop("not greennb's", UserWarning, times=2)

    assert _shown(block) == [
        "FairnessWarning: group 'b' has 4 rows",
        "FairnessWarning: group 'c' has 2 rows",
        "SkippedRunWarning: group 'b' has 4 rows",
        "UserWarning: not greennb's",
        "UserWarning: not greennb's",
    ]


def test_a_new_run_shows_them_again_with_one_hook():
    def block():
        show_each_warning_once()
        _warn_in_a_loop("small group", FairnessWarning)
        hook = warnings.showwarning
        show_each_warning_once()  # the next run in the same kernel
        assert warnings.showwarning.show is hook.show  # not a hook over a hook
        _warn_in_a_loop("small group", FairnessWarning)

    assert _shown(block) == ["FairnessWarning: small group"] * 2


def test_start_run_installs_it(tmp_path, monkeypatch):
    from pathlib import Path

    fixtures = Path(__file__).resolve().parents[1] / "notebooks"
    monkeypatch.setenv(NOTEBOOKS_DIR_ENV, str(fixtures))
    namespace = {"run_dir": str(tmp_path / "run"), "quick": True, "seed": 0, "device": "auto"}
    namespace |= {"country": "USA", "pue": 1.56, "renewable_share": 0.0}

    def block():
        start_run("light", namespace, configure_energy=False)
        _warn_in_a_loop("2 row(s) with y_true == 0 are left out of MAPE", FairnessWarning)

    assert len(_shown(block)) == 1
