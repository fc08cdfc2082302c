"""`evaluate_matching` reproduces the shipped figures and changes what the app serves only
when asked to."""

import json
from dataclasses import replace

import pytest
from django.core.management import CommandError, call_command

from claims.management.commands import evaluate_matching as command
from claims.matching import checkthat, embedding
from claims.matching.evaluation import Report
from claims.matching.retrieval import MatchSettings
from claims.matching.store import match_settings

REFITTED = replace(MatchSettings(), claim_weight=0.1, title_weight=0.9, suggested=0.2)


@pytest.fixture
def evaluation(tmp_path, monkeypatch, settings):
    """The command's flow with the fitting and the models replaced: what it is asked to run,
    and a model folder of its own holding a shipped match_settings.json."""
    settings.BASE_DIR = tmp_path
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / embedding.FP32_LOCAL_NAME).write_bytes(b"onnx")
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    metadata = embedding.MODEL_DIR / "metadata.json"
    (model_dir / "metadata.json").write_bytes(metadata.read_bytes())
    shipped = {"claim_weight": 0.7, "title_weight": 0.2, "lexical_weight": 0.8}
    shipped |= {"suggested": 0.375, "same_claim": 0.82}
    (model_dir / "match_settings.json").write_text(json.dumps(shipped), encoding="utf-8")
    monkeypatch.setattr(embedding, "MODEL_DIR", model_dir)
    monkeypatch.setattr(command, "session_load", lambda path: object())
    monkeypatch.setattr(command, "checkthat_load", lambda data_dir, splits: None)  # no data read
    calls = []

    def evaluate(**kwargs):
        calls.append(kwargs)
        fixed = kwargs.get("fixed")
        chosen = fixed[0] if fixed else REFITTED
        rules = fixed[1] if fixed else {"suggested": "fitted", "same_claim": "fitted"}
        rows = [(kwargs.get("fixed_name", "hybrid, weights fitted on train"), 0.9, 0.8)]
        return Report(rows, chosen, [], {"train": 1.0, "dev": 1.0}, rules)

    monkeypatch.setattr(command, "matching_evaluate", evaluate)
    return model_dir / "match_settings.json", shipped, calls


def test_a_fitting_run_leaves_the_shipped_settings_alone(evaluation, tmp_path, capsys):
    path, shipped, calls = evaluation
    call_command("evaluate_matching", "--data-dir", str(tmp_path))
    assert json.loads(path.read_text(encoding="utf-8")) == shipped
    assert calls[0]["fixed"] is None
    assert "left as it is (--write-settings ships these)" in capsys.readouterr().out


def test_write_settings_ships_what_was_fitted(evaluation, tmp_path):
    path, _, _ = evaluation
    call_command("evaluate_matching", "--data-dir", str(tmp_path), "--write-settings")
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["title_weight"] == 0.9
    assert written["suggested"] == 0.2


def test_shipped_scores_with_the_committed_settings_and_fits_nothing(evaluation, tmp_path, capsys):
    path, shipped, calls = evaluation
    match_settings.cache_clear()
    try:
        call_command("evaluate_matching", "--data-dir", str(tmp_path), "--shipped")
    finally:
        match_settings.cache_clear()
    fixed_settings, rules = calls[0]["fixed"]
    assert fixed_settings == MatchSettings(**shipped)
    assert calls[0]["fixed_name"] == "hybrid as shipped (match_settings.json)"
    assert json.loads(path.read_text(encoding="utf-8")) == shipped
    out = capsys.readouterr().out
    assert "hybrid as shipped (match_settings.json)" in out
    assert "suggested threshold chosen on shipped" in out


@pytest.mark.parametrize("other", ["--write-settings", "--out-of-fold-settings"])
def test_shipped_refuses_a_flag_that_would_fit(evaluation, tmp_path, other):
    with pytest.raises(CommandError, match="--shipped fits nothing"):
        call_command("evaluate_matching", "--data-dir", str(tmp_path), "--shipped", other)


def test_a_missing_plain_baseline_is_exported_not_a_dead_end(evaluation, tmp_path, monkeypatch):
    (tmp_path / "var" / embedding.FP32_LOCAL_NAME).unlink()
    exported = []
    monkeypatch.setattr(command, "plain_fp32_export", lambda onnx_path: exported.append(onnx_path))
    call_command("evaluate_matching", "--data-dir", str(tmp_path), "--shipped")
    assert exported == [tmp_path / "var" / embedding.FP32_LOCAL_NAME]


@pytest.fixture
def caches_cleared_after():
    """A test that points the matcher at another model leaves the shipped one to load next."""
    yield
    embedding.model_info.cache_clear()
    embedding._session.cache_clear()


def test_model_dir_scores_a_candidate_and_writes_its_settings_there(
    evaluation, tmp_path, monkeypatch, caches_cleared_after
):
    path, shipped, calls = evaluation
    candidate = tmp_path / "var" / "matching-candidate"
    candidate.mkdir()
    (candidate / "model.onnx").write_bytes(b"onnx")
    (candidate / "metadata.json").write_text(
        json.dumps({"version": "minilm-l6-match-candidate", "sha256": "0" * 64}), encoding="utf-8"
    )
    call_command(
        "evaluate_matching",
        "--data-dir",
        str(tmp_path),
        "--model-dir",
        str(candidate),
        "--write-settings",
    )
    assert calls[0]["tag"].startswith("minilm-l6-match-candidate-")
    assert json.loads((candidate / "match_settings.json").read_text(encoding="utf-8"))
    # The shipped model's settings are left as they were.
    assert json.loads(path.read_text(encoding="utf-8")) == shipped


def test_model_dir_without_a_model_is_refused_naming_what_is_missing(evaluation, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CommandError) as refused:
        call_command("evaluate_matching", "--data-dir", str(tmp_path), "--model-dir", str(empty))
    assert str(refused.value) == (
        f"{empty} holds no matching model (model.onnx, metadata.json missing); "
        "build_matching_model writes one to var/matching-candidate/"
    )


def test_a_data_folder_without_the_data_is_named_before_any_model_is_exported(
    evaluation, tmp_path, monkeypatch
):
    monkeypatch.setattr(command, "checkthat_load", checkthat.checkthat_load)
    exported = []
    monkeypatch.setattr(command, "plain_fp32_export", lambda **kwargs: exported.append(kwargs))
    (tmp_path / "var" / embedding.FP32_LOCAL_NAME).unlink()  # the baseline would be exported
    with pytest.raises(CommandError, match=r"empty/verified_claims\.docs\.tsv: no such file"):
        call_command("evaluate_matching", "--data-dir", str(tmp_path / "empty"))
    assert exported == []
