"""Posts: the list, adding and changing a post, and a post's page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ..filters import PostFilter
from ..record_forms import POST_EDITABLE, PostForm
from ..selectors.access import hr_organisations, is_hr_admin
from ..selectors.history import history_rows
from ..selectors.posts import post_get_for_user, post_recent_assignments, posts_visible_to
from ..services.posts import post_create as post_create_service
from ..services.posts import post_update
from ..tables import PostTable
from .base import HOME, HRTableView, hr_required
from .entry import record_form_page, run_service


class PostListView(HRTableView):
    table_class = PostTable
    template_name = "workforce/post_list.html"

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
            "can_change": is_hr_admin(user=request.user, organisation=post.organisation),
            "breadcrumbs": [("Home", "/"), HOME, ("Posts", reverse("workforce:post_list")), (post.title, "")],
        },
    )


@hr_required
@require_http_methods(["GET", "POST"])
def post_create(request):
    form = PostForm(request.POST or None, organisations=hr_organisations(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        post = run_service(form, post_create_service, actor=request.user, **data)
        if post is not None:
            messages.success(request, f"Post {post.reference} added")
            return redirect("workforce:post_detail", pk=post.pk)
    return record_form_page(
        request,
        form,
        page_title="Add a post",
        intro="A post at one of your organisations, described with the national job roles so that reports "
        "can compare organisations.",
        submit_label="Add post",
        breadcrumbs=[("Home", "/"), HOME, ("Posts", reverse("workforce:post_list")), ("Add a post", "")],
        back=("Back to posts", reverse("workforce:post_list")),
    )


@hr_required
@require_http_methods(["GET", "POST"])
def post_edit(request, pk):
    post = post_get_for_user(user=request.user, pk=pk, request=request)
    form = PostForm(request.POST or None, post=post)
    if request.method == "POST" and form.is_valid():
        changed = run_service(
            form,
            post_update,
            actor=request.user,
            post=post,
            **{name: form.cleaned_data[name] for name in POST_EDITABLE},
        )
        if changed is not None:
            messages.success(request, "Post saved" if changed else "Nothing was changed")
            return redirect("workforce:post_detail", pk=post.pk)
    return record_form_page(
        request,
        form,
        page_title="Change this post",
        caption=f"Post {post.reference} at {post.organisation.display_name}",
        breadcrumbs=[
            ("Home", "/"),
            HOME,
            ("Posts", reverse("workforce:post_list")),
            (post.title, reverse("workforce:post_detail", args=[post.pk])),
            ("Change", ""),
        ],
        back=(f"Back to {post.title}", reverse("workforce:post_detail", args=[post.pk])),
    )
