"""The desk's words for what Django's form fields say in their own: "Enter a valid URL.",
"Enter a valid date.", "Select a valid choice. x is not one of the available choices.",
"Enter a number.", which name no field, read out of place in an error summary, and echo a
tampered value back. Each takes the field's name as the message says it (`what`) and returns
the field's error_messages. Here, not in claims/, because claims/ imports articles/ and never
the reverse; the too-long and NUL sentences are articles.lengths'."""


def url_errors(what: str) -> dict[str, str]:
    return {
        "invalid": f"The {what} is not a web address: give it in full, such as "
        "https://example.org/story."
    }


def date_errors(what: str) -> dict[str, str]:
    return {"invalid": f"Enter the {what} as year-month-day, such as 2026-11-18."}


def choice_errors(what: str, *, choices=()) -> dict[str, str]:
    """With `choices` (value, label pairs, a short fixed list such as a filter's), the message
    names what the field takes: a filter's choice comes from an address that can be edited, and
    "from the list" does not say which list there. Without (a list of rows, such as the
    outlets), it names the field only."""
    # Not the value sent: a choice outside the list comes from an edited address, and quoting
    # it would repeat whatever was typed there.
    labels = [str(label) for _, label in choices]
    if len(labels) > 1:
        listed = f"{', '.join(labels[:-1])} or {labels[-1]}"
        return {"invalid_choice": f"Choose the {what} from the list: {listed}."}
    return {"invalid_choice": f"Choose the {what} from the list."}


def number_errors(what: str, *, low: float, high: float) -> dict[str, str]:
    example = (low + high) / 2
    message = f"Give the {what} as a number from {low:g} to {high:g}, such as {example:g}."
    return {code: message for code in ("invalid", "min_value", "max_value", "step_size")}
