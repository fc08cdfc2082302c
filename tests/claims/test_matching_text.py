"""The "same claim" guards' reading of a text (`claims.matching.text`), on short texts written for
these tests: a negation or a number typed with other characters reads as the plain one."""

from claims.matching.text import is_negated, numbers_agree, numbers_in


def test_a_negation_with_a_curly_apostrophe_still_negates():
    assert is_negated("Vaccines don\u2019t cause autism")
    assert is_negated("The mayor doesn\u2019t live in the city")
    assert not is_negated("The mayor doesn\u2019t not live in the city")


def test_a_curly_and_a_straight_negation_read_alike():
    assert is_negated("Vaccines don\u2019t cause autism") == is_negated(
        "Vaccines don't cause autism"
    )
    assert is_negated("Biden ne\u0301ver said it") == is_negated("Biden never said it")


def test_numbers_written_in_other_digits_agree_with_ascii_ones():
    assert numbers_in("rose \uff12\uff10 percent") == numbers_in("rose 20 percent") == {"20"}
    assert numbers_in("costs \u0662,\u0660\u0660\u0660 dollars") == {"2000"}
    assert numbers_agree("Bídén\u2019s plan costs \uff12,000 dollars", "Biden's plan costs 2000")
    assert not numbers_agree("rose \uff12\uff10 percent", "rose 2 percent")
