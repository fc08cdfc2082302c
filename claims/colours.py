"""WCAG 2.2 colour contrast, for what the desk draws in a colour it chooses: a rating's badge
(its text) and a rating's bar in a chart (its edge).

Plain functions on "#rrggbb" strings; no Django. The formulas are WCAG 2.2's definitions of
relative luminance and contrast ratio (https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio).
"""

BLACK = "#000000"
WHITE = "#ffffff"
# WCAG 2.2 AA (1.4.3) for text below 18pt, or 14pt bold.
TEXT_CONTRAST_MINIMUM = 4.5
# WCAG 2.2 AA (1.4.11) for the parts of a graphic needed to understand it (a chart's bars).
GRAPHIC_CONTRAST_MINIMUM = 3.0


def _channels(colour: str) -> tuple[float, float, float]:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    if len(digits) != 6:
        raise ValueError(f"Not a hex colour: {colour!r}.")
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))


def relative_luminance(colour: str) -> float:
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _channels(colour)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(one: str, other: str) -> float:
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with `background`: one of the two always
    reaches at least 4.58:1, so any colour an editor gives a rating keeps its label legible."""
    if contrast_ratio(background, BLACK) >= contrast_ratio(background, WHITE):
        return BLACK
    return WHITE


def _darker(colour: str, by: float) -> str:
    return "#" + "".join(f"{round(channel * (1 - by) * 255):02x}" for channel in _channels(colour))


def graphic_edge_colour(fill: str, background: str = WHITE) -> str:
    """The colour to outline a shape filled with `fill` on `background` (the page's white):
    the fill itself where it already stands out 3:1, else the nearest darker shade of it that
    does, so a Half True bar (#f9a825, 1.97:1 on white) keeps its colour and gains a visible
    edge. Black reaches 21:1 on white, so a shade is always found on a light page."""
    for step in range(21):
        shade = _darker(fill, step / 20)
        if contrast_ratio(shade, background) >= GRAPHIC_CONTRAST_MINIMUM:
            return shade
    return readable_text_colour(background)
