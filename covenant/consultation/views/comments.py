"""The comments database: every published comment of every consultation whose responses are published, searched
and filtered in one place, with downloads of the current search. Read through `publication` only."""

from __future__ import annotations

from django.conf import settings
from django.db import connections
from django.urls import reverse
from django_filters.views import FilterView
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

from cms.audit import client_ip
from cms.pagination import paginate
from cms.tables import EXPORT_FORMATS, ExportMixin, neutralise

from .. import comment_search, publication
from ..filters import CommentFilter
from .published import OPEN_DATA_FIELDS

COMMENTS_PER_PAGE = 20
# The per-consultation open data's fields, one row per comment rather than per response.
EXPORT_FIELDS = (
    "consultation",
    *OPEN_DATA_FIELDS,
    "question",
    "question_id",
    "question_text",
    "selected",
    "text",
    "themes",
)


def _export_key(group, request) -> str:
    return client_ip(request) or "unknown"


class CommentSearchView(ExportMixin, FilterView):
    filterset_class = CommentFilter
    template_name = "consultation/comments.html"
    export_name = "published-comments"

    def get_queryset(self):
        return publication.published_comments()

    def get_paginate_by(self, queryset):
        return None  # paginated below with cms.pagination, which falls back to the last page

    @property
    def search(self) -> str:
        form = self.filterset.form
        return form.cleaned_data.get("q", "") if form.is_valid() else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(self.object_list, self.request, per_page=COMMENTS_PER_PAGE)
        search = self.search
        comments = list(page.object_list)
        postgresql = connections[self.object_list.db].vendor == "postgresql"
        headlines = {}
        if search and postgresql and comments:
            headlines = publication.comment_headlines(ids=[comment.pk for comment in comments], query=search)
        urls = {}
        for comment in comments:
            consultation = comment.response.consultation
            if consultation.pk not in urls:
                urls[consultation.pk] = consultation.get_url(self.request) + consultation.reverse_subpage(
                    "published"
                )
            comment.consultation_url = urls[consultation.pk]
            if not search:
                comment.pieces = [(False, comment.published_text)]
            elif comment.pk in headlines:
                comment.pieces = comment_search.pieces_from_headline(headlines[comment.pk])
            else:
                comment.pieces = comment_search.pieces_from_words(comment.published_text, search)
        context.update(
            page_obj=page,
            comments=comments,
            search=search,
            relevance=bool(search) and postgresql,
            export_formats=EXPORT_FORMATS,
            breadcrumbs=[("Home", "/"), ("Consultations", reverse("consultation:hub")), ("Comments", "")],
        )
        return context

    def on_export(self, *, export_format, row_count):
        # Downloads read the whole database when unfiltered: bounded per client address, like sending responses.
        rate = settings.CONSULTATION_COMMENTS_EXPORT_RATE
        if is_ratelimited(
            self.request, group="consultation-comments-export", key=_export_key, rate=rate, increment=True
        ):
            raise Ratelimited

    def export_rows(self):
        yield list(EXPORT_FIELDS)
        for record in publication.comment_records(self.object_list):
            record["selected"] = "; ".join(record["selected"])
            record["themes"] = "; ".join(record["themes"])
            yield [neutralise(record[field]) for field in EXPORT_FIELDS]
