"""Statistical disclosure control: every table of figures passes through here before anything renders it.

The standard
------------
Primary and secondary (complementary) cell suppression, as set out in the Government Statistical Service's
*Disclosure control guidance for tables produced from administrative sources* (GSS/ONS, 2014), with the small-number
threshold of NHS England's statistical publications (formerly NHS Digital's, e.g. the HES Analysis Guide): counts
from 1 to 7 are not published. We do not round the other counts; secondary suppression protects the small ones
instead. Exactly:

1. **Primary suppression.** Every count from 1 to ``THRESHOLD - 1`` (1 to 7) is suppressed. Zero is shown.
2. **Secondary suppression.** A table is a set of counts and the totals they add up to (a row with its total,
   a two-way table with row, column and grand totals, or a hierarchy of subtotals). More cells are suppressed,
   the smallest non-zero first and inner cells before totals, until no suppressed cell can be worked out from the
   cells and totals shown, even by a reader who knows the rule (and so that every hidden cell is at least 1: zeros
   are never hidden): every suppressed cell lies on a cycle of suppressed cells in the table's additive structure
   along which it can move by one, the others on the cycle moving by one to compensate without any falling below
   1, while every shown figure stays the same.
3. **Figures built on counts** (rates, shares, medians, indexes) are "not shown: too few to publish safely" when a
   count they are built on is suppressed, or when they summarise fewer than ``THRESHOLD`` records.
4. A suppressed cell is a `Suppressed` value, never a number: it renders as "[c]" (the GSS symbol for
   "confidential"), charts leave it out, and exports write "[c]".

Who sees what (`Audience`): only the incident handlers of an organisation who are not analysts, on screen, see
exact figures (`Audience.HANDLER`); analysts, boards (page and PDF), the public and every export get the protected figures,
handlers' exports and board PDFs included. Consultation summaries (`Audience.CONSULTATION`) follow the same rule
with a threshold of 3 (counts of 1 and 2 suppressed): they count opinions sent to a public consultation. `Audience.RAW` is for figures that feed further computation (the
annual report's raw counts) and is never rendered.
"""

from __future__ import annotations

import enum
import heapq
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

THRESHOLD = 8
# Answers to a public consultation are opinions people chose to send, not records about their health or safety;
# the risk is attributing the answers of the one or two respondents of a type (some asked not to be published).
CONSULTATION_THRESHOLD = 3
MARKER = "[c]"
NOT_SHOWN_TEXT = "not shown: too few to publish safely"
NOT_APPLICABLE = "–"


def explanation(threshold: int = THRESHOLD) -> str:
    """What "[c]" and "not shown" mean, for a table protected with `threshold`."""
    return (
        f"[c] means the number is not shown to protect the people involved: it is from 1 to {threshold - 1}, or it "
        "is hidden so that a hidden number cannot be worked out from the totals. Rates, shares and medians built on "
        f"a hidden number, or on fewer than {threshold} records, are not shown."
    )


EXPLANATION = explanation()
SOURCE = (
    "Government Statistical Service, Disclosure control guidance for tables produced from administrative sources "
    "(primary and secondary suppression); threshold of NHS England's statistical publications (counts 1 to 7)"
)


class Audience(enum.Enum):
    HANDLER = "handler"  # the organisation's incident handlers, on screen: a lawful need for exact figures
    ANALYST = "analyst"
    BOARD = "board"
    PUBLIC = "public"
    EXPORT = "export"
    CONSULTATION = "consultation"  # published summaries of a public consultation's responses
    RAW = "raw"  # inputs to further computation, never rendered

    @property
    def exact(self) -> bool:
        return self in (Audience.HANDLER, Audience.RAW)

    @property
    def threshold(self) -> int:
        """Counts from 1 to threshold - 1 are suppressed for this audience."""
        if self.exact:
            return 0
        return CONSULTATION_THRESHOLD if self is Audience.CONSULTATION else THRESHOLD


@dataclass(frozen=True)
class Suppressed:
    """A count that may not be published. Not a number: it cannot be added, charted or exported as one."""

    def __str__(self) -> str:
        return MARKER

    def __html__(self) -> str:
        return f'<abbr title="Not shown to protect confidentiality">{MARKER}</abbr>'


@dataclass(frozen=True)
class NotShown:
    """A rate, share, median or index built on too few records to publish safely."""

    def __str__(self) -> str:
        return NOT_SHOWN_TEXT


SUPPRESSED = Suppressed()
NOT_SHOWN = NotShown()

Cell = int | Suppressed


def is_published_number(value: object) -> bool:
    """True for a figure a chart may draw: a number, not a `Suppressed` or `NotShown` marker."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def format_figure(value: object) -> object:
    """A published number as people read it: "12,345", "1,234.5" (one decimal place); anything else unchanged."""
    if not is_published_number(value):
        return value
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def export_value(value: object) -> object:
    """What a CSV or XLSX cell holds: the marker, never the number behind it."""
    if isinstance(value, Suppressed):
        return MARKER
    if isinstance(value, NotShown):
        return MARKER
    return value


# --- tables -------------------------------------------------------------------------------------------------------
TOTAL = "__total__"
_SINK = ("__sink__",)


@dataclass
class AdditiveTable:
    """Counts and the totals they add up to, as a graph: each cell is an edge and each total relation a vertex.

    A row with its total, a two-way table with its margins and a hierarchy of subtotals all take this form (each
    count appears in exactly two relations, one of which may be implied by the others). The relations form a
    network, so a hidden cell can take another value exactly when it lies on a cycle of hidden cells along which
    it can move by one (see `_cheapest_move`).
    """

    values: dict[Hashable, int]
    ends: dict[Hashable, tuple[Hashable, Hashable]]
    totals: frozenset
    # The cell's coefficient (+1 or -1) in the relation at each end: a part is +1, the total it makes up -1.
    signs: dict[Hashable, tuple[int, int]]

    @classmethod
    def one_way(cls, counts: Mapping[Hashable, int], *, total_key: Hashable = TOTAL) -> AdditiveTable:
        """A row of counts and their total."""
        return cls.hierarchy({total_key: dict(counts)})

    @classmethod
    def hierarchy(cls, tree: Mapping[Hashable, object]) -> AdditiveTable:
        """Nested dicts, one root: ``{"total": {"a": 3, "group": {"b": 9, "c": 2}}}``; a dict's value is its sum."""
        (root_key, root_children), *rest = tree.items()
        if rest:
            raise ValueError("A hierarchy has one root")
        values: dict[Hashable, int] = {}
        ends: dict[Hashable, tuple[Hashable, Hashable]] = {}
        signs: dict[Hashable, tuple[int, int]] = {}
        totals = set()

        def walk(key, node, parent_vertex) -> int:
            # Relations: at a node, its children - itself = 0; at the sink, the leaves - the root = 0.
            if isinstance(node, Mapping):
                vertex = ("node", key)
                value = sum(walk(child_key, child, vertex) for child_key, child in node.items())
                totals.add(key)
                ends[key] = (parent_vertex, vertex)
                signs[key] = (-1 if parent_vertex == _SINK else 1, -1)
            else:
                value = int(node)
                ends[key] = (parent_vertex, _SINK)
                signs[key] = (1, 1)
            if key in values:
                raise ValueError(f"Cell {key!r} appears twice")
            values[key] = value
            return value

        # The root's "parent" is the sink: the sum of all leaves equals the root, the relation the others imply.
        walk(root_key, root_children, _SINK)
        return cls(values=values, ends=ends, totals=frozenset(totals), signs=signs)

    @classmethod
    def two_way(
        cls,
        counts: Mapping[tuple[Hashable, Hashable], int],
        *,
        rows: Iterable[Hashable],
        columns: Iterable[Hashable],
    ) -> AdditiveTable:
        """Inner cells keyed (row, column), with row totals (row, TOTAL), column totals (TOTAL, column) and the
        grand total (TOTAL, TOTAL)."""
        rows, columns = list(rows), list(columns)
        values: dict[Hashable, int] = {}
        ends: dict[Hashable, tuple[Hashable, Hashable]] = {}
        signs: dict[Hashable, tuple[int, int]] = {}
        for row in [*rows, TOTAL]:
            for column in [*columns, TOTAL]:
                if row == TOTAL and column == TOTAL:
                    value = sum(counts.get((r, c), 0) for r in rows for c in columns)
                elif row == TOTAL:
                    value = sum(counts.get((r, column), 0) for r in rows)
                elif column == TOTAL:
                    value = sum(counts.get((row, c), 0) for c in columns)
                else:
                    value = int(counts.get((row, column), 0))
                values[(row, column)] = value
                ends[(row, column)] = (("row", row), ("column", column))
                # Relations: in each row (the totals' row too) the cells - the row total = 0; likewise columns.
                signs[(row, column)] = (-1 if column == TOTAL else 1, -1 if row == TOTAL else 1)
        totals = frozenset(key for key in values if TOTAL in key)
        return cls(values=values, ends=ends, totals=totals, signs=signs)


def _cheapest_move(table: AdditiveTable, hidden: set, cell, keep_shown: frozenset) -> tuple[float, list]:
    """The least costly set of visible cells to hide so that `cell` can take another value, and its cost (0 when
    it already can).

    A reader who knows the rule knows every hidden cell is at least 1 (zeros are never hidden). `cell` can take
    another value when it can move by one while other hidden cells move by one to keep every relation, none
    falling below 1: a cycle through it in the table's graph, each cell on it rising, or falling from 2 or more.
    We search both directions for `cell` with Dijkstra over the relations, hidden cells costing nothing.
    """

    def cost(key) -> float:
        if key in hidden:
            return 0
        # Totals cost more than inner cells, and totals that must stay shown (shared with other tables) most.
        return (
            table.values[key] + (10**6 if key in table.totals else 0) + (10**12 if key in keep_shown else 0)
        )

    incident = defaultdict(list)
    for key, (a, b) in table.ends.items():
        if key != cell and (key in hidden or table.values[key] > 0):
            incident[a].append((key, 0))
            incident[b].append((key, 1))
    start, goal = table.ends[cell]
    best: tuple[float, list] = (float("inf"), [])
    for move in (1, -1):
        if move == -1 and table.values[cell] < 2:
            continue
        # At `start` the other cells must contribute -sign*move; arriving at `goal`, what is still needed there
        # must be exactly what the cell's own change contributes.
        need_at_goal = table.signs[cell][1] * move
        distances = {start: 0}
        came_from: dict = {}
        queue = [(0, 0, start, -table.signs[cell][0] * move)]
        counter = 0
        while queue:
            distance, _, vertex, need = heapq.heappop(queue)
            if vertex == goal and need == need_at_goal:
                break
            if distance > distances.get(vertex, float("inf")):
                continue
            for key, side in incident[vertex]:
                step = need * table.signs[key][side]  # this cell's change: +1 or -1
                if step < 0 and table.values[key] < 2:
                    continue
                other = table.ends[key][1 - side]
                total = distance + cost(key)
                if total < distances.get(other, float("inf")):
                    distances[other] = total
                    came_from[other] = (vertex, key)
                    counter += 1
                    # What the next cell must contribute at `other` to cancel this one's change there.
                    heapq.heappush(queue, (total, counter, other, -table.signs[key][1 - side] * step))
        if goal in came_from and distances[goal] < best[0]:
            path, vertex = [], goal
            while vertex != start:
                vertex, key = came_from[vertex]
                path.append(key)
            best = (distances[goal], [key for key in path if key not in hidden])
    return best


def suppression_pattern(
    table: AdditiveTable,
    *,
    threshold: int = THRESHOLD,
    also_hide: Iterable[Hashable] = (),
    keep_shown: Iterable[Hashable] = (),
) -> set:
    """The cells to suppress: primary (1 to threshold - 1, and any non-zero cell in `also_hide`), then secondary."""
    keep = frozenset(keep_shown)
    hidden = {key for key, value in table.values.items() if 0 < value < threshold}
    hidden |= {key for key in also_hide if table.values.get(key, 0) > 0}
    while True:
        for key in sorted(hidden, key=lambda k: (table.values[k], repr(k))):
            cost, cover = _cheapest_move(table, hidden, key, keep)
            if cover:
                hidden.update(cover)
                break
            if cost == float("inf"):
                # Cannot happen: raising a cell together with the totals above it always keeps every relation.
                raise ValueError(f"No way to protect {key!r}")
        else:
            return hidden


def protect(
    table: AdditiveTable,
    *,
    audience: Audience,
    also_hide: Iterable[Hashable] = (),
    keep_shown: Iterable[Hashable] = (),
) -> dict[Hashable, Cell]:
    """The table's cells as the audience may see them: exact for `Audience.exact`, otherwise suppressed."""
    if audience.exact:
        return dict(table.values)
    hidden = suppression_pattern(
        table, threshold=audience.threshold, also_hide=also_hide, keep_shown=keep_shown
    )
    return {key: SUPPRESSED if key in hidden else value for key, value in table.values.items()}


def protect_linked(
    tables: Mapping[Hashable, AdditiveTable],
    *,
    audience: Audience,
    shared: Iterable[Hashable] = (),
    also_hide: Iterable[Hashable] = (),
) -> dict[Hashable, dict[Hashable, Cell]]:
    """Several tables that share cells (the same total in each): a shared cell hidden in one is hidden in all.

    Hiding more never uncovers a protected cell (it only adds cycles), so we repeat until the shared cells agree.
    `also_hide`: cells to hide whatever their value (hidden elsewhere, e.g. in a table published beside this one).
    """
    shared = set(shared)
    forced: set = set(also_hide)
    while True:
        result = {
            name: protect(table, audience=audience, also_hide=forced & set(table.values), keep_shown=shared)
            for name, table in tables.items()
        }
        hidden_shared = {
            key for cells in result.values() for key in shared if isinstance(cells.get(key), Suppressed)
        }
        if hidden_shared <= forced:
            return result
        forced |= hidden_shared


def _renamed(table: AdditiveTable, names: Mapping[Hashable, Hashable]) -> AdditiveTable:
    def name(key):
        return names.get(key, key)

    return AdditiveTable(
        values={name(k): v for k, v in table.values.items()},
        ends={name(k): v for k, v in table.ends.items()},
        totals=frozenset(name(k) for k in table.totals),
        signs={name(k): v for k, v in table.signs.items()},
    )


def _node_value(node) -> int:
    return sum(_node_value(child) for child in node.values()) if isinstance(node, Mapping) else int(node)


def rows_by_hierarchy(
    trees: Mapping[Hashable, Mapping[Hashable, object]], *, name: Hashable
) -> tuple[dict[Hashable, AdditiveTable], set]:
    """A two-way table whose columns form a hierarchy: rows (e.g. organisations), each with the same tree of counts
    (``{root: {"a": 3, "group": {"b": 9, "c": 2}}}``, as for `AdditiveTable.hierarchy`), plus the all-rows total.

    Cells are keyed ``(row, node)``, the all-rows total ``(TOTAL, node)``. Each internal node of the tree gives one
    two-way table (the rows by the node's children, with the rows' and the children's totals); the tables share
    the internal nodes' cells (a node is a column of its parent's table and the row totals of its own), so they are
    protected together with `protect_linked` (pass the shared cells returned). Returns ``({(name, node): table},
    shared cells)``."""
    rows = list(trees)
    if not rows:
        return {}, set()
    (root_key, root), *rest = next(iter(trees.values())).items()
    if rest:
        raise ValueError("A hierarchy has one root")
    tables: dict[Hashable, AdditiveTable] = {}
    shared: set = set()

    def nodes_at(path):
        result = {}
        for row in rows:
            node = trees[row][root_key]
            for step in path:
                node = node[step]
            result[row] = node
        return result

    def walk(key, path):
        nodes = nodes_at(path)
        first = nodes[rows[0]]
        if not isinstance(first, Mapping):
            return
        children = list(first)
        counts = {(row, child): _node_value(nodes[row][child]) for row in rows for child in children}
        table = AdditiveTable.two_way(counts, rows=rows, columns=children)
        names = {(row, TOTAL): (row, key) for row in [*rows, TOTAL]}
        tables[(name, key)] = _renamed(table, names)
        shared.update(names.values())
        for child in children:
            walk(child, [*path, child])

    walk(root_key, [])
    return tables, shared


# --- figures built on counts --------------------------------------------------------------------------------------
def _hidden(*values: object) -> bool:
    return any(isinstance(value, Suppressed | NotShown) for value in values)


def share(part: Cell, whole: Cell, *, audience: Audience) -> str | NotShown:
    """A percentage of two protected counts (the part and the whole from the same protected table)."""
    if _hidden(part, whole):
        return NOT_SHOWN
    if whole == 0:
        return NOT_APPLICABLE
    if whole < audience.threshold:
        return NOT_SHOWN
    return f"{100 * part / whole:.0f}%"


def rate(
    count: Cell, *, per: float, audience: Audience, base: Cell | None = None, digits: int = 1
) -> float | NotShown | str:
    """`count` scaled by `per` (e.g. 1,000 / headcount): shown only when the count, and the `base` it is over
    when that is a protected count too, are shown (a rate and its count give the base away)."""
    if _hidden(count, base):
        return NOT_SHOWN
    if not per:
        return NOT_APPLICABLE
    return round(count * per, digits)


def median(values: list[float], *, audience: Audience, digits: int | None = 1) -> float | NotShown | str:
    """The median of individual records: not shown for fewer than `THRESHOLD` of them."""
    if not values:
        return NOT_APPLICABLE
    if len(values) < audience.threshold:
        return NOT_SHOWN
    middle = statistics.median(values)
    return round(middle, digits) if digits is not None else middle


def chart_rows(rows: Iterable[tuple[str, object]]) -> list[tuple[str, float]]:
    """Only published numbers go in a chart, so a bar never shows what the table hides."""
    return [(label, value) for label, value in rows if is_published_number(value)]
