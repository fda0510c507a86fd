"""Posts: the list and a post's page."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from ..filters import PostFilter
from ..selectors.history import history_rows
from ..selectors.posts import post_get_for_user, post_recent_assignments, posts_visible_to
from ..tables import PostTable
from .base import HOME, HRTableView, hr_required


class PostListView(HRTableView):
    table_class = PostTable

    filterset_class = PostFilter
    export_name = "posts"
    page_title = "Posts"
    page_intro = "Posts at your organisations, with the national staff group, job role and pay band."

    def get_base_queryset(self):
        return posts_visible_to(user=self.request.user)


@hr_required
def post_detail(request, pk):
    post = post_get_for_user(user=request.user, pk=pk, request=request)
    return render(
        request,
        "workforce/post_detail.html",
        {
            "post": post,
            "assignments": post_recent_assignments(post=post),
            "history": history_rows(obj=post),
            "breadcrumbs": [("Home", "/"), HOME, ("Posts", reverse("workforce:post_list")), (post.title, "")],
        },
    )
