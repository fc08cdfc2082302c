import csv
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from articles.models import Article, SourceKind
from claims.models import Sentence
from tests.factories import fact_checker

pytestmark = pytest.mark.django_db


def test_load_seeds_imports_the_seed_article_and_analyses_it(
    capsys, django_capture_on_commit_callbacks, seed_text
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_seeds")
    article = Article.objects.get()
    assert article.source_kind == SourceKind.SEED
    assert article.outlet.name == "Reuters"
    assert article.body == seed_text.strip()
    assert article.analysis_status == "done"
    assert Sentence.objects.filter(article=article).count() > 10
    assert "Loaded 000_ab3642ed052a6c28.txt" in capsys.readouterr().out


def test_the_demo_text_is_labelled_as_the_team_s_and_the_seed_keeps_its_outlet(client):
    # The recap in seeds/demo/ was written by the team: shown under an outlet of its own (it
    # read "Fact-check desk demo", by "Fact-check desk", the desk's own name), never under the
    # seed's Reuters or a name a reader could take for a real outlet's.
    call_command("load_seeds")
    call_command("load_seeds", "--dir", "seeds/demo")
    seed = Article.objects.get(outlet__domain="reuters.com")
    demo = Article.objects.exclude(pk=seed.pk).get()
    assert (seed.outlet.name, seed.byline) == ("Reuters", "Jillian Kitchener")
    assert seed.title.startswith("U.S. defends strikes on Iran-aligned militias")
    assert demo.outlet.name == "Demo (written by the team)"
    assert demo.outlet.domain.endswith(".invalid")  # a placeholder that resolves nowhere
    assert "Fact-check desk" not in demo.byline
    # Its text says who wrote it as the byline does, not "the fact-check desk" under "The team".
    assert "written by the team" in demo.body
    assert "fact-check desk" not in demo.body.lower()
    client.force_login(fact_checker())
    page = client.get(f"/articles/{demo.pk}/").text
    assert '<p class="meta">Demo (written by the team) · ' in page


def test_load_seeds_twice_changes_nothing(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_seeds")
    sentences = Sentence.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_seeds")
    assert Article.objects.count() == 1
    assert Sentence.objects.count() == sentences
    assert "Already loaded" in capsys.readouterr().out


def test_load_seeds_reports_a_broken_manifest(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("load_seeds", "--dir", str(tmp_path))
    (tmp_path / "manifest.json").write_text('[{"file": "missing.txt", "title": "x"}]')
    with pytest.raises(CommandError, match="does not exist"):
        call_command("load_seeds", "--dir", str(tmp_path))


def test_load_seeds_checks_every_entry_before_it_stores_any(tmp_path):
    (tmp_path / "one.txt").write_text("The council met on Monday and raised the rates.")
    for entry, reason in [
        ({"file": "one.txt", "title": "Two", "published_at": "18/11/2026"}, "bad published_at"),
        ({"file": "one.txt", "title": "Two", "published_at": 5}, "bad published_at 5"),
        ({"file": "one.txt", "title": "Two", "outlet": "x.example"}, "outlet must be an object"),
        ({"file": "two.txt", "title": "Two"}, "two.txt does not exist"),
        # These were a TypeError's or a DataError's traceback, after entry 1 was stored.
        ({"file": "one.txt", "title": 5}, "the title must be a JSON string"),
        ({"file": "one.txt", "title": "Two", "byline": ["A"]}, "the byline must be a JSON string"),
        ({"file": "one.txt", "title": "Two", "outlet": {"name": 5}}, "outlet's name must be"),
        ({"file": "one.txt", "title": "Two", "outlet": {"name": "A\u0000"}}, "outlet's name holds"),
        ({"file": "one\u0000.txt", "title": "Two"}, "The file holds a NUL"),
        ({"file": "one.txt", "title": "T\u0000wo"}, r"The title holds a NUL character"),
        ({"file": "one.txt", "title": "Two", "byline": "\ud800"}, "The byline holds half"),
        ({"file": "../one.txt", "title": "Two"}, "'../one.txt' is outside"),
        ({"file": "/etc/hostname", "title": "Two"}, "'/etc/hostname' is outside"),
        # Dropped without a word: the seed was stored without its date or its outlet's domain.
        ({"file": "one.txt", "title": "Two", "publishedAt": "2026-11-18"}, 'key "publishedAt"'),
        ({"file": "one.txt", "titel": "Two"}, 'unknown key "titel"'),
        ({"file": "one.txt", "title": "Two", "outlet": {"domian": "x.org"}}, 'key "domian"'),
    ]:
        manifest = [{"file": "one.txt", "title": "One"}, entry]
        (tmp_path / "manifest.json").write_text(json.dumps(manifest))
        with pytest.raises(CommandError, match=f"^Entry 2: .*{reason}"):
            call_command("load_seeds", "--dir", str(tmp_path))
    assert not Article.objects.exists()
    (tmp_path / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CommandError, match="nested too deeply"):
        call_command("load_seeds", "--dir", str(tmp_path))


def test_load_seeds_names_every_unknown_key_of_an_entry_and_the_keys_it_takes(tmp_path):
    (tmp_path / "one.txt").write_text("The council met on Monday and raised the rates.")
    manifest = [{"file": "one.txt", "title": "One", "Byline": "A", "source": "x"}]
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError) as refused:
        call_command("load_seeds", "--dir", str(tmp_path))
    assert str(refused.value) == (
        'Entry 1: unknown keys "Byline", "source"; an entry\'s keys are file, title, outlet, '
        "url, byline, language, published_at."
    )
    manifest = [{"file": "one.txt", "title": "One", "outlet": {"name": "A", "url": "a.org"}}]
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError) as refused:
        call_command("load_seeds", "--dir", str(tmp_path))
    assert str(refused.value) == (
        'Entry 1: unknown key "url"; the outlet\'s keys are name, domain.'
    )
    (tmp_path / "manifest.json").write_text('[{"file": "one.txt", "title": "A", "title": "B"}]')
    with pytest.raises(CommandError) as refused:
        call_command("load_seeds", "--dir", str(tmp_path))
    assert str(refused.value) == (
        f'{tmp_path / "manifest.json"}: the key "title" appears more than once; give each key once.'
    )
    assert not Article.objects.exists()


def test_load_seeds_stores_nothing_when_a_later_entrys_body_is_refused_and_says_why(
    tmp_path, django_capture_on_commit_callbacks
):
    """A body is checked as its article is stored: entry 1 stayed loaded when entry 2's
    text was refused, and the run then said only that entry 2 was wrong."""
    (tmp_path / "one.txt").write_text("The council met on Monday and raised the rates.")
    for body, reason in [
        (b"   \n", "body: The article text is empty."),
        (
            b"caf\xe9",
            "body: The article text is not valid UTF-8 (byte 3): save it as UTF-8 and try again.",
        ),
    ]:
        (tmp_path / "two.txt").write_bytes(body)
        manifest = [{"file": "one.txt", "title": "One"}, {"file": "two.txt", "title": "Two"}]
        (tmp_path / "manifest.json").write_text(json.dumps(manifest))
        with (
            django_capture_on_commit_callbacks(execute=True) as queued,
            pytest.raises(CommandError) as refused,
        ):
            call_command("load_seeds", "--dir", str(tmp_path))
        assert str(refused.value) == f"Nothing was loaded. Entry 2 (two.txt): {reason}"
        assert not Article.objects.exists() and queued == []


def test_demo_users_get_their_roles_and_keep_passwords_on_a_second_run(
    capsys, monkeypatch, settings, tmp_path
):
    settings.BASE_DIR = tmp_path
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", "an editor's long passphrase")
    call_command("demo_users")
    first = capsys.readouterr().out
    User = get_user_model()
    editor = User.objects.get(username="editor")
    assert editor.check_password("an editor's long passphrase")
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert User.objects.get(username="admin").is_superuser
    assert "factchecker / " in first

    call_command("demo_users")
    assert "exists, password unchanged" in capsys.readouterr().out
    assert User.objects.get(username="editor").check_password("an editor's long passphrase")


def test_demo_credentials_list_only_the_passwords_that_work_after_the_database_is_reset(
    capsys, settings, tmp_path
):
    settings.BASE_DIR = tmp_path
    call_command("demo_users")
    User = get_user_model()
    User.objects.filter(username__in=["editor", "factchecker"]).delete()  # var/db.sqlite3 removed
    call_command("demo_users")
    capsys.readouterr()

    lines = (tmp_path / "var" / "demo-credentials.txt").read_text("utf-8").splitlines()
    logins = dict(line.split(" / ", 1) for line in lines)
    assert len(logins) == len(lines) == 3
    for username, password in logins.items():
        assert User.objects.get(username=username).check_password(password)


def test_analyze_text_prints_one_json_line_per_file_with_exact_offsets(capsys, tmp_path):
    first = tmp_path / "a.txt"
    first.write_text("Café owners said prices rose 7 percent.\nThanks for reading.", "utf-8")
    second = tmp_path / "b.txt"
    second.write_text("Nothing here.", "utf-8")
    call_command("analyze_text", str(first), str(second), "--json")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    record = json.loads(lines[0])
    assert record["path"] == str(first)
    text = first.read_text("utf-8")
    for sentence in record["sentences"]:
        assert set(sentence) == {
            "start",
            "end",
            "text",
            "speaker",
            "speaker_mention",
            "check_worthiness",
        }
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]
        assert 0.0 <= sentence["check_worthiness"] <= 1.0
    assert record["sentences"][0]["speaker"] == "Café owners"
    assert json.loads(lines[1])["sentences"][0]["speaker"] is None
    assert json.loads(lines[1])["sentences"][0]["speaker_mention"] is None


def test_analyze_text_gives_the_resolved_name_and_the_words_it_was_read_from(capsys, tmp_path):
    path = tmp_path / "bridge.txt"
    path.write_text(
        "Mayor Maria Lopez opened the bridge on Monday.\n"
        "The crossing will cut commutes by half, the mayor said.\n",
        "utf-8",
    )
    call_command("analyze_text", str(path), "--json")
    sentences = json.loads(capsys.readouterr().out)["sentences"]
    assert (sentences[1]["speaker"], sentences[1]["speaker_mention"]) == (
        "Maria Lopez",
        "the mayor",
    )
    assert (sentences[0]["speaker"], sentences[0]["speaker_mention"]) == (None, None)


def test_analyze_text_refuses_a_file_that_is_not_utf8(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe broken")
    with pytest.raises(CommandError, match="not valid UTF-8"):
        call_command("analyze_text", str(bad), "--json")
    with pytest.raises(CommandError, match="no such file"):
        call_command("analyze_text", str(tmp_path / "missing.txt"))


NOT_UTF8 = b"\xff\xfe\n"


def test_match_claims_names_a_file_that_is_not_utf8_and_the_byte(tmp_path):
    binary = tmp_path / "BIN.tsv"
    binary.write_bytes(NOT_UTF8)
    with pytest.raises(CommandError) as refused:
        call_command("match_claims", str(binary), str(binary))
    assert str(refused.value) == f"{binary} is not valid UTF-8 (byte 0): save it as UTF-8."
    with pytest.raises(CommandError, match="missing.tsv: no such file"):
        call_command("match_claims", str(tmp_path / "missing.tsv"), str(binary))
    with pytest.raises(CommandError, match="is a folder"):
        call_command("match_claims", str(tmp_path), str(binary))


def test_score_sentences_names_a_file_that_is_not_utf8_and_the_byte(tmp_path):
    binary = tmp_path / "BIN.tsv"
    binary.write_bytes(b"Sentence_id\tText\n1\tcaf\xe9\n")
    with pytest.raises(CommandError) as refused:
        call_command("score_sentences", str(binary))
    assert str(refused.value) == f"{binary} is not valid UTF-8 (byte 22): save it as UTF-8."
    with pytest.raises(CommandError, match="missing.tsv: no such file"):
        call_command("score_sentences", str(tmp_path / "missing.tsv"))


def test_score_sentences_names_a_field_over_the_limit_by_line_not_a_traceback(tmp_path):
    # csv's limit was a traceback here (match_claims refused it by line already).
    before = csv.field_size_limit(131_072)
    path = tmp_path / "long.tsv"
    path.write_text(f"Sentence_id\tText\n1\tShort.\n2\t{'Taxes go up. ' * 11_000}\n")
    try:
        with pytest.raises(CommandError, match=r"long\.tsv, line 3: a field starting here holds"):
            call_command("score_sentences", str(path))
    finally:
        csv.field_size_limit(before)


def test_score_sentences_refuses_a_quote_never_closed_and_a_column_named_twice(tmp_path):
    path = tmp_path / "open.tsv"
    path.write_text('Sentence_id\tText\n1\t"Taxes went up.\n2\tThank you.\n')
    with pytest.raises(CommandError, match=r"open\.tsv, line 2: a quote opened here is never"):
        call_command("score_sentences", str(path))
    path.write_text("Sentence_id\tText\tText\n1\t\tTaxes went up.\n")
    with pytest.raises(CommandError, match="the header names Text more than once"):
        call_command("score_sentences", str(path))


def test_score_sentences_and_match_claims_refuse_a_file_with_only_a_header(tmp_path):
    # They printed nothing and succeeded, as if every sentence had been scored.
    sentences = tmp_path / "sentences.tsv"
    sentences.write_text("Sentence_id\tText\n")
    with pytest.raises(CommandError, match=r"sentences\.tsv: no sentences after the header"):
        call_command("score_sentences", str(sentences))
    vclaims = tmp_path / "vclaims.tsv"
    vclaims.write_text("vclaim_id\tvclaim\ttitle\nv1\tTaxes rose.\t\n")
    queries = tmp_path / "queries.tsv"
    queries.write_text("query_id\ttext\n\n")
    with pytest.raises(CommandError, match=r"queries\.tsv: no queries after the header"):
        call_command("match_claims", str(vclaims), str(queries))


def test_evaluate_attribution_refuses_a_stance_threshold_that_is_not_a_number(tmp_path):
    with pytest.raises(CommandError, match="--stance-threshold must be a number"):
        call_command(
            "evaluate_attribution", "--stance-threshold", "nan", "--data-dir", str(tmp_path)
        )


def test_load_seeds_names_a_manifest_that_is_not_utf8(tmp_path):
    (tmp_path / "manifest.json").write_bytes(NOT_UTF8)
    with pytest.raises(CommandError, match=r"manifest.json is not valid UTF-8 \(byte 0\)"):
        call_command("load_seeds", "--dir", str(tmp_path))
    with pytest.raises(CommandError, match="No manifest at"):
        call_command("load_seeds", "--dir", str(tmp_path / "manifest.json"))


def test_evaluate_matching_names_a_data_file_that_is_not_utf8(tmp_path):
    (tmp_path / "verified_claims.docs.tsv").write_bytes(NOT_UTF8)
    with pytest.raises(CommandError, match=r"verified_claims.docs.tsv is not valid UTF-8"):
        call_command("evaluate_matching", "--data-dir", str(tmp_path), "--train-holdout")


def test_evaluate_attribution_names_a_polnear_file_that_is_not_utf8(tmp_path):
    split = tmp_path / "attribution-polnear" / "data" / "dev"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    (split / "text" / "story.txt").write_bytes(b"The mayor said caf\xe9s open.\n")
    (split / "attributions" / "story_1.ann").write_text("", encoding="utf-8")
    with pytest.raises(CommandError, match=r"story.txt is not valid UTF-8 \(byte 18\)"):
        call_command("evaluate_attribution", "--data-dir", str(tmp_path))


def test_the_shell_imports_every_model_it_can_and_reports_no_failed_import(capsys):
    call_command("shell", command="print(Verdict.history.model.__name__)", verbosity=2)
    out = capsys.readouterr().out
    assert "could not be automatically imported" not in out
    assert "HistoricalVerdict" in out.splitlines()[-1]  # the command ran, history at hand
    assert "from claims.models.verdicts import" in out and "Verdict" in out
