"""Field-level change history of the records that keep one (django-simple-history)."""

from __future__ import annotations


def history_rows(*, obj, fields: tuple[str, ...] | None = None, limit: int = 50) -> list[dict]:
    """Field-level changes from django-simple-history: who changed which field from what to what, and when."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    rows = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        who = newer.history_user.email if newer.history_user else "system"
        if older is None:
            rows.append({"when": newer.history_date, "who": who, "field": "", "old": "", "new": "Created"})
            continue
        delta = newer.diff_against(older, included_fields=list(fields) if fields else None)
        for change in delta.changes:
            field = obj._meta.get_field(change.field)
            rows.append(
                {
                    "when": newer.history_date,
                    "who": who,
                    "field": str(field.verbose_name),
                    "old": _display(field, change.old),
                    "new": _display(field, change.new),
                }
            )
    return rows[:limit]


def _display(field, value) -> str:
    if value in (None, ""):
        return "(blank)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        model = field.related_model
        instance = model.objects.filter(pk=value).first()
        return str(instance) if instance else f"#{value}"
    return str(value)
