"""One page of a long list, for ?page=N."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator


def paginate(items, request, *, per_page: int):
    """A Django Page of `items` for ?page=N; out-of-range and non-numeric pages fall back to the first or last."""
    paginator = Paginator(items, per_page)
    number = request.GET.get("page", 1)
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)
