"""What the site's own roles may do in the CMS (see cms/accounts/roles.py)."""

from django.contrib.auth.models import Permission
from django.db import connection
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cms.models import PeerApprovalTask

ROLE_PERMISSIONS = {
    "editor": [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "cms.change_sitefooter",
    ],
}

# publish_page lets an approving editor's approval publish the page; cms/wagtail_hooks.py stops editors
# publishing directly, so every page goes through the content approval workflow.
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
CONTENT_WORKFLOW_NAME = "Content approval"
CONTENT_APPROVAL_TASK_NAME = "Approval by another editor"
EDITOR_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)


def setup_roles(groups):
    """Editors may edit every page, image and document (object permissions on the tree roots); pages are
    published through the content approval workflow, which covers the whole tree."""
    editor = groups["editor"]
    root_page = Page.get_first_root_node()
    if root_page is not None:
        for codename in EDITOR_PAGE_PERMISSIONS:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=editor, page=root_page, permission=permission)
        setup_content_workflow(editor_group=editor, root_page=root_page)
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for app_label, codename in EDITOR_COLLECTION_PERMISSIONS:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(
                group=editor, collection=root_collection, permission=permission
            )


def setup_content_workflow(*, editor_group, root_page):
    """One workflow for every page: a peer approval task for the editor group, so nobody approves their own work.

    Replaces Wagtail's default "Moderators approval" on the root page. Idempotent.
    """
    if PeerApprovalTask._meta.db_table not in connection.introspection.table_names():
        return None  # migrated back below cms 0003: nothing to set up
    task = PeerApprovalTask.objects.filter(name=CONTENT_APPROVAL_TASK_NAME).first()
    if task is None:
        task = PeerApprovalTask.objects.create(name=CONTENT_APPROVAL_TASK_NAME)
    task.groups.add(editor_group)
    workflow, _ = Workflow.objects.get_or_create(name=CONTENT_WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})
    return workflow
