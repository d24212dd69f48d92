"""Charts as server-rendered SVG: every value is printed, so they read without hovering.

One style for every chart (docs/conventions.md, "Charts"): the SVG has no viewBox, so nothing
is scaled. Its width is its box's (100%), its height is fixed in CSS pixels; bars and columns
are placed in percentages of the width, and text is set in pixels (TEXT, AXIS), so it reads at
the same size on a phone and on a wide screen. Labels never run past the box: a bar's label sits
on its own line above the bar with the value at the right end, a label longer than LABEL_ROOM
(about 180 px) is cut with "…" and keeps its full text in a <title> (the browser shows it on hover), and a time
axis prints at most AXIS_LABELS labels, the first and last anchored inside the box.

No JavaScript and no inline CSS (the Content-Security-Policy forbids both); colours and sizes
are SVG presentation attributes. Each function returns markup safe to put in a template with
`{{ chart }}`.
"""

import unicodedata
from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#4f46e5", "#d97706", "#047857", "#b91c1c", "#0e7490", "#7c3aed", "#64748b"]
INK = "#374151"
MUTED = "#6b7280"
GRID = "#e5e7eb"

TEXT = 14  # px: labels and values
AXIS = 12  # px: axis labels, the smallest text a chart has
# A label's room beside its value in the narrowest chart (a card in a card on a 390 px phone is
# ~260 px wide), in px at TEXT size, as `_width` estimates it.
LABEL_ROOM = 180
AXIS_LABELS = 4  # a time axis' labels, enough for a phone
LEGEND_ROOM = 96  # px for each of a legend's two names: both fit the narrowest chart
COLUMN_VALUES = 8  # columns up to this many print their value on top; more show the peak
INSET = 2  # px between text and the box's sides: a glyph's overhang stays inside


def _number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _width(text: str) -> float:
    """About how wide `text` is at TEXT px in a sans-serif face (rather more than less)."""
    return sum(
        TEXT
        if unicodedata.east_asian_width(char) in "WF"
        else 4.5
        if char in " .,:;'!|()-Iijlft"
        else 10
        if char.isupper() or char.isdigit() or char in "mwMW%"
        else 8
        for char in text
    )


def _label(text: str, *, x: str, y: float, anchor: str = "start", size: int = TEXT) -> str:
    """A label, cut to LABEL_ROOM with its full text in a <title> when it is longer."""
    text = str(text)
    shown = text
    if _width(text) > LABEL_ROOM:
        shown = ""
        for char in text:
            if _width(shown + char) > LABEL_ROOM - TEXT:
                break
            shown += char
        shown = shown.rstrip() + "…"
    element = (
        f'<text x="{x}" y="{y:.1f}" text-anchor="{anchor}" fill="{INK}" font-size="{size}">'
        f"{escape(shown)}</text>"
    )
    if shown == text:
        return element
    return f"<g><title>{escape(text)}</title>{element}</g>"


def _svg(height: float, title: str, body: list[str]) -> SafeString:
    label = escape(title)
    # Safe: every piece of text in `body` and the title were escaped by the callers above.
    return mark_safe(
        f'<svg class="chart" width="100%" height="{height:.0f}" role="img" '
        f'aria-label="{label}" xmlns="http://www.w3.org/2000/svg"><title>{label}</title>'
        + "".join(body)
        + "</svg>"
    )


def _bars(rows: Sequence[tuple[str, float, str]], *, title: str, colours: Sequence[str]) -> str:
    """Rows of (label, value, value text): the label and the value text on one line, the bar
    under them across the width."""
    row, bar = 44, 12
    peak = max((value for _, value, _ in rows), default=0) or 1
    body = []
    if not rows:
        body.append(f'<text x="{INSET}" y="{TEXT + 4}" fill="{MUTED}" font-size="{TEXT}">—</text>')
    for index, (label, value, shown) in enumerate(rows):
        top = index * row
        share = 100 * value / peak
        body.append(
            _label(label, x=str(INSET), y=top + TEXT + 2)
            + f'<text x="100%" dx="-{INSET}" y="{top + TEXT + 2}" text-anchor="end" fill="{INK}" '
            f'font-size="{TEXT}" font-weight="600">{escape(shown)}</text>'
            f'<rect x="0" y="{top + TEXT + 9}" width="100%" height="{bar}" rx="3" fill="{GRID}"/>'
            f'<rect x="0" y="{top + TEXT + 9}" width="{share:.2f}%" height="{bar}" rx="3" '
            f'fill="{colours[index % len(colours)]}"/>'
        )
    return _svg(max(row * len(rows), TEXT + 10), title, body)


def bar_chart(
    bars: Sequence[tuple[str, float]], *, title: str, unit: str = "", color: str = PALETTE[0]
) -> SafeString:
    """Horizontal bars, one per (label, value), each with its value written at the right."""
    rows = [(label, value, f"{_number(value)}{unit}") for label, value in bars]
    return _bars(rows, title=title, colours=[color])


def funnel_chart(stages: Sequence[tuple[str, float]], *, title: str) -> SafeString:
    """Stages in order, each bar showing its count and its share of the first stage."""
    first = stages[0][1] if stages and stages[0][1] else 0
    rows = [
        (label, value, _number(value) + (f" ({value / first:.0%})" if first and index else ""))
        for index, (label, value) in enumerate(stages)
    ]
    return _bars(rows, title=title, colours=PALETTE)


def _axis_positions(count: int) -> dict[int, str]:
    """Which columns get an axis label, and how it is anchored: all of a few, else AXIS_LABELS
    spread evenly, the first starting at the left edge and the last ending at the right."""
    if count <= AXIS_LABELS:
        return dict.fromkeys(range(count), "middle")
    picks = {round(step * (count - 1) / (AXIS_LABELS - 1)) for step in range(AXIS_LABELS)}
    return {
        index: "start" if index == 0 else "end" if index == count - 1 else "middle"
        for index in picks
    }


def column_chart(
    columns: Sequence[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    color: str = PALETTE[0],
    overlay: Sequence[float] | None = None,
    legend: tuple[str, str] | None = None,
) -> SafeString:
    """Vertical columns over time: a few print their value on top; a long series prints its
    peak on a grid line, and each column tells its day and value on hover.

    `overlay` draws a part of each column (one value per column, at most the column's) inside it
    in a second colour, with a legend of the two (`legend`: the whole's and the part's names)
    above the plot: "all parts" and one selected part, say."""
    height, top, bottom = 200, TEXT + 10, AXIS + 10
    legend_row = TEXT + 10 if overlay is not None else 0
    top += legend_row
    height += legend_row
    plot = height - top - bottom
    count = max(len(columns), 1)
    peak = max((value for _, value in columns), default=0) or 1
    values_on_top = len(columns) <= COLUMN_VALUES
    body = [
        f'<line x1="0" y1="{top + plot}" x2="100%" y2="{top + plot}" stroke="{GRID}"/>',
    ]
    if not values_on_top:
        body.append(
            f'<line x1="0" y1="{top}" x2="100%" y2="{top}" stroke="{GRID}" '
            f'stroke-dasharray="4 4"/><text x="{INSET}" y="{top - 5}" fill="{MUTED}" '
            f'font-size="{AXIS}">{_number(peak)}{escape(unit)}</text>'
        )
    axis = _axis_positions(len(columns))
    for index, (label, value) in enumerate(columns):
        slot = 100 / count
        bar_height = plot * value / peak
        y = top + plot - bar_height
        body.append(
            f'<rect x="{(index + 0.15) * slot:.3f}%" y="{y:.1f}" width="{0.7 * slot:.3f}%" '
            f'height="{bar_height:.1f}" rx="2" fill="{color}">'
            f"<title>{escape(str(label))}: {_number(value)}{escape(unit)}</title></rect>"
        )
        if overlay is not None and index < len(overlay) and overlay[index]:
            part = min(overlay[index], value)
            part_height = plot * part / peak
            body.append(
                f'<rect x="{(index + 0.3) * slot:.3f}%" y="{top + plot - part_height:.1f}" '
                f'width="{0.4 * slot:.3f}%" height="{part_height:.1f}" rx="1" fill="{PALETTE[1]}">'
                f"<title>{escape(str(label))}: {escape(legend[1] if legend else '')} "
                f"{_number(part)}{escape(unit)}</title></rect>"
            )
        if value and values_on_top:
            body.append(
                f'<text x="{(index + 0.5) * slot:.3f}%" y="{y - 5:.1f}" text-anchor="middle" '
                f'fill="{INK}" font-size="{AXIS}">{_number(value)}{escape(unit)}</text>'
            )
        if index in axis:
            anchor = axis[index]
            x = {"start": index * slot, "middle": (index + 0.5) * slot, "end": (index + 1) * slot}
            nudge = {"start": INSET, "middle": 0, "end": -INSET}[anchor]
            body.append(
                f'<text x="{x[anchor]:.3f}%" dx="{nudge}" y="{height - 4}" text-anchor="{anchor}" '
                f'fill="{MUTED}" font-size="{AXIS}">{escape(str(label))}</text>'
            )
    if overlay is not None and legend:
        body.append(_legend(legend, (color, PALETTE[1]), y=TEXT))
    return _svg(height, title, body)


def _legend(names: Sequence[str], colours: Sequence[str], *, y: float) -> str:
    """Each name after a square of its colour, on one line from the left, each cut to fit
    half of the narrowest chart (LEGEND_ROOM px at AXIS size)."""
    parts, x = [], INSET
    for name, colour in zip(names, colours, strict=True):
        shown = str(name)
        while _width(shown) * AXIS / TEXT > LEGEND_ROOM and len(shown) > 1:
            shown = shown[:-2] + "…"
        parts.append(
            f'<rect x="{x}" y="{y - AXIS + 2}" width="{AXIS - 2}" height="{AXIS - 2}" rx="2" '
            f'fill="{colour}"/><text x="{x + AXIS + 2}" y="{y}" fill="{INK}" '
            f'font-size="{AXIS}"><title>{escape(str(name))}</title>{escape(shown)}</text>'
        )
        x += AXIS + 2 + _width(shown) * AXIS / TEXT + 16
    return "".join(parts)
