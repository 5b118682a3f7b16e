"""The report's Markdown table, written by hand."""

import pandas as pd

from greennb import report


def test_markdown_table_formats_numbers_and_escapes_pipes():
    frame = pd.DataFrame({"name": ["a|b", None], "value": [1 / 3, float("nan")], "n": [3, 4]})
    assert report.markdown_table(frame) == (
        "| name | value | n |\n|---|---|---|\n| a\\|b | 0.3333 | 3 |\n|  |  | 4 |\n"
    )


def test_markdown_table_shows_the_columns_asked_for_in_order():
    frame = pd.DataFrame({"a": ["x\ny"], "b": [2.0], "c": [None]})
    assert report.markdown_table(frame, ("b", "a")) == "| b | a |\n|---|---|\n| 2 | x y |\n"
    assert report.MARKDOWN_COLUMNS[:2] == ("case", "model")
