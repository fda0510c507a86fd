"""Server-side SVG charts: the same markup in web pages and WeasyPrint PDFs, no JavaScript.

Every chart is an `<svg role="img">` with a `<title>` and `<desc>`; pages should also show the numbers in a
table, which is the accessible equivalent. Colours are from the NHS identity palette and pass 3:1 contrast
against white for graphical objects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from itertools import cycle

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#005eb8", "#330072", "#007f3b", "#d5281b", "#00a499", "#ae2573", "#425563", "#ed8b00")
TEXT = "#212b32"
MUTED = "#4c6272"
FONT = "Frutiger W01, Arial, sans-serif"


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
    """Horizontal bars, one per (label, value), each labelled with its value."""
    rows = list(data)
    top = 8
    gap = 10
    height = top + max(1, len(rows)) * (bar_height + gap) + 8
    largest = max((value for _, value in rows), default=0) or 1
    plot_width = width - label_width - 90
    body = []
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar_height + gap)
        length = max(0.0, plot_width * float(value) / float(largest))
        text_y = y + bar_height * 0.7
        body.append(
            f'<text x="{label_width - 8}" y="{text_y:.1f}" text-anchor="end">{escape(str(label)[:40])}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{colour}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{text_y:.1f}">{escape(_fmt(value))}{escape(unit)}</text>'
        )
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
    """One horizontal bar per category, split into the series (e.g. agree / neutral / disagree), with a key."""
    names = list(series)
    colours = dict(zip(names, cycle(PALETTE), strict=False))
    top = 8
    gap = 10
    legend_height = 28
    height = top + max(1, len(categories)) * (bar_height + gap) + legend_height + 8
    totals = [sum(float(series[name][i]) for name in names) for i in range(len(categories))]
    largest = max(totals, default=0) or 1
    plot_width = width - label_width - 70
    body = []
    for index, category in enumerate(categories):
        y = top + index * (bar_height + gap)
        x = float(label_width)
        body.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end">'
            f"{escape(str(category)[:40])}</text>"
        )
        for name in names:
            value = float(series[name][index])
            length = plot_width * value / largest
            if length > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{colours[name]}">'
                    f"<title>{escape(name)}: {escape(_fmt(value))}</title></rect>"
                )
            x += length
        body.append(
            f'<text x="{x + 6:.1f}" y="{y + bar_height * 0.7:.1f}">{escape(_fmt(totals[index]))}</text>'
        )
    legend_y = top + len(categories) * (bar_height + gap) + 10
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
    height = plot_height + gap * max(len(sources), len(targets)) + 24
    scale = plot_height / total
    left_x, right_x = 170, width - 170 - node_width

    def layout(nodes, key):
        positions, y = {}, 12.0
        for node in nodes:
            size = sum(value for flow in flows if flow[key] == node for value in [flow[2]]) * scale
            positions[node] = [y, size, y]  # top, height, next free offset
            y += size + gap
        return positions

    left, right = layout(sources, 0), layout(targets, 1)
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
    for nodes, x, anchor, text_x in (
        (left, left_x, "end", left_x - 6),
        (right, right_x, "start", right_x + 24),
    ):
        for node, (top, size, _) in nodes.items():
            node_total = size / scale if scale else 0
            body.append(
                f'<rect x="{x}" y="{top:.1f}" width="{node_width}" height="{max(size, 1):.1f}" fill="{TEXT}"/>'
                f'<text x="{text_x}" y="{top + size / 2 + 5:.1f}" text-anchor="{anchor}">'
                f"{escape(node[:24])} ({escape(_fmt(node_total))})</text>"
            )
    if not flows:
        body.append(f'<text x="8" y="24" fill="{MUTED}">No moves in this period</text>')
    desc = (
        "; ".join(f"{source} to {target}: {_fmt(value)}{unit}" for source, target, value in flows)
        or "No data"
    )
    return _svg(width, height, title, desc, body)
