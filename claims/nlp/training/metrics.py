"""Positive-class precision / recall / F1 (the CheckThat! 2024 Task 1 metric), threshold choice."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class PositiveClassScores:
    precision: float
    recall: float
    f1: float
    support: int

    def as_dict(self) -> dict:
        return {key: round(value, 4) for key, value in asdict(self).items()}


def positive_class_scores(
    *, labels: Sequence[int], scores: Sequence[float], threshold: float
) -> PositiveClassScores:
    predicted = [score >= threshold for score in scores]
    true_positives = sum(1 for p, y in zip(predicted, labels, strict=True) if p and y == 1)
    predicted_positives = sum(predicted)
    actual_positives = sum(1 for y in labels if y == 1)
    precision = true_positives / predicted_positives if predicted_positives else 0.0
    recall = true_positives / actual_positives if actual_positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PositiveClassScores(precision=precision, recall=recall, f1=f1, support=actual_positives)


def best_f1_threshold(*, labels: Sequence[int], scores: Sequence[float]) -> float:
    """The threshold (on a 0.01 grid) that maximises positive-class F1 on the given data.

    A coarse grid rather than every distinct score: on ~1,000 dev sentences the exact optimum
    overfits, and a round number is easier to read in the model card.
    """
    candidates = [step / 100 for step in range(1, 100)]
    return max(
        candidates,
        key=lambda t: (
            positive_class_scores(labels=labels, scores=scores, threshold=t).f1,
            -abs(t - 0.5),
        ),
    )
