"""What counts as a row id typed or posted by a person or a client."""

# Past any id the database hands out (bigint holds 19 digits; ids here stay far below).
ID_DIGITS_MAX = 18


def is_id(value: str) -> bool:
    """ASCII digits only ('²', '１' and '١' are digits to str.isdigit, and to int())."""
    return value.isascii() and value.isdigit() and 0 < len(value) <= ID_DIGITS_MAX


def ids_listed(value: str) -> list[int]:
    """The ids in a posted comma-separated list ("12,15"), anything else in it left out."""
    return [int(part.strip()) for part in value.split(",") if is_id(part.strip())]
