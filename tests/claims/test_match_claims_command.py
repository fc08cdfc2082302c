import csv
import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.model


def write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t").writerows(rows)
    return path


@pytest.fixture
def vclaims(tmp_path):
    return write(
        tmp_path / "vclaims.tsv",
        [
            ["vclaim_id", "vclaim", "title"],
            ["v-jobs", "Unemployment rose 20 percent last year.", "Did joblessness rise?"],
            ["v-moon", 'The moon landing was "staged" in a studio.', ""],
            ["v-tax", "The new law raises taxes on every family.", "Tax law claims"],
        ],
    )


def run(vclaims, queries):
    out = io.StringIO()
    call_command("match_claims", str(vclaims), str(queries), stdout=out)
    return [line.split("\t") for line in out.getvalue().splitlines()]


def test_it_prints_each_querys_claims_best_first_with_scores(tmp_path, vclaims):
    queries = write(
        tmp_path / "queries.tsv",
        [
            ["query_id", "text"],
            ["q1", "Was the moon landing filmed in a studio?"],
            ["q2", "Taxes go up for all families"],
        ],
    )
    lines = run(vclaims, queries)
    assert [line[0] for line in lines] == ["q1"] * 3 + ["q2"] * 3
    assert lines[0][1] == "v-moon" and lines[3][1] == "v-tax"
    first = [float(line[2]) for line in lines[:3]]
    assert first == sorted(first, reverse=True)


def test_its_scores_are_the_apps_with_the_fitted_weights(tmp_path, vclaims):
    from articles.textfile import tsv_read
    from claims.matching import embedding
    from claims.matching.corpus import corpus_matcher
    from claims.matching.retrieval import Document, MatchSettings
    from claims.matching.store import match_settings

    query = "Was the moon landing filmed in a studio?"
    queries = write(tmp_path / "queries.tsv", [["query_id", "text"], ["q1", query]])
    printed = {vclaim_id: float(score) for _, vclaim_id, score in run(vclaims, queries)}
    rows = tsv_read(vclaims, ["vclaim_id", "vclaim", "title"])
    documents = [Document(key=i, text=r["vclaim"], title=r["title"]) for i, r in enumerate(rows)]
    for settings, same in ((match_settings(), True), (MatchSettings(), False)):
        matcher = corpus_matcher(documents, embed=embedding.embed_texts, settings=settings)
        scores = {rows[m.key]["vclaim_id"]: m.score for m in matcher.search(query, limit=3)}
        assert (scores == pytest.approx(printed, abs=1e-4)) is same


def test_it_names_a_missing_column(tmp_path, vclaims):
    queries = write(tmp_path / "queries.tsv", [["id", "text"], ["q1", "Anything"]])
    with pytest.raises(CommandError, match="query_id"):
        run(vclaims, queries)


def test_it_names_a_ragged_line(tmp_path, vclaims):
    queries = write(tmp_path / "queries.tsv", [["query_id", "text"], ["q1", "a", "extra"]])
    with pytest.raises(CommandError, match="line 2"):
        run(vclaims, queries)


def test_it_names_a_column_the_header_names_twice(tmp_path, vclaims):
    # The first was read in silence, whichever of the two held the queries.
    queries = write(tmp_path / "queries.tsv", [["query_id", "text", "text"], ["q1", "", "Tax"]])
    with pytest.raises(CommandError, match="the header names text more than once"):
        run(vclaims, queries)


def test_a_field_over_the_csv_modules_limit_is_named_by_line_not_a_traceback(tmp_path, vclaims):
    # Whatever csv's limit for the process (a bulk import earlier in it raised it once).
    before = csv.field_size_limit(10**9)
    long_text = "Taxes go up. " * 11_000  # 143,000 characters, past csv's 131,072
    queries = write(
        tmp_path / "queries.tsv", [["query_id", "text"], ["q1", "Taxes"], ["q2", long_text]]
    )
    try:
        with pytest.raises(CommandError, match=r"queries\.tsv, line 3: a field starting here"):
            run(vclaims, queries)
    finally:
        csv.field_size_limit(before)


def test_a_quote_never_closed_is_named_by_its_line_not_read_as_one_query(tmp_path, vclaims):
    queries = tmp_path / "queries.tsv"
    queries.write_text('query_id\ttext\nq1\t"Taxes go up\nq2\tMoon landing\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"queries\.tsv, line 2: a quote opened here is never"):
        run(vclaims, queries)


def test_a_file_saved_with_a_byte_order_mark_is_read_as_without_one(tmp_path, vclaims):
    # Windows editors and Excel write one first; it would make the header "\ufeffquery_id".
    queries = tmp_path / "queries-bom.tsv"
    queries.write_bytes(b"\xef\xbb\xbfquery_id\ttext\nq1\tTaxes go up for all families\n")
    lines = run(vclaims, queries)
    assert lines[0][:2] == ["q1", "v-tax"]
