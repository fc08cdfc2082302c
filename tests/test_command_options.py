import pytest
from django.core.management import CommandError, call_command


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "option", "message"),
    [
        ("requeue_analysis", "--queued-minutes", "--queued-minutes must be from 0 to 525,600"),
        ("requeue_analysis", "--stalled-seconds", "--stalled-seconds must be from 1 to 31,536,000"),
        ("requeue_intake", "--queued-minutes", "--queued-minutes must be from 0 to 525,600"),
        ("requeue_intake", "--fetching-minutes", "--fetching-minutes must be from 0 to 525,600"),
        ("requeue_imports", "--queued-minutes", "--queued-minutes must be from 0 to 525,600"),
    ],
)
def test_a_recovery_wait_too_long_for_a_timedelta_is_refused_not_an_overflow_error(
    command, option, message
):
    with pytest.raises(CommandError, match=message):
        call_command(command, option, "99999999999999")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "option"),
    [("requeue_analysis", "--queued-minutes"), ("requeue_intake", "--fetching-minutes")],
)
def test_a_negative_recovery_wait_is_still_refused(command, option):
    with pytest.raises(CommandError, match=f"{option} must be from 0"):
        call_command(command, option, "-1")


@pytest.mark.parametrize(
    ("option", "value"), [("--threads", "0"), ("--max-train-sentences", "0"), ("--epochs", "0")]
)
def test_training_refuses_a_count_below_one_before_reading_any_data(tmp_path, option, value):
    # The data and the model took minutes to load before torch or random.sample refused it.
    with pytest.raises(CommandError, match=f"^{option} must be at least 1, not 0"):
        call_command(
            "train_checkworthiness",
            option,
            value,
            "--data-dir",
            str(tmp_path),
            "--output-dir",
            str(tmp_path / "out"),
            "--cache-dir",
            str(tmp_path / "cache"),
        )


def test_the_matching_build_refuses_a_negative_number_of_collection_pairs(tmp_path):
    with pytest.raises(CommandError, match="--collection-pairs must be at least 0, not -5"):
        call_command(
            "build_matching_model",
            "--hard-negatives",
            "--collection-pairs",
            "-5",
            "--data-dir",
            str(tmp_path),
            "--out",
            str(tmp_path / "out"),
        )
