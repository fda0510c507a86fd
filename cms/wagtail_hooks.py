"""Wagtail admin hooks for the site's pages: every page is published through its workflow.

Editors hold publish permission so that an approval by another editor can publish (Wagtail publishes as the
approver), but they may not publish directly: the Publish button is removed and a direct publish is refused.
Superusers keep direct publishing for emergencies.
"""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks


def _must_use_workflow(user, page) -> bool:
    return not user.is_superuser and page is not None and page.get_workflow() is not None


@hooks.register("construct_page_action_menu")
def remove_direct_publish(menu_items, request, context):
    page = context.get("page") or context.get("parent_page")
    if _must_use_workflow(request.user, page):
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


def _refuse_direct_publish(request, page, redirect_to):
    if (
        request.method == "POST"
        and request.POST.get("action-publish")
        and _must_use_workflow(request.user, page)
    ):
        messages.error(
            request, "Submit the page for approval: another editor approves it before it is published."
        )
        return redirect(redirect_to)
    return None


@hooks.register("before_edit_page")
def refuse_direct_publish_on_edit(request, page):
    return _refuse_direct_publish(request, page, request.path)


@hooks.register("before_create_page")
def refuse_direct_publish_on_create(request, parent_page, page_class):
    return _refuse_direct_publish(request, parent_page, request.path)


@hooks.register("before_bulk_action")
def refuse_bulk_publish(request, action_type, objects, action_class_instance):
    if action_type != "publish" or request.user.is_superuser:
        return None
    if any(_must_use_workflow(request.user, obj) for obj in objects):
        messages.error(request, "Pages are published through the approval workflow, not in bulk.")
        return redirect(request.GET.get("next") or "wagtailadmin_explore_root")
    return None
