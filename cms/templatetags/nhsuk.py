"""Template tags for NHS.UK design system markup. Registered as a builtin, so templates need no `{% load %}`.

Forms
    {% error_summary form [form2 ...] %}     the NHS.UK error summary for one or more forms or formsets
    {% nhsuk_widget field "nhsuk-input" error_class="nhsuk-input--error" describedby=ids attr=value %}
                                              the field's own widget, keeping its attributes, plus our classes
    {% nhsuk_option option "nhsuk-radios__input" %}   one radio or checkbox from `field.subwidgets`
    {% field_describedby field ["info"] as ids %}      "<id>-info <id>-hint <id>-error", as present
    {{ field|field_input_id }}                the id of the first input, where the error summary links to
    {{ part.name|multi_input_label:field }}   "From", "To", "Date", "Time" for parts of range widgets

Tables
    {% cell_attrs column.attrs.th "nhsuk-table__header" %}   django-tables2 attributes plus an NHS.UK class

Layout
    {% service_name %}                        the service name, without needing the context processor
    {{ breadcrumbs|breadcrumb_links }}        the (label, url) pairs that have a URL
    {% pagination_items page_obj as items %}  page numbers and ellipses for NHS.UK numbered pagination
    {% page_url 3 "page" %}                   the current query string with the page number replaced
    {% query_param "sort" as sort %}          one value from the current query string

Times (NHS.UK style, in the site's time zone: cms/times.py)
    {{ value|nhs_time }}                      8:53am, 9am, midday, midnight
    {{ value|nhs_datetime }}                  6 December 2026 at 8:53am
    {{ value|nhs_datetime:"j M Y" }}          6 Dec 2026 at 8:53am (any Django date format for the date)
    {{ value|nhs_date }}                      6 December 2026 ({{ value|nhs_date:"j M Y" }}: 6 Dec 2026)
    {{ value|nhs_hour }}                      between 8am and 9am: the hour an anonymous action is kept to
"""

from __future__ import annotations

from django import forms, template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape, format_html_join
from django.utils.http import urlencode

from cms.times import DATE_FORMAT, date_nhs, datetime_nhs, hour_nhs, time_nhs

register = template.Library()

# Widgets whose first input carries a numbered id (`id_field_0`) rather than the field's own id.
_NUMBERED_INPUT_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget)


def _merge_classes(*groups: str | None) -> str:
    seen: dict[str, None] = {}
    for group in groups:
        for name in (group or "").split():
            seen.setdefault(name, None)
    return " ".join(seen)


@register.filter
def field_input_id(bound_field) -> str:
    """The id of the element a link to this field should focus: the first radio, checkbox or date box."""
    auto_id = bound_field.auto_id
    if not auto_id:
        return ""
    custom_id = bound_field.field.widget.attrs.get("id")
    base = custom_id or auto_id
    if isinstance(bound_field.field.widget, _NUMBERED_INPUT_WIDGETS):
        return f"{base}_0"
    return bound_field.id_for_label or base


_MULTI_INPUT_LABELS = {
    "min": "From",
    "max": "To",
    "after": "From",
    "before": "To",
    "start": "From",
    "end": "To",
}


@register.filter
def multi_input_label(part_name: str, bound_field) -> str:
    """A label for one part of a multi-part widget, from its name suffix (`price_min` -> "From")."""
    suffix = str(part_name)[len(bound_field.html_name) :].lstrip("_")
    if bound_field.widget_type == "splitdatetime":
        return {"0": "Date", "1": "Time"}.get(suffix, suffix)
    if suffix in _MULTI_INPUT_LABELS:
        return _MULTI_INPUT_LABELS[suffix]
    return suffix.replace("_", " ").capitalize() or str(bound_field.label)


@register.simple_tag
def field_describedby(bound_field, *prefixes: str) -> str:
    """Space-separated ids that describe a field: any `prefixes` (such as "info"), then hint, then error."""
    auto_id = bound_field.auto_id
    if not auto_id:
        return ""
    ids = [f"{auto_id}-{prefix}" for prefix in prefixes]
    if bound_field.help_text:
        ids.append(f"{auto_id}-hint")
    if bound_field.errors:
        ids.append(f"{auto_id}-error")
    return " ".join(ids)


@register.simple_tag
def nhsuk_widget(bound_field, css_class: str = "", error_class: str = "", describedby: str = "", **attrs):
    """Render the field's widget with NHS.UK classes added to (not replacing) the widget's own attributes.

    Keyword arguments become HTML attributes; underscores turn into hyphens (`aria_label` -> `aria-label`).
    """
    final = {name.replace("_", "-"): value for name, value in attrs.items()}
    classes = _merge_classes(
        css_class,
        bound_field.field.widget.attrs.get("class"),
        error_class if bound_field.errors else "",
    )
    if classes:
        final["class"] = classes
    if describedby:
        final["aria-describedby"] = describedby
    return bound_field.as_widget(attrs=final)


@register.simple_tag
def nhsuk_option(bound_widget, css_class: str, describedby: str = ""):
    """Render one radio or checkbox input from `field.subwidgets` with the NHS.UK item class.

    The widget-level class (for example `nhsuk-radios--inline`) belongs on the group, not on each input,
    so it is dropped here; templates put it on the `nhsuk-radios` / `nhsuk-checkboxes` container.
    """
    data = dict(bound_widget.data)
    option_attrs = dict(data.get("attrs") or {})
    option_attrs["class"] = css_class
    if describedby:
        option_attrs["aria-describedby"] = describedby
    else:
        option_attrs.pop("aria-describedby", None)
    data["attrs"] = option_attrs
    return bound_widget.parent_widget._render(
        "django/forms/widgets/input.html", {"widget": data}, bound_widget.renderer
    )


def _error_items(form) -> list[dict]:
    if form is None:
        return []
    if hasattr(form, "non_form_errors"):  # a formset
        items = [{"text": error, "href": ""} for error in form.non_form_errors()]
        for each in form.forms:
            items.extend(_error_items(each))
        return items
    if not getattr(form, "is_bound", False):
        return []
    items = [{"text": error, "href": ""} for error in form.non_field_errors()]
    for bound_field in form:
        if not bound_field.errors:
            continue
        href = "" if bound_field.is_hidden else field_input_id(bound_field)
        for error in bound_field.errors:
            items.append({"text": error, "href": f"#{href}" if href else ""})
    return items


@register.simple_tag
def error_summary(*forms_or_formsets, heading: str = "There is a problem"):
    """The NHS.UK error summary listing every error of the given forms, each linking to its field.

    Renders nothing when there are no errors. NHS.UK frontend's initAll() moves focus to it on page load.
    """
    items = []
    for form in forms_or_formsets:
        items.extend(_error_items(form))
    if not items:
        return ""
    return render_to_string("components/error_summary.html", {"heading": heading, "errors": items})


@register.simple_tag
def cell_attrs(attrs, css_class: str = ""):
    """HTML attributes from django-tables2 (`column.attrs.th`, `column.attrs.td`, `row.attrs`) with
    `css_class` added to whatever class the table or column declares."""
    pairs = {}
    for name, value in (attrs or {}).items():
        value = value() if callable(value) else value
        if value is not None and not isinstance(value, dict) and not str(name).startswith("_"):
            pairs[name] = value
    classes = _merge_classes(css_class, pairs.pop("class", None))
    if classes:
        pairs = {"class": classes, **pairs}
    return format_html_join(" ", '{}="{}"', pairs.items())


def _cell_attrs_computed(table, column) -> bool:
    """Whether a column's cell attributes are worked out per row: a callable among the table's or the column's
    `td` (or `cell`) attributes, which django-tables2 calls with the row's record and value."""
    declared = [
        table.attrs.get("td"),
        table.attrs.get("cell"),
        column.attrs.get("td"),
        column.attrs.get("cell"),
    ]
    return any(callable(value) for attrs in declared if attrs for value in attrs.values())


@register.simple_tag
def td_attrs(bound_column):
    """`cell_attrs(bound_column.attrs.td, "nhsuk-table__cell")` for a table's cell. django-tables2 builds a column's
    attributes afresh on every read (three dicts and their classes), once for every cell of the page; unless they
    depend on the row (`_cell_attrs_computed`), they are the same for every cell of the column, so they are worked
    out once per column of the table being rendered."""
    kept = getattr(bound_column, "_nhsuk_td_attrs", None)
    if kept is not None:
        return kept
    html = cell_attrs(bound_column.attrs["td"], "nhsuk-table__cell")
    if not _cell_attrs_computed(bound_column._table, bound_column.column):
        bound_column._nhsuk_td_attrs = html
    return html


@register.simple_tag(takes_context=True)
def service_name(context) -> str:
    """The service name from the context processor, or settings when rendering without one (500, 503)."""
    return context.get("service_name") or getattr(settings, "SERVICE_NAME", "") or "NHS"


@register.filter
def breadcrumb_links(breadcrumbs) -> list[tuple[str, str]]:
    """The breadcrumb (label, url) pairs that have a URL; the current page, if listed, has none."""
    return [(label, url) for label, url in (breadcrumbs or []) if url]


@register.simple_tag
def pagination_items(page_obj, on_each_side: int = 2, on_ends: int = 1) -> list[dict]:
    """Page numbers for NHS.UK numbered pagination: first, last, a few around the current page, ellipses."""
    if page_obj is None:
        return []
    paginator = page_obj.paginator
    items = []
    for number in paginator.get_elided_page_range(
        page_obj.number, on_each_side=on_each_side, on_ends=on_ends
    ):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "current": number == page_obj.number})
    return items


@register.simple_tag(takes_context=True)
def page_url(context, number, param: str = "page") -> str:
    """The current query string (so filters and sorting stay) with `param` set to `number`."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else {}
    params = dict(query.lists()) if hasattr(query, "lists") else {}
    params[param] = [str(number)]
    return escape("?" + urlencode(params, doseq=True))


@register.simple_tag(takes_context=True)
def query_param(context, name) -> str:
    """One value from the current query string, for carrying it through a form as a hidden input."""
    request = context.get("request")
    if request is None or not name:
        return ""
    return request.GET.get(name, "")


@register.filter
def nhs_time(value) -> str:
    return time_nhs(value) if value else ""


@register.filter
def nhs_datetime(value, date_format: str = DATE_FORMAT) -> str:
    return datetime_nhs(value, date_format) if value else ""


@register.filter
def nhs_hour(value) -> str:
    return hour_nhs(value) if value else ""


@register.filter
def nhs_date(value, date_format: str = DATE_FORMAT) -> str:
    return date_nhs(value, date_format) if value else ""
