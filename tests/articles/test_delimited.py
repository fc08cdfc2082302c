import csv
import io

import pytest

from articles.delimited import DelimitedError, delimited_records, header_check


def records(text, **kwargs):
    kwargs = {"delimiter": "\t", "max_field_chars": 1000, **kwargs}
    return list(delimited_records(io.StringIO(text, newline=""), **kwargs))


def test_a_quoted_field_over_lines_reads_as_before_with_the_line_each_row_starts_on():
    text = 'id\ttext\n1\t"Prices\nrose ""fast"""\n2\tRents rose.\n'
    assert [(r.line, r.values, r.error) for r in records(text)] == [
        (1, ["id", "text"], ""),
        (2, ["1", 'Prices\nrose "fast"'], ""),
        (4, ["2", "Rents rose."], ""),
    ]
    assert [r.values for r in records(text)] == list(
        csv.reader(io.StringIO(text, newline=""), delimiter="\t")
    )


def test_a_quote_never_closed_is_named_by_the_line_it_opened_on_not_read_as_one_field():
    # csv reads the rows after it into that one field and says nothing.
    text = 'id\ttext\n1\tTaxes.\n2\t"Prices rose.\n3\tRents rose.\n4\tWages fell.\n'
    bad = records(text)[-1]
    assert (bad.line, bad.values) == (3, [])
    assert bad.error.startswith("a quote opened here is never closed;")
    assert "to the end of the file (line 5)" in bad.error


def test_the_quote_left_open_is_named_where_it_opened_after_a_field_that_spans_lines():
    text = 'a\tb\tc\n1\t"two\nlines"\t"open\n2\tx\ty\n'
    bad = records(text)[-1]
    assert bad.line == 3 and "never closed" in bad.error


def test_a_quote_closed_on_the_last_line_is_no_error():
    assert records('id\ttext\n1\t"Prices\nrose."')[-1].values == ["1", "Prices\nrose."]


def test_a_field_over_the_line_limit_is_named_as_a_quote_probably_left_open():
    # Closed at last by a later quote (one that could close it): the rows between are inside.
    body = "\n".join(f"{n}\tRow {n}." for n in range(3, 30))
    text = f'id\ttext\n1\t"Prices rose.\n{body}\n30\tThe end."\n'
    bad = records(text, max_field_lines=20)[1]
    assert bad.line == 2
    assert bad.error.startswith("a quoted field opened here runs on for 29 lines, to line 30")
    assert records(text)[1].error == ""  # no limit given: bodies of paragraphs


def test_a_field_over_the_callers_limit_is_named_by_line_whatever_csvs_process_limit():
    before = csv.field_size_limit()
    try:
        csv.field_size_limit(10**9)  # as a bulk import once left it
        bad = records("id\ttext\n1\tshort\n2\t" + "x" * 1001 + "\n")[-1]
        assert (bad.line, bad.error) == (
            3,
            "a field starting here holds 1,001 characters; the most is 1,000",
        )
        csv.field_size_limit(131_072)
        long_field = "x" * 200_000
        assert records(f"id\n{long_field}\n", max_field_chars=300_000)[1].values == [long_field]
    finally:
        csv.field_size_limit(before)


def test_the_header_may_not_name_a_column_twice_and_other_columns_may_repeat():
    with pytest.raises(DelimitedError, match="^line 1: the header names text more than once"):
        header_check(["id", "text", "text"])
    header_check(["", "", "text"], columns=["text"])


def test_a_quote_closed_lines_later_with_text_after_it_is_named_where_it_opened():
    # Two fields, as the header names: csv read row B into A's body in silence.
    text = 'title,body\nA,"Prices rose.\nB,Rents rose ""fast"", "they" said.\nC,Taxes rose.\n'
    rows = records(text, delimiter=",")
    assert (rows[1].line, rows[1].values) == (2, [])
    assert rows[1].error.startswith("a quote opened here is closed only on line 3, with text")
    assert rows[2].values == ["C", "Taxes rose."]


def test_text_after_a_closing_quote_on_a_rows_first_line_reads_as_it_always_did():
    text = 'title,body\nA,"Yes," she said\nB,"Two\nlines"\n'
    assert [r.values for r in records(text, delimiter=",")[1:]] == [
        ["A", "Yes, she said"],
        ["B", "Two\nlines"],
    ]
