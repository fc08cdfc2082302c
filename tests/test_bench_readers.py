"""The benchmarks read CheckThat! files as the project does (articles/delimited.py), so a file
that is not what it should be stops the bench at the line to look at instead of being read, in
silence, into sentences that are then timed."""

import importlib.util
import sys
from pathlib import Path

import pytest

from articles.textfile import TsvFormatError
from claims.nlp.training.data import CT24_DEV, CT24_DEV_TEST, DataFormatError

BENCH = Path(__file__).resolve().parent.parent / "bench"
# The first row's quote never closes: csv reads every line after it into that one field.
OPEN_QUOTE = 'Sentence_id\tText\tclass_label\n1\t"Taxes went up.\tYes\n2\tThank you.\tNo\n'


def bench_module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_speed_bench_names_a_quote_never_closed_in_a_checkthat_file(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))  # the bench puts the project first
    bench = bench_module("checkworthiness_speed")
    for name in (CT24_DEV, CT24_DEV_TEST):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(OPEN_QUOTE, encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"dev\.tsv, line 2: a quote opened here is never"):
        bench.checkthat_sentences(tmp_path, count=1000)


def test_the_matching_bench_names_a_quote_never_closed_in_a_checkthat_file(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    bench = bench_module("claim_matching")
    (tmp_path / "checkthat2020-task2-en").mkdir()
    (tmp_path / "checkthat2020-task2-en/verified_claims.docs.tsv").write_text(
        '\tvclaim\ttitle\nv1\t"Taxes went up.\tTaxes\nv2\tCrime fell.\tCrime\n', encoding="utf-8"
    )
    (tmp_path / "liar").mkdir()
    for name in ("train", "valid"):
        (tmp_path / f"liar/{name}.tsv").write_text("1.json\ttrue\tTaxes rose.\n", encoding="utf-8")
    monkeypatch.setenv("SHARED_DATA_DIR", str(tmp_path))
    with pytest.raises(TsvFormatError, match=r"docs\.tsv, line 2: a quote opened here is never"):
        bench.source_sentences()
