"""The one base view for every filterable, sortable, paginated, exportable table, and its downloads.

A feature declares `table_class`, `filterset_class`, `export_name` and `get_base_queryset()` (a selector that
applies access control). Exports carry the current filters and ordering, stream row by row (CSV) or through a
write-only workbook (XLSX), and neutralise spreadsheet formulas in every cell. `ExportMixin` is the download
part alone, for a filtered list that is not a table (the public comments database).
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Iterable, Iterator

import django_tables2 as tables
import django_tables2.utils as table_utils
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from cms.times import SHORT_DATE_FORMAT, datetime_nhs

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "|")
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_CHUNK = 2000
EXPORT_BLOCK_CHARS = 64 * 1024


class TimeColumn(tables.Column):
    """A date and time in NHS.UK style, "6 Dec 2026 at 8:53am" (cms/times.py); exports keep the value itself."""

    def render(self, value):
        return datetime_nhs(value, SHORT_DATE_FORMAT)

    def value(self, value):
        return value


def neutralise(value):
    """Make a cell safe to open in a spreadsheet: text that would start a formula is prefixed with a quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class ExportMixin:
    """Downloads of a list view's current filters: `?_export=csv` streams CSV, `?_export=xlsx` writes a write-only
    workbook. A view declares `export_name` and `export_rows()` (the header, then one list of cells per row, each
    already neutralised)."""

    export_name = "export"
    export_trigger_param = "_export"

    def render_to_response(self, context, **response_kwargs):
        export_format = self.request.GET.get(self.export_trigger_param)
        if export_format:
            if export_format not in EXPORT_FORMATS:
                return HttpResponseBadRequest("Choose an export format: CSV or XLSX.")
            return self.export(export_format)
        return super().render_to_response(context, **response_kwargs)

    def on_export(self, *, export_format: str, row_count: int | None) -> None:
        """Hook for features that audit or limit exports."""

    def export_rows(self) -> Iterator[list]:
        raise NotImplementedError

    def export_filename(self, export_format: str) -> str:
        return f"{self.export_name}-{timezone.localdate():%Y-%m-%d}.{export_format}"

    def export(self, export_format: str):
        self.on_export(export_format=export_format, row_count=None)
        filename = self.export_filename(export_format)
        if export_format == "csv":
            response = StreamingHttpResponse(
                csv_blocks(self.export_rows()), content_type="text/csv; charset=utf-8"
            )
        else:
            # Only spreadsheet exports need openpyxl: a heavy import most requests never make.
            from openpyxl import Workbook

            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet(title=self.export_name[:31] or "export")
            for row in self.export_rows():
                sheet.append(row)
            handle = tempfile.TemporaryFile()
            workbook.save(handle)
            handle.seek(0)
            response = FileResponse(
                handle,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class FilteredTableView(ExportMixin, SingleTableMixin, FilterView):
    template_name = "includes/filtered_table_page.html"
    paginate_by = 25
    page_title = ""
    page_intro = ""
    exclude_from_export: tuple[str, ...] = ()

    def get_base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        return self.get_base_queryset()

    def get_table_pagination(self, table):
        return {"per_page": self.paginate_by}

    def get_paginate_by(self, queryset):
        # The table paginates (get_table_pagination); ListView paginating too would count the rows twice.
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The paginator has already counted the filtered rows: reuse its count rather than ask again.
        page = getattr(context.get("table"), "page", None)
        context.update(
            page_title=self.page_title,
            page_intro=self.page_intro,
            export_formats=EXPORT_FORMATS,
            result_count=page.paginator.count if page is not None else len(self.object_list),
        )
        return context

    def export_rows(self) -> Iterator[list]:
        """Header then one list of cell values per row, in the table's ordering, built chunk by chunk.

        A table that declares `export_columns` ((heading, path, labels) triples) is exported straight from
        `values_list`: much faster than rendering each cell through the table's columns, which matters from
        tens of thousands of rows. `path` is a field path or a tuple of paths joined with spaces; `labels` is
        None, a dict of choice labels, or a function of the value."""
        table_class = self.get_table_class()
        exclude = self.exclude_from_export
        ordered = table_class(data=self.object_list, order_by=self.request.GET.get("sort") or None)
        queryset = ordered.data.data
        if not queryset.ordered:
            queryset = queryset.order_by("pk")
        columns = getattr(table_class, "export_columns", None)
        if columns:
            yield from _values_rows(queryset, columns)
            return
        yield list(next(table_class(data=[]).as_values(exclude_columns=exclude)))
        for chunk in _chunks(queryset.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
            values = table_class(data=chunk).as_values(exclude_columns=exclude)
            next(values)  # the header, already sent
            for row in values:
                yield [neutralise(_plain(cell)) for cell in row]


def csv_blocks(rows: Iterable[list], *, bom: bool = True) -> Iterator[str]:
    """CSV text for a streamed response, in blocks of about 64 KB rather than a row at a time: a million rows
    are then some hundreds of writes to the client instead of a million. Starts with a BOM so Excel reads
    UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write("\ufeff")
    for row in rows:
        writer.writerow(row)
        if buffer.tell() >= EXPORT_BLOCK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def in_blocks(pieces: Iterable[str]) -> Iterator[str]:
    """Join many small strings of a streamed response into blocks of about 64 KB."""
    block: list[str] = []
    size = 0
    for piece in pieces:
        block.append(piece)
        size += len(piece)
        if size >= EXPORT_BLOCK_CHARS:
            yield "".join(block)
            block, size = [], 0
    yield "".join(block)


def _values_rows(queryset, columns) -> Iterator[list]:
    # One small function per column, built once: the loop below runs for every row of a large export.
    getters, paths, position = [], [], 0
    for _heading, path, labels in columns:
        if isinstance(path, tuple):
            part = slice(position, position + len(path))
            getters.append(lambda v, part=part: neutralise(" ".join(str(x) for x in v[part] if x)))
            paths.extend(path)
            position += len(path)
            continue
        if callable(labels):
            getters.append(lambda v, i=position, labels=labels: neutralise(labels(v[i])))
        elif labels is not None:
            getters.append(
                lambda v, i=position, labels=labels: labels.get(v[i], "" if v[i] is None else v[i])
            )
        else:
            getters.append(lambda v, i=position: _cell(v[i]))
        paths.append(path)
        position += 1
    yield [heading for heading, _path, _labels in columns]
    for values in queryset.values_list(*paths).iterator(chunk_size=EXPORT_CHUNK):
        yield [get(values) for get in getters]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return _plain(value)
    return neutralise(value)


def _plain(value):
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None)
    if isinstance(value, (int, float, datetime.date)):
        return value
    return "" if value is None else str(value)


# --- django-tables2 cell calls ---------------------------------------------------------------------------------
_SIGNATURES: dict = {}
_SIGNATURES_MAX = 4096


def speed_up_table_cells() -> None:
    """Remember django-tables2's per-call `inspect.signature` work (called at startup by cms.apps).

    django-tables2 asks for the signature of every render_/value_ method and accessor callable for every cell
    (`utils.call_with_appropriate`): a third of the time of a 25-row list page and most of an export. A
    function's signature never changes, so it is computed once per function (bound methods share their
    function's entry; the cache is bounded in case callables are made per request).
    """
    original = getattr(table_utils.signature, "__wrapped__", table_utils.signature)

    def signature(fn):
        func = getattr(fn, "__func__", None)
        key = ("bound", func) if func is not None else fn
        try:
            return _SIGNATURES[key]
        except KeyError:
            pass
        except TypeError:  # not hashable
            return original(fn)
        result = original(fn)
        if len(_SIGNATURES) >= _SIGNATURES_MAX:
            _SIGNATURES.clear()
        _SIGNATURES[key] = result
        return result

    signature.__wrapped__ = original
    table_utils.signature = signature
