"""The report's Markdown table, written by hand."""

import pandas as pd
import pytest

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


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<img src=x>", "\\<img src=x\\>"),
        ("[a](http://b)", "\\[a\\](http://b)"),
        ("*x* `y` ~z~ $m$ a&b", "\\*x\\* \\`y\\` \\~z\\~ \\$m\\$ a\\&b"),
        ("smart_city _x_ a\\b", "smart_city \\_x\\_ a\\\\b"),
        ("a|b\r\nc", "a\\|b c"),
    ],
)
def test_escape_markdown_neutralises_markup_and_html(text, escaped):
    assert report.escape_markdown(text) == escaped


def test_markdown_cells_are_escaped():
    frame = pd.DataFrame({"model": ["<b>m</b>"], "n": [1]})
    assert report.markdown_table(frame) == "| model | n |\n|---|---|\n| \\<b\\>m\\</b\\> | 1 |\n"
