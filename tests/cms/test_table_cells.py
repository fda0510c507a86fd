"""django-tables2's per-cell signature lookups are remembered; the answers must be the library's own."""

import django_tables2.utils as table_utils


class Table:
    def render_name(self, value, record):
        return value

    def value_name(self, record, **kwargs):
        return record


def test_the_remembered_signature_is_installed_and_matches_the_librarys():
    original = table_utils.signature.__wrapped__
    table = Table()
    for fn in (table.render_name, table.value_name, Table.render_name, lambda record: record, len):
        try:
            expected = original(fn)
        except ValueError:  # builtins without a signature raise the same way through the wrapper
            continue
        assert table_utils.signature(fn) == expected
        assert table_utils.signature(fn) == expected  # and again, from the cache
    assert table_utils.signature(table.render_name) == (("value", "record"), None)
    assert table_utils.signature(Table.render_name) == (("self", "value", "record"), None)
    assert table_utils.signature(table.value_name) == (("record",), "kwargs")


def test_cells_are_still_called_with_the_arguments_they_ask_for():
    table = Table()
    assert table_utils.call_with_appropriate(table.render_name, {"value": 1, "record": 2, "column": 3}) == 1
    assert table_utils.call_with_appropriate(table.value_name, {"record": 2, "value": 1}) == 2
    assert table_utils.call_with_appropriate(table.render_name, {"value": 1}) is None


def test_csv_exports_stream_in_blocks_with_the_same_text():
    import csv
    import io

    from cms.tables import EXPORT_BLOCK_CHARS, csv_blocks, in_blocks

    rows = [[n, f"name {n}", 'quote " and, comma', "line\nbreak"] for n in range(20_000)]
    blocks = list(csv_blocks(iter(rows)))
    expected = io.StringIO()
    csv.writer(expected).writerows(rows)
    assert "".join(blocks) == "\ufeff" + expected.getvalue()
    assert len(blocks) < 20  # not one write per row
    assert all(len(block) >= EXPORT_BLOCK_CHARS for block in blocks[:-1])
    assert list(csv_blocks(iter([]), bom=False)) == [""]
    assert "".join(in_blocks(str(n) for n in range(50_000))) == "".join(str(n) for n in range(50_000))


def _rendered_cells(table_class, data):
    import re

    import django_tables2 as tables
    from django.test import RequestFactory

    assert issubclass(table_class, tables.Table)
    table = table_class(data)
    html = table.as_html(RequestFactory().get("/"))
    return re.findall(r"<td ([^>]*)>", html)


def test_a_columns_cell_attributes_are_the_librarys_for_every_row():
    """`{% td_attrs column %}` (components/table.html) works a column's cell attributes out once per table, unless
    they depend on the row: either way each cell gets what django-tables2 gives it, with the NHS.UK class."""
    import django_tables2 as tables

    class Fixed(tables.Table):
        name = tables.Column(attrs={"td": {"class": "app-name", "data-kind": "name"}})
        size = tables.Column()

    class PerRow(tables.Table):
        name = tables.Column(attrs={"td": {"data-name": lambda record: record["name"]}})

    rows = [{"name": "Ash", "size": 1}, {"name": "Birch", "size": 2}]
    fixed = _rendered_cells(Fixed, rows)
    assert fixed == ['class="nhsuk-table__cell app-name" data-kind="name"', 'class="nhsuk-table__cell"'] * 2
    assert _rendered_cells(PerRow, rows) == [
        'class="nhsuk-table__cell" data-name="Ash"',
        'class="nhsuk-table__cell" data-name="Birch"',
    ]
