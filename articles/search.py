"""What a search box or `q` parameter takes, on every page and API view of both apps (the desk
queue, the public index, the API's filters and its "has this been checked?", the external
fact-checks list). Here, not in claims/, because claims/ imports articles/ and never the reverse.

One limit and one sentence, so that no two of them disagree on what "too long" is. The longest
search is a statement pasted whole (a paragraph of a speech) into "has this been checked?"."""

SEARCH_QUERY_MAX = 2000
SEARCH_QUERY_TOO_LONG = f"A search can be at most {SEARCH_QUERY_MAX:,} characters long."
