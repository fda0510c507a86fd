"""Server-side SVG charts: the same markup in web pages and WeasyPrint PDFs, no JavaScript.

Every chart is an `<svg role="img">` with a `<title>` (its text alternative, which WeasyPrint also puts on the
PDF's figure tag) and a `<desc>` listing every value; pages also show the numbers in a table beside each chart,
which is the accessible equivalent. Labels wrap onto as many lines as they need, never cut short. Colours are from
the NHS identity palette and pass 3:1 contrast against white for graphical objects.
"""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Sequence
from itertools import cycle

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#005eb8", "#330072", "#007f3b", "#d5281b", "#00a499", "#ae2573", "#425563", "#ed8b00")
TEXT = "#212b32"
MUTED = "#4c6272"
FONT = "Frutiger W01, Arial, sans-serif"
LINE_HEIGHT = 17
# A generous average advance of a 14px sans-serif character, so a wrapped line fits its space.
CHAR_WIDTH = 7.8


def wrap_label(label: object, width: float) -> list[str]:
    """The label in lines that fit `width` pixels, broken between words (inside a word only if it is too long)."""
    chars = max(6, int(width / CHAR_WIDTH))
    return textwrap.wrap(str(label), width=chars) or [""]


def _label(lines: list[str], *, x: float, middle: float, anchor: str = "end") -> str:
    """A `<text>` of one `<tspan>` a line, the block centred on `middle`."""
    first = middle - (len(lines) - 1) * LINE_HEIGHT / 2 + 5
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{first + index * LINE_HEIGHT:.1f}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{first:.1f}" text-anchor="{anchor}">{spans}</text>'


def _row_heights(labels: Sequence[list[str]], bar_height: int) -> list[float]:
    return [max(bar_height, len(lines) * LINE_HEIGHT + 4) for lines in labels]


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    ident = "chart-" + hashlib.sha1(f"{title}|{desc}".encode(), usedforsecurity=False).hexdigest()[:10]
    return mark_safe(  # noqa: S308  # nosec B308, B703  # every interpolated string is escaped above
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{ident}-t {ident}-d">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
        f'<g font-size="14" fill="{TEXT}" font-family="{FONT}">' + "".join(body) + "</g></svg>"
    )


def bar_chart(
    data: Sequence[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    width: int = 640,
    bar_height: int = 24,
    label_width: int = 220,
    colour: str = PALETTE[0],
) -> SafeString:
    """Horizontal bars, one per (label, value), each labelled with its value; long labels wrap."""
    rows = list(data)
    top = 8
    gap = 10
    labels = [wrap_label(label, label_width - 12) for label, _ in rows]
    heights = _row_heights(labels, bar_height)
    height = top + (sum(heights) + gap * len(rows) if rows else bar_height + gap) + 8
    largest = max((value for _, value in rows), default=0) or 1
    plot_width = width - label_width - 90
    body = []
    y = float(top)
    for (_, value), lines, row_height in zip(rows, labels, heights, strict=True):
        length = max(0.0, plot_width * float(value) / float(largest))
        middle = y + row_height / 2
        body.append(
            _label(lines, x=label_width - 8, middle=middle)
            + f'<rect x="{label_width}" y="{middle - bar_height / 2:.1f}" width="{length:.1f}" '
            f'height="{bar_height}" fill="{colour}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{middle + 5:.1f}">{escape(_fmt(value))}{escape(unit)}</text>'
        )
        y += row_height + gap
    if not rows:
        body.append(f'<text x="8" y="{top + 16}" fill="{MUTED}">No data</text>')
    desc = "; ".join(f"{label}: {_fmt(value)}{unit}" for label, value in rows) or "No data"
    return _svg(width, height, title, desc, body)


def stacked_bar_chart(
    categories: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    title: str,
    width: int = 640,
    bar_height: int = 24,
    label_width: int = 220,
) -> SafeString:
    """One horizontal bar per category, split into the series (e.g. agree / neutral / disagree), with a key;
    long category names wrap."""
    names = list(series)
    colours = dict(zip(names, cycle(PALETTE), strict=False))
    top = 8
    gap = 10
    legend_height = 28
    labels = [wrap_label(category, label_width - 12) for category in categories]
    heights = _row_heights(labels, bar_height)
    height = (
        top + (sum(heights) + gap * len(categories) if categories else bar_height + gap) + legend_height + 8
    )
    totals = [sum(float(series[name][i]) for name in names) for i in range(len(categories))]
    largest = max(totals, default=0) or 1
    plot_width = width - label_width - 70
    body = []
    y = float(top)
    for index, (lines, row_height) in enumerate(zip(labels, heights, strict=True)):
        middle = y + row_height / 2
        bar_top = middle - bar_height / 2
        x = float(label_width)
        body.append(_label(lines, x=label_width - 8, middle=middle))
        for name in names:
            value = float(series[name][index])
            length = plot_width * value / largest
            if length > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{bar_top:.1f}" width="{length:.1f}" height="{bar_height}" '
                    f'fill="{colours[name]}"><title>{escape(name)}: {escape(_fmt(value))}</title></rect>'
                )
            x += length
        body.append(f'<text x="{x + 6:.1f}" y="{middle + 5:.1f}">{escape(_fmt(totals[index]))}</text>')
        y += row_height + gap
    legend_y = round(y) + 2
    x = 8.0
    for name in names:
        body.append(
            f'<rect x="{x:.1f}" y="{legend_y}" width="14" height="14" fill="{colours[name]}"/>'
            f'<text x="{x + 20:.1f}" y="{legend_y + 12}">{escape(name)}</text>'
        )
        x += 34 + 8 * len(name)
    desc = "; ".join(
        f"{category}: " + ", ".join(f"{name} {_fmt(series[name][i])}" for name in names)
        for i, category in enumerate(categories)
    )
    return _svg(width, height, title, desc or "No data", body)


def flow_chart(
    flows: Sequence[tuple[str, str, float]],
    *,
    title: str,
    width: int = 640,
    node_width: int = 18,
    unit: str = "",
) -> SafeString:
    """A two-column flow (Sankey) diagram: sources on the left, destinations on the right, bands sized by value."""
    flows = [(str(source), str(target), float(value)) for source, target, value in flows if value > 0]
    sources = list(dict.fromkeys(source for source, _, _ in flows))
    targets = list(dict.fromkeys(target for _, target, _ in flows))
    total = sum(value for _, _, value in flows) or 1
    gap = 14
    plot_height = 280
    scale = plot_height / total
    left_x, right_x = 170, width - 170 - node_width

    def node_total(node, key):
        return sum(value for flow in flows if flow[key] == node for value in [flow[2]])

    labels = {
        (key, node): wrap_label(f"{node} ({_fmt(node_total(node, key))})", 160)
        for key, nodes in ((0, sources), (1, targets))
        for node in nodes
    }

    def layout(nodes, key):
        # Each node takes the room its band or its wrapped label needs, whichever is taller.
        positions, y = {}, 12.0
        for node in nodes:
            size = node_total(node, key) * scale
            room = max(size, len(labels[key, node]) * LINE_HEIGHT)
            top = y + (room - size) / 2
            positions[node] = [top, size, top]  # top, height, next free offset
            y += room + gap
        return positions, y

    (left, left_end), (right, right_end) = layout(sources, 0), layout(targets, 1)
    height = round(max(left_end, right_end, 36.0)) + 12
    colours = dict(zip(sources, cycle(PALETTE), strict=False))
    body = []
    for source, target, value in flows:
        thickness = value * scale
        y0 = left[source][2]
        y1 = right[target][2]
        left[source][2] += thickness
        right[target][2] += thickness
        x0, x1 = left_x + node_width, right_x
        mid = (x0 + x1) / 2
        path = (
            f"M{x0},{y0:.1f} C{mid},{y0:.1f} {mid},{y1:.1f} {x1},{y1:.1f} "
            f"L{x1},{y1 + thickness:.1f} C{mid},{y1 + thickness:.1f} {mid},{y0 + thickness:.1f} "
            f"{x0},{y0 + thickness:.1f} Z"
        )
        body.append(
            f'<path d="{path}" fill="{colours[source]}" fill-opacity="0.45">'
            f"<title>{escape(source)} to {escape(target)}: {escape(_fmt(value))}{escape(unit)}</title></path>"
        )
    for key, nodes, x, anchor, text_x in (
        (0, left, left_x, "end", left_x - 6),
        (1, right, right_x, "start", right_x + 24),
    ):
        for node, (top, size, _) in nodes.items():
            body.append(
                f'<rect x="{x}" y="{top:.1f}" width="{node_width}" height="{max(size, 1):.1f}" fill="{TEXT}"/>'
                + _label(labels[key, node], x=text_x, middle=top + size / 2, anchor=anchor)
            )
    if not flows:
        body.append(f'<text x="8" y="24" fill="{MUTED}">No moves in this period</text>')
    desc = (
        "; ".join(f"{source} to {target}: {_fmt(value)}{unit}" for source, target, value in flows)
        or "No data"
    )
    return _svg(width, height, title, desc, body)
