"""build_matching_model: where it writes, what it reads, and the thread count it records.

The heavy steps (export, fine-tune, quantise) are replaced by stand-ins; the folder choice,
the data loading and the metadata are the real code.
"""

import json

import numpy as np
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.textfile import TsvFormatError
from claims.management.commands import build_matching_model as command
from claims.matching import export, finetune
from claims.matching.embedding import METADATA_FILE, MODEL_DIR, MODEL_FILE


@pytest.fixture
def data_dir(tmp_path):
    """A tiny CheckThat!-shaped data set with train only: opening dev would fail."""
    folder = tmp_path / "checkthat"
    folder.mkdir()
    (folder / "verified_claims.docs.tsv").write_text(
        "\tvclaim\ttitle\n0\tUnemployment rose 20 percent.\tJobs?\n1\tThe moon is cheese.\tMoon?\n"
    )
    (folder / "train.tweets.queries.tsv").write_text(
        "\ttweet_content\nt0\tunemployment went up\nt1\tmoon made of cheese\n"
    )
    (folder / "train.tweet-vclaim-pairs.qrels").write_text("t0\t0\t0\t1\nt1\t0\t1\t1\n")
    return folder


@pytest.fixture
def build_calls(monkeypatch):
    calls = []

    def fake_build(**kwargs):
        calls.append(kwargs)
        return {"version": "minilm-l6-match-test"}

    monkeypatch.setattr(command, "matching_model_build", fake_build)
    return calls


def test_a_build_writes_a_candidate_under_var_and_says_the_shipped_model_is_untouched(
    build_calls, capsys
):
    call_command("build_matching_model", "--plain")
    assert build_calls[0]["out_dir"] == settings.BASE_DIR / "var" / "matching-candidate"
    output = capsys.readouterr().out
    assert f"wrote {settings.BASE_DIR / 'var' / 'matching-candidate'}" in output
    assert "the shipped model was not touched" in output


def test_only_ship_or_an_explicit_out_writes_over_the_shipped_model(build_calls, capsys, tmp_path):
    call_command("build_matching_model", "--plain", "--ship")
    assert build_calls[-1]["out_dir"] == MODEL_DIR
    assert "(the shipped model)" in capsys.readouterr().out
    call_command("build_matching_model", "--plain", "--out", str(tmp_path / "elsewhere"))
    assert build_calls[-1]["out_dir"] == tmp_path / "elsewhere"
    with pytest.raises(CommandError, match="--ship writes to"):
        call_command("build_matching_model", "--plain", "--ship", "--out", str(tmp_path))
    assert len(build_calls) == 2


def test_the_thread_count_is_passed_to_the_build_and_must_be_positive(build_calls):
    call_command("build_matching_model", "--plain", "--threads", "3")
    assert build_calls[0]["threads"] == 3
    call_command("build_matching_model", "--plain")
    assert build_calls[1]["threads"] == finetune.THREADS
    with pytest.raises(CommandError, match="--threads"):
        call_command("build_matching_model", "--plain", "--threads", "0")


def test_a_fine_tuned_build_reads_train_only_and_records_its_threads(
    monkeypatch, data_dir, tmp_path
):
    finetuned = {}

    def fake_finetune(*, source_dir, pairs, threads, log):
        finetuned.update(pairs=pairs, threads=threads)
        return "encoder"

    def fake_int8_export(*, source_dir, encoder, int8_path):
        int8_path.write_bytes(b"int8 model from " + encoder.encode())

    vectors = np.eye(2, 4, dtype=np.float32)
    monkeypatch.setattr(export, "backbone_dir", lambda: tmp_path / "backbone")
    monkeypatch.setattr(export, "plain_fp32_export", lambda *, onnx_path: None)
    monkeypatch.setattr(export, "int8_export", fake_int8_export)
    monkeypatch.setattr(export, "matching_tokenizer", lambda: None)
    monkeypatch.setattr(export, "session_load", lambda path: None)
    monkeypatch.setattr(export, "pytorch_reference", lambda texts, *, source_dir: vectors)
    monkeypatch.setattr(export, "onnx_embed", lambda **kwargs: vectors)
    monkeypatch.setattr(finetune, "encoder_finetune", fake_finetune)
    out_dir = tmp_path / "candidate"

    metadata = export.matching_model_build(
        out_dir=out_dir,
        fp32_keep_path=tmp_path / "plain.onnx",
        probe_texts=["a", "b"],
        data_dir=data_dir,
        threads=3,
        log=lambda line: None,
    )

    assert {pair.query for pair in finetuned["pairs"]} == {
        "unemployment went up",
        "moon made of cheese",
    }
    assert finetuned["threads"] == 3
    assert (out_dir / MODEL_FILE).read_bytes() == b"int8 model from encoder"
    written = json.loads((out_dir / METADATA_FILE).read_text())
    assert written == metadata and written["torch_threads"] == 3


def test_the_fine_tune_runs_on_the_threads_asked_for_and_restores_the_process_count(
    monkeypatch, tmp_path
):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    seen = []

    def fake_model(path):
        seen.append(torch.get_num_threads())
        return torch.nn.Linear(2, 2)

    monkeypatch.setattr(transformers.AutoModel, "from_pretrained", fake_model)
    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", lambda path: None)
    before = torch.get_num_threads()
    asked = 1 if before > 1 else 2
    encoder = finetune.encoder_finetune(
        source_dir=tmp_path, pairs=[], threads=asked, log=lambda line: None
    )
    assert seen == [asked]
    assert not encoder.training
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="at least 1"):
        finetune.encoder_finetune(source_dir=tmp_path, pairs=[], threads=0)


def test_a_data_folder_without_the_data_is_named_before_the_export_and_writes_nothing(
    monkeypatch, tmp_path
):
    exported = []
    monkeypatch.setattr(export, "backbone_dir", lambda: tmp_path / "backbone")
    monkeypatch.setattr(export, "plain_fp32_export", lambda **kwargs: exported.append(kwargs))
    with pytest.raises(TsvFormatError, match=r"verified_claims\.docs\.tsv: no such file"):
        export.matching_model_build(
            out_dir=tmp_path / "candidate",
            fp32_keep_path=tmp_path / "plain.onnx",
            probe_texts=["a"],
            data_dir=tmp_path / "empty",
            log=lambda line: None,
        )
    assert exported == [] and not (tmp_path / "candidate").exists()
