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
