"""Editor workflow: pages are published only after another editor approves them; scheduling; previews."""

import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import NewsItemPage, PeerApprovalTask
from cms.roles import CONTENT_WORKFLOW_NAME
from tests.cms import pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(make_user):
    return make_user("editor", email="author@example.org")


@pytest.fixture
def approver(make_user):
    return make_user("editor", email="approver@example.org")


@pytest.fixture
def draft(author):
    index = pages.news_index()
    item = pages.news_item(index, title="New support line", publish=False, owner=author)
    item.save_revision(user=author)
    return item


def _submit(page, user):
    workflow = page.get_workflow()
    assert workflow is not None and workflow.name == CONTENT_WORKFLOW_NAME
    return workflow.start(page, user)


def _edit_data(action):
    data = nested_form_data(
        {
            "title": "New support line",
            "slug": "new-support-line",
            "date": "2026-10-01",
            "summary": "Call us any time",
            "body": streamfield([("rich_text", rich_text("<p>Call us.</p>"))]),
        }
    )
    data[action] = action
    return data


def test_every_page_is_covered_by_the_content_approval_workflow(draft):
    assert draft.get_workflow().name == CONTENT_WORKFLOW_NAME
    assert pages.home_page().get_workflow().name == CONTENT_WORKFLOW_NAME
    task = draft.get_workflow().tasks.get().specific
    assert isinstance(task, PeerApprovalTask)
    assert list(task.groups.values_list("name", flat=True)) == ["Editor"]


def test_another_editor_approves_and_the_news_item_is_published(draft, author, approver):
    workflow_state = _submit(draft, author)
    task_state = workflow_state.current_task_state
    task = task_state.task.specific
    page = NewsItemPage.objects.get(pk=draft.pk)

    assert task.get_actions(page, author) == [], "the author cannot approve their own page"
    assert [name for name, *_ in task.get_actions(page, approver)] == ["reject", "approve", "approve"]
    assert not task.get_task_states_user_can_moderate(author).exists()
    assert task.get_task_states_user_can_moderate(approver).get() == task_state

    task.on_action(task_state, approver, "approve")
    page.refresh_from_db()
    assert page.live
    assert page.live_revision.user == author
    workflow_state.refresh_from_db()
    assert workflow_state.status == workflow_state.STATUS_APPROVED


def test_the_author_cannot_approve_through_the_api(draft, author):
    workflow_state = _submit(draft, author)
    task_state = workflow_state.current_task_state
    with pytest.raises(PermissionError):
        task_state.task.specific.on_action(task_state, author, "approve")
    draft.refresh_from_db()
    assert not draft.live


def test_other_roles_cannot_approve(draft, author, make_user):
    _submit(draft, author)
    page = NewsItemPage.objects.get(pk=draft.pk)
    task = page.current_workflow_task.specific
    for role in ("hr_admin", "analyst", "consultation_moderator", "auditor", "incident_handler"):
        assert task.get_actions(page, make_user(role)) == [], role


def test_requesting_changes_sends_the_page_back(draft, author, approver):
    workflow_state = _submit(draft, author)
    task_state = workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, approver, "reject", comment="Add the phone number")
    workflow_state.refresh_from_db()
    assert workflow_state.status == workflow_state.STATUS_NEEDS_CHANGES
    draft.refresh_from_db()
    assert not draft.live


def test_editors_cannot_publish_directly_in_the_admin(client, draft, author, login):
    login(author)
    edit_url = f"/admin/pages/{draft.pk}/edit/"
    html = client.get(edit_url).content.decode()
    assert 'name="action-publish"' not in html
    assert "Submit to Content approval" in html

    response = client.post(
        edit_url,
        _edit_data("action-publish"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert not draft.live


def test_editors_submit_for_approval_in_the_admin(client, draft, author, login):
    login(author)
    response = client.post(
        f"/admin/pages/{draft.pk}/edit/",
        _edit_data("action-submit"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.current_workflow_state is not None
    assert draft.current_workflow_state.requested_by == author
    assert not draft.live


def test_scheduled_publishing_after_approval(draft, author, approver):
    go_live = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)
    draft.go_live_at = go_live
    draft.save_revision(user=author)
    workflow_state = _submit(draft, author)
    task_state = workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, approver, "approve")
    draft.refresh_from_db()
    assert not draft.live, "approved, but waiting for its go-live time"
    revision = draft.revisions.get(approved_go_live_at__isnull=False)
    assert revision.approved_go_live_at == go_live

    call_command("publish_scheduled")
    draft.refresh_from_db()
    assert not draft.live

    # The go-live time arrives: the clock is moved on rather than waited for.
    with mock.patch("django.utils.timezone.now", return_value=go_live + datetime.timedelta(minutes=1)):
        call_command("publish_scheduled")
    draft.refresh_from_db()
    assert draft.live


def test_the_demo_news_went_through_the_workflow():
    from wagtail.models import WorkflowState

    from demo.pages import CONTENT_APPROVER_EMAIL
    from demo.site import DemoWorld, seed

    seed(world=DemoWorld(), sizes={"people": 1, "incidents": 0, "responses": 0, "seed": 1})
    for item in NewsItemPage.objects.all():
        state = WorkflowState.objects.for_instance(item).get()
        assert item.live
        assert state.status == WorkflowState.STATUS_APPROVED
        assert state.requested_by.email == "editor@rw-icb.example"
        assert state.task_states.get().finished_by.email == CONTENT_APPROVER_EMAIL
    seed(world=DemoWorld(), sizes={"people": 1, "incidents": 0, "responses": 0, "seed": 1})
    assert WorkflowState.objects.count() == 3
