"""Charts as server-rendered SVG: every value is printed, so they read without hovering.

No JavaScript and no inline CSS (the Content-Security-Policy forbids both); colours are SVG
presentation attributes. Each function returns markup safe to put in a template with `{{ chart }}`.
"""

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#4f46e5", "#d97706", "#047857", "#b91c1c", "#0e7490", "#7c3aed", "#64748b"]
INK = "#374151"
MUTED = "#6b7280"
GRID = "#e5e7eb"


def _number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    label = escape(title)
    # Safe: every piece of text in `body` and the title were escaped by the callers above.
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{label}" xmlns="http://www.w3.org/2000/svg"><title>{label}</title>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(
    bars: Sequence[tuple[str, float]], *, title: str, unit: str = "", color: str = PALETTE[0]
) -> SafeString:
    """Horizontal bars, one per (label, value), each with its value written at its end."""
    row, label_width, width = 30, 170, 640
    plot_width = width - label_width - 70
    height = max(row * len(bars) + 10, 40)
    peak = max((value for _, value in bars), default=0) or 1
    body = []
    if not bars:
        body.append(f'<text x="10" y="25" fill="{MUTED}" font-size="13">—</text>')
    for index, (label, value) in enumerate(bars):
        y = 5 + index * row
        bar = max(plot_width * value / peak, 1 if value else 0)
        body.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" fill="{INK}" '
            f'font-size="13">{escape(str(label)[:28])}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{bar:.1f}" height="{row - 10}" rx="3" '
            f'fill="{color}"/>'
            f'<text x="{label_width + bar + 6:.1f}" y="{y + 17}" fill="{INK}" font-size="13" '
            f'font-weight="600">{_number(value)}{escape(unit)}</text>'
        )
    return _svg(width, height, title, body)


def column_chart(
    columns: Sequence[tuple[str, float]], *, title: str, unit: str = "", color: str = PALETTE[0]
) -> SafeString:
    """Vertical columns over time (label per column, value printed on top when it fits)."""
    width, height, left, bottom, top = 640, 220, 36, 40, 22
    plot_width, plot_height = width - left - 10, height - bottom - top
    peak = max((value for _, value in columns), default=0) or 1
    slot = plot_width / max(len(columns), 1)
    # Print every label when they fit, otherwise about eight evenly spaced ones.
    label_every = max(1, round(len(columns) / 8)) if slot < 42 else 1
    body = [
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - 10}" y2="{top + plot_height}" '
        f'stroke="{GRID}"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" fill="{MUTED}" font-size="11">'
        f"{_number(peak)}</text>",
    ]
    for index, (label, value) in enumerate(columns):
        x = left + index * slot
        bar_height = plot_height * value / peak
        y = top + plot_height - bar_height
        body.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{bar_height:.1f}" rx="2" fill="{color}"/>'
        )
        if value and slot >= 22:
            body.append(
                f'<text x="{x + slot / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="{INK}" '
                f'font-size="11">{_number(value)}{escape(unit)}</text>'
            )
        if index % label_every == 0:
            body.append(
                f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'fill="{MUTED}" font-size="11">{escape(str(label))}</text>'
            )
    return _svg(width, height, title, body)


def funnel_chart(stages: Sequence[tuple[str, float]], *, title: str) -> SafeString:
    """Stages in order, each bar showing its count and its share of the first stage."""
    first = stages[0][1] if stages and stages[0][1] else 0
    labelled = [
        (label, value, f" ({value / first:.0%})" if first and index else "")
        for index, (label, value) in enumerate(stages)
    ]
    row, label_width, width = 34, 150, 640
    plot_width = width - label_width - 110
    peak = max((value for _, value, _ in labelled), default=0) or 1
    body = []
    for index, (label, value, share) in enumerate(labelled):
        y = 5 + index * row
        bar = max(plot_width * value / peak, 1 if value else 0)
        colour = PALETTE[index % len(PALETTE)]
        body.append(
            f'<text x="{label_width - 8}" y="{y + 19}" text-anchor="end" fill="{INK}" '
            f'font-size="13">{escape(str(label))}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{bar:.1f}" height="{row - 10}" rx="3" '
            f'fill="{colour}"/>'
            f'<text x="{label_width + bar + 6:.1f}" y="{y + 19}" fill="{INK}" font-size="13" '
            f'font-weight="600">{_number(value)}{share}</text>'
        )
    return _svg(width, max(row * len(stages) + 10, 40), title, body)
