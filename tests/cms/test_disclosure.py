"""Disclosure control (cms/disclosure.py): the rule, and a property test that no hidden cell can be worked out.

The checks here do not reuse the module's graph: they rebuild the additive constraints of the table from its shape
(a row and its total; a two-way table with row, column and grand totals) and ask whether any table of non-negative
integers other than the true one agrees with everything shown, for a reader who knows the rule: zeros are never
hidden, so every hidden cell is at least 1.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms import disclosure
from cms.disclosure import TOTAL, AdditiveTable, Audience, NotShown, Suppressed

SMALL_HEAVY = st.one_of(st.integers(0, 9), st.integers(0, 40))


# --- exact feasibility checks -------------------------------------------------------------------------------------
def one_way_feasible_values(counts: dict, shown: dict, key) -> tuple[int, int | None]:
    """Bounds of a hidden cell of a row with its total, from what is shown: exact for one linear relation.

    With the total shown, the k hidden cells share R = total - shown cells, each at least 1: one hidden cell is
    exactly R; with two or more, each can take every value from 1 to R - (k - 1). With the total hidden, every
    hidden cell can grow with it (no upper bound).
    """
    hidden_cells = [k for k in counts if k != TOTAL and isinstance(shown[k], Suppressed)]
    if isinstance(shown[TOTAL], Suppressed):
        return 1, None
    rest = shown[TOTAL] - sum(v for k, v in shown.items() if k != TOTAL and not isinstance(v, Suppressed))
    return 1 if len(hidden_cells) > 1 else rest, rest - (len(hidden_cells) - 1)


def two_way_movable_cells(grid: list[list[int]], hidden: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Hidden cells of an extended grid (last row and column are the totals) that can take another value.

    A table agreeing with everything shown is the true one plus a change d on the hidden cells that keeps every
    row and column relation and stays non-negative. The relations form a network (totally unimodular), so if any
    such change moves a cell, one with entries in {-1, 0, 1} does (a conformal simple cycle of it; the bounds, hidden
    cells at least 1, are integers, so the polytope stays integral). We enumerate
    those, row by row, checking each relation as soon as its cells are all set.
    """
    n_rows, n_cols = len(grid), len(grid[0])
    order = sorted(hidden)
    sign = {}
    for i, j in order:
        sign[(i, j)] = 1 if (j < n_cols - 1) else -1  # in row i: inner cells sum to the row total
    col_sign = {(i, j): 1 if (i < n_rows - 1) else -1 for i, j in order}
    last_in_row = {i: max(j for r, j in order if r == i) for i, _ in order}
    last_in_col = {j: max(i for i, c in order if c == j) for _, j in order}
    movable: set = set()
    change: dict = {}

    def extend(index):
        if index == len(order):
            if any(change.values()):
                movable.update(k for k, v in change.items() if v)
            return
        cell = order[index]
        i, j = cell
        for step in (-1, 0, 1):
            if grid[i][j] + step < 1:  # a hidden cell is at least 1
                continue
            change[cell] = step
            ok = True
            if last_in_row[i] == j:
                ok = sum(sign[c] * change[c] for c in order if c[0] == i) == 0
            if ok and last_in_col[j] == i:
                ok = sum(col_sign[c] * change[c] for c in order if c[1] == j and c in change) == 0
            if ok:
                extend(index + 1)
            del change[cell]
            if movable >= hidden:
                return

    extend(0)
    return movable


def _grid(values: dict, n_rows: int, n_cols: int) -> list[list[int]]:
    keys_r = [*range(n_rows), TOTAL]
    keys_c = [*range(n_cols), TOTAL]
    return [[values[(r, c)] for c in keys_c] for r in keys_r]


# --- the property tests -----------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.lists(SMALL_HEAVY, min_size=1, max_size=9))
def test_no_hidden_cell_of_a_row_with_its_total_can_be_recovered(counts):
    table = AdditiveTable.one_way(dict(enumerate(counts)))
    shown = disclosure.protect(table, audience=Audience.BOARD)
    for key, value in table.values.items():
        if 0 < value < disclosure.THRESHOLD:
            assert isinstance(shown[key], Suppressed), "every count from 1 to 7 is suppressed"
        if isinstance(shown[key], Suppressed):
            assert value > 0, "zeros are never hidden"
            if key != TOTAL:
                low, high = one_way_feasible_values(table.values, shown, key)
                assert high is None or high > low, f"cell {key} = {value} is recoverable"
        else:
            assert shown[key] == value
    if isinstance(shown[TOTAL], Suppressed):
        assert sum(isinstance(shown[k], Suppressed) for k in table.values) >= 2


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 3).flatmap(
        lambda rows: st.integers(2, 3).flatmap(
            lambda cols: st.tuples(
                st.just(rows),
                st.just(cols),
                st.lists(SMALL_HEAVY, min_size=rows * cols, max_size=rows * cols),
            )
        )
    )
)
def test_no_hidden_cell_of_a_two_way_table_with_margins_can_be_recovered(shape):
    n_rows, n_cols, flat = shape
    counts = {(r, c): flat[r * n_cols + c] for r in range(n_rows) for c in range(n_cols)}
    table = AdditiveTable.two_way(counts, rows=range(n_rows), columns=range(n_cols))
    shown = disclosure.protect(table, audience=Audience.PUBLIC)
    keys_r, keys_c = [*range(n_rows), TOTAL], [*range(n_cols), TOTAL]
    hidden = {(keys_r.index(r), keys_c.index(c)) for (r, c), v in shown.items() if isinstance(v, Suppressed)}
    for key, value in table.values.items():
        if 0 < value < disclosure.THRESHOLD:
            assert isinstance(shown[key], Suppressed)
        if not isinstance(shown[key], Suppressed):
            assert shown[key] == value
    if hidden:
        movable = two_way_movable_cells(_grid(table.values, n_rows, n_cols), hidden)
        assert movable == hidden, f"recoverable: {hidden - movable}"


def test_the_checker_finds_what_primary_suppression_alone_gives_away():
    """Without secondary suppression a single small cell in a row is found by subtraction: the check sees it."""
    grid = [[3, 10, 13], [9, 12, 21], [12, 22, 34]]
    assert two_way_movable_cells(grid, {(0, 0)}) == set()
    assert two_way_movable_cells(grid, {(0, 0), (0, 1), (1, 0), (1, 1)}) == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_the_checker_agrees_with_brute_force_on_small_tables():
    """Every table of 2 x 2 inner cells agreeing with what is shown (hidden cells at least 1), enumerated."""
    grid_values = {(0, 0): 2, (0, 1): 9, (1, 0): 8, (1, 1): 1}
    table = AdditiveTable.two_way(grid_values, rows=range(2), columns=range(2))
    for pattern in (
        {(0, 0)},
        {(0, 0), (1, 1)},
        {(0, 0), (0, 1), (1, 0), (1, 1)},
        {(0, 0), (0, 2), (2, 0), (2, 2)},
    ):
        grid = _grid(table.values, 2, 2)
        moved = set()
        for a, b, c, d in itertools.product(range(12), repeat=4):
            candidate = [[a, b, a + b], [c, d, c + d], [a + c, b + d, a + b + c + d]]
            if candidate == grid:
                continue
            if all(
                candidate[i][j] == grid[i][j] if (i, j) not in pattern else candidate[i][j] >= 1
                for i in range(3)
                for j in range(3)
            ):
                moved |= {(i, j) for i in range(3) for j in range(3) if candidate[i][j] != grid[i][j]}
        assert two_way_movable_cells(grid, pattern) == moved & pattern


# --- the rule, by example -----------------------------------------------------------------------------------------
def test_december_cannot_be_found_by_subtraction():
    """23 reports: October 15, November 6, December 2. Hiding December alone would give it away (23 - 15 - 6)."""
    table = AdditiveTable.one_way({"Oct": 15, "Nov": 6, "Dec": 2})
    shown = disclosure.protect(table, audience=Audience.BOARD)
    assert shown[TOTAL] == 23 and shown["Oct"] == 15
    assert isinstance(shown["Nov"], Suppressed) and isinstance(shown["Dec"], Suppressed)
    table = AdditiveTable.one_way({"Oct": 15, "Nov": 9, "Dec": 2})
    shown = disclosure.protect(table, audience=Audience.BOARD)
    assert shown == {"Oct": 15, "Nov": disclosure.SUPPRESSED, "Dec": disclosure.SUPPRESSED, TOTAL: 26}


def test_a_reader_who_knows_zeros_are_never_hidden_learns_nothing():
    """1, 1 and 20 make 22: hiding the two 1s alone leaves 2 to share between two cells of at least 1 each."""
    shown = disclosure.protect(AdditiveTable.one_way({"a": 1, "b": 1, "c": 20}), audience=Audience.PUBLIC)
    assert isinstance(shown["a"], Suppressed) and isinstance(shown["b"], Suppressed)
    assert isinstance(shown["c"], Suppressed) or isinstance(shown[TOTAL], Suppressed)


def test_consultation_summaries_use_a_threshold_of_three():
    table = AdditiveTable.one_way({"public": 2, "staff": 3, "organisation": 40})
    shown = disclosure.protect(table, audience=Audience.CONSULTATION)
    assert isinstance(shown["public"], Suppressed) and isinstance(shown["staff"], Suppressed)
    assert shown["organisation"] == 40 and shown[TOTAL] == 45


def test_threshold_and_zero():
    shown = disclosure.protect(
        AdditiveTable.one_way({"a": 7, "b": 8, "c": 0, "d": 20}), audience=Audience.ANALYST
    )
    assert isinstance(shown["a"], Suppressed) and isinstance(
        shown["b"], Suppressed
    )  # b: the smallest partner
    assert shown["c"] == 0 and shown["d"] == 20 and shown[TOTAL] == 35


def test_handlers_on_screen_see_exact_figures_and_no_one_else_does():
    table = AdditiveTable.one_way({"a": 2, "b": 30})
    assert disclosure.protect(table, audience=Audience.HANDLER) == {"a": 2, "b": 30, TOTAL: 32}
    for audience in (Audience.ANALYST, Audience.BOARD, Audience.PUBLIC, Audience.EXPORT):
        shown = disclosure.protect(table, audience=audience)
        assert isinstance(shown["a"], Suppressed)
        assert isinstance(shown["b"], Suppressed) or isinstance(shown[TOTAL], Suppressed)


def test_a_total_shared_by_linked_tables_is_hidden_in_all_or_none():
    tables = {
        "month": AdditiveTable.one_way({"Oct": 3}, total_key="reports"),
        "category": AdditiveTable.one_way({"verbal": 3, "physical": 0}, total_key="reports"),
    }
    shown = disclosure.protect_linked(tables, audience=Audience.BOARD, shared=["reports"])
    assert isinstance(shown["month"]["reports"], Suppressed) and isinstance(
        shown["category"]["reports"], Suppressed
    )


def test_hierarchy_protects_subtotals():
    table = AdditiveTable.hierarchy({"reports": {"acknowledged": {"on_time": 20, "late": 3}, "waiting": 10}})
    shown = disclosure.protect(table, audience=Audience.BOARD)
    assert isinstance(shown["late"], Suppressed)
    assert sum(isinstance(v, Suppressed) for v in shown.values()) >= 2
    assert not (shown["on_time"] == 20 and shown["acknowledged"] == 23), "late = 23 - 20"


def test_rates_shares_and_medians_on_hidden_or_few_records_are_not_shown():
    hidden = disclosure.SUPPRESSED
    assert (
        str(disclosure.rate(hidden, per=1.0, audience=Audience.BOARD))
        == "not shown: too few to publish safely"
    )
    assert isinstance(disclosure.share(hidden, 30, audience=Audience.BOARD), NotShown)
    assert isinstance(disclosure.share(0, 5, audience=Audience.BOARD), NotShown)
    assert disclosure.share(0, 5, audience=Audience.HANDLER) == "0%"
    assert disclosure.share(10, 40, audience=Audience.BOARD) == "25%"
    assert isinstance(disclosure.median([1, 2, 3], audience=Audience.PUBLIC), NotShown)
    assert disclosure.median([1, 2, 3], audience=Audience.HANDLER) == 2
    assert disclosure.median(list(range(9)), audience=Audience.PUBLIC) == 4


def test_markers_render_and_export_as_markers_never_numbers():
    assert str(disclosure.SUPPRESSED) == "[c]" and "[c]" in disclosure.SUPPRESSED.__html__()
    assert disclosure.export_value(disclosure.SUPPRESSED) == "[c]"
    assert disclosure.export_value(disclosure.NOT_SHOWN) == "[c]"
    assert disclosure.chart_rows([("a", disclosure.SUPPRESSED), ("b", 9), ("c", disclosure.NOT_SHOWN)]) == [
        ("b", 9)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 3).flatmap(lambda rows: st.lists(SMALL_HEAVY, min_size=rows * 3, max_size=rows * 3)))
def test_rows_by_a_hierarchy_are_protected_table_by_table_with_shared_cells_agreeing(flat):
    """Organisations by a hierarchy of categories, with the all-organisations row (review A1): each two-way table
    of the decomposition passes the independent check, and a cell shared by two tables is hidden in both or none."""
    n_rows = len(flat) // 3
    trees = {
        r: {"all": {"group": {"a": flat[3 * r], "b": flat[3 * r + 1]}, "c": flat[3 * r + 2]}}
        for r in range(n_rows)
    }
    tables, shared = disclosure.rows_by_hierarchy(trees, name="t")
    assert set(tables) == {("t", "all"), ("t", "group")}
    shown = disclosure.protect_linked(tables, audience=Audience.ANALYST, shared=shared)
    for key in shared:
        states = {isinstance(cells[key], Suppressed) for cells in shown.values() if key in cells}
        assert len(states) == 1, f"shared cell {key} hidden in one table only"
    for (_, node), cells in shown.items():
        columns = ["group", "c"] if node == "all" else ["a", "b"]
        keys_r, keys_c = [*range(n_rows), TOTAL], [*columns, node]
        values = tables[("t", node)].values
        grid = [[values[(r, c)] for c in keys_c] for r in keys_r]
        hidden = {
            (keys_r.index(r), keys_c.index(c)) for (r, c), v in cells.items() if isinstance(v, Suppressed)
        }
        for (r, c), value in values.items():
            if 0 < value < disclosure.THRESHOLD:
                assert isinstance(cells[(r, c)], Suppressed)
        if hidden:
            assert two_way_movable_cells(grid, hidden) == hidden
