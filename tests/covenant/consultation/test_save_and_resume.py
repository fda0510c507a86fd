"""Save and come back later: the answers so far are kept as an encrypted draft under a random token that only the
respondent holds; the link restores them in any browser until the consultation closes; nothing ties the draft to
who saved it, signed in or not."""

import json
import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.test import Client

from covenant.consultation.models import ConsultationResponse, SavedDraft
from covenant.consultation.models.drafts import token_hash
from covenant.consultation.services.drafts import drafts_purge_closed
from covenant.consultation.views.respond import draft_cookie_name
from demo.factories.consultation import consultation_page

from .test_receipt_address import tables_holding
from .test_respond import ABOUT, FULL_ANSWERS, section_data, send_url, submit, url

pytestmark = pytest.mark.django_db

WHY = "Because staff deserve it, said before I had to go and collect the children."
LINK = re.compile(r'href="(http://testserver/consultations/[^"]+/respond/resume/([A-Za-z0-9_-]{43})/)"')


def start_and_answer_step_one(client, page, *, about=None, why=WHY):
    client.get(url(page, "respond_start"))
    assert client.post(url(page, "about_you"), about or ABOUT).status_code == 302
    data = section_data(page, 1, {1: ("Agree", why), 2: ["Fair treatment"]})
    return client.post(url(page, "questions", step=1), {**data, "action": "save"})


def save(client, page, email=""):
    """Save from the save page; returns (the page, the link, the token)."""
    saved = client.post(url(page, "save_for_later"), {"email": email})
    assert saved.status_code == 200, saved.content.decode()[:2000]
    link, token = LINK.search(saved.content.decode()).groups()
    return saved, link, token


def test_saving_keeps_the_answers_encrypted_under_a_hash_and_shows_the_link_once(client, consultation):
    pressed = start_and_answer_step_one(client, consultation)
    assert pressed.status_code == 302
    assert pressed["Location"] == url(consultation, "save_for_later")
    page = client.get(pressed["Location"])
    assert page.status_code == 200
    assert "Save your answers and come back later" in page.content.decode()

    saved, link, token = save(client, consultation)
    body = saved.content.decode()
    assert "Your answers are saved" in body and "has not been sent yet" in body
    assert saved["Cache-Control"] == "no-store"
    draft = SavedDraft.objects.get()
    assert draft.consultation == consultation
    assert draft.token_hash == token_hash(token) != token
    assert json.loads(draft.progress)["answers"]  # readable through the model...
    assert tables_holding(WHY) == [] and tables_holding(token) == []  # ...but not in any table in clear
    # The session forgets the answers (a shared computer keeps nothing) and never holds the token.
    assert f"consultation-response-{consultation.pk}" not in client.session
    assert token not in json.dumps(dict(client.session))
    # Shown once: going back to the save page offers to start again rather than showing the link.
    assert client.get(url(consultation, "save_for_later"))["Location"] == url(consultation, "respond_start")
    assert ConsultationResponse.objects.count() == 0


def test_the_link_restores_the_answers_in_a_fresh_browser_and_continues_where_they_left_off(
    client, consultation
):
    start_and_answer_step_one(client, consultation)
    _, link, token = save(client, consultation)

    other = Client()  # another device: no session, no cookies
    opened = other.get(link)
    assert opened.status_code == 302
    assert opened["Location"] == url(consultation, "questions", step=1)
    step_one = other.get(opened["Location"]).content.decode()
    assert WHY in step_one
    assert (
        'value="Fair treatment" checked' in step_one
        or 'checked value="Fair treatment"' in step_one
        or (re.search(r'value="Fair treatment"[^>]*checked', step_one))
    )
    for step in (1, 2, 3):
        data = section_data(consultation, step, {**FULL_ANSWERS, 1: ("Agree", WHY)})
        assert other.post(url(consultation, "questions", step=step), data).status_code == 302
    check = other.get(url(consultation, "check")).content.decode()
    assert WHY in check
    sent, _ = submit(other, consultation)
    assert sent["Location"] == url(consultation, "confirmation")
    response = ConsultationResponse.objects.get()
    assert response.answers.get(question__sort_order=0).text == WHY
    # Sent: the draft is deleted and its link opens nothing.
    assert not SavedDraft.objects.exists()
    assert sent.cookies[draft_cookie_name(consultation)].value == ""
    used = Client().get(link)
    assert used.status_code == 404
    assert "This link does not open any saved answers" in used.content.decode()
    assert "already been sent" in used.content.decode()


def test_saving_again_from_the_same_browser_keeps_one_draft_and_one_link(client, consultation):
    start_and_answer_step_one(client, consultation)
    _, link, token = save(client, consultation)
    client.get(link)
    data = section_data(consultation, 2, FULL_ANSWERS)
    assert client.post(url(consultation, "questions", step=2), {**data, "action": "save"}).status_code == 302
    _, second_link, _ = save(client, consultation)
    assert second_link == link
    assert SavedDraft.objects.count() == 1
    assert Client().get(link)["Location"] == url(consultation, "questions", step=2)


def test_saving_skips_required_questions_but_not_bad_input(client, consultation):
    client.get(url(consultation, "respond_start"))
    client.post(url(consultation, "about_you"), ABOUT)
    # Question 1 is required; saving before answering it is fine.
    assert client.post(url(consultation, "questions", step=1), {"action": "save"}).status_code == 302
    # Too long is still refused, beside the field, and nothing is saved.
    question = consultation.active_questions().get(sort_order=0)
    too_long = section_data(consultation, 1, {1: ("Agree", "x" * (question.max_length + 1))})
    refused = client.post(url(consultation, "questions", step=1), {**too_long, "action": "save"})
    assert refused.status_code == 400
    assert "must be 2,000 characters or fewer" in refused.content.decode()
    assert not SavedDraft.objects.exists()


def test_saving_on_about_you_keeps_what_was_typed_and_comes_back_there(client, consultation):
    client.get(url(consultation, "respond_start"))
    pressed = client.post(
        url(consultation, "about_you"),
        {"respondent_type": "organisation", "organisation_name": "", "action": "save"},
    )
    assert pressed.status_code == 302  # the organisation's name is not required yet
    _, link, _ = save(client, consultation)
    other = Client()
    assert other.get(link)["Location"] == url(consultation, "about_you")
    page = other.get(url(consultation, "about_you")).content.decode()
    assert re.search(r'value="organisation"[^>]*checked', page)
    # Not complete, so the questions wait until it is.
    assert other.get(url(consultation, "questions", step=1))["Location"] == url(consultation, "about_you")


def test_saving_from_check_your_answers_comes_back_to_it(client, consultation):
    from .test_respond import answer_everything

    answer_everything(client, consultation)
    check = client.get(url(consultation, "check")).content.decode()
    save_link = url(consultation, "save_for_later") + "?from=check"
    assert f'href="{save_link}"' in check
    assert client.get(save_link).status_code == 200
    _, link, _ = save(client, consultation)
    assert Client().get(link)["Location"] == url(consultation, "check")


def test_the_link_is_emailed_by_a_task_that_never_holds_the_address_or_the_link(
    client, consultation, django_capture_on_commit_callbacks, settings, monkeypatch
):
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    address = "Saver.Person+later@example.org"
    start_and_answer_step_one(client, consultation)
    with django_capture_on_commit_callbacks(execute=True):
        saved, link, token = save(client, consultation, email=address)
    assert "We are e-mailing the link to the address you gave" in saved.content.decode()
    task = DBTaskResult.objects.get(task_path__endswith="send_resume_link")
    arguments = json.dumps(task.args_kwargs).lower()
    assert address.lower() not in arguments and token.lower() not in arguments
    assert tables_holding(address) == [] and tables_holding(token) == []

    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert [message.to for message in mail.outbox] == [[address]]
    assert link in mail.outbox[0].body
    assert consultation.title in mail.outbox[0].subject
    assert tables_holding(address) == [] and tables_holding(token) == []


def test_a_bad_address_on_the_save_page_is_shown_beside_the_field(client, consultation):
    start_and_answer_step_one(client, consultation)
    refused = client.post(url(consultation, "save_for_later"), {"email": "not an address"})
    assert refused.status_code == 400
    assert "Enter an e-mail address in the correct format" in refused.content.decode()
    assert not SavedDraft.objects.exists()


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_draft_holds_nothing_about_who_saved_it(client, consultation, make_user, login, signed_in):
    user = make_user(email="signed.in.saver@example.org")
    if signed_in:
        login(user, verified=False)
    client.defaults["REMOTE_ADDR"] = "203.0.113.77"
    client.defaults["HTTP_USER_AGENT"] = "UniqueBrowser/9.9 (draft-test)"
    start_and_answer_step_one(client, consultation)
    _, _, token = save(client, consultation)
    # The row has no column that could hold an account, an address, a browser or a time...
    assert {field.name for field in SavedDraft._meta.concrete_fields} == {
        "id",
        "consultation",
        "token_hash",
        "progress",
    }
    # ...nothing of them is inside the encrypted answers, nor anywhere in the database...
    progress = SavedDraft.objects.get().progress
    for needle in ("203.0.113.77", "UniqueBrowser", user.email):
        assert needle not in progress
    saved = json.loads(progress)
    assert set(saved) == {"token", "started", "about", "about_typed", "answers", "resume_at"}
    assert set(saved["about"]) == set(ABOUT) - {"email"}  # what the respondent typed, and only that
    assert tables_holding("203.0.113.77") == [] and tables_holding("UniqueBrowser") == []
    # ...and no session (the signed-in one included) names the draft.
    for session in Session.objects.all():
        decoded = json.dumps(session.get_decoded())
        assert token not in decoded and token_hash(token) not in decoded and "draft" not in decoded


def test_a_wrong_or_malformed_token_gives_a_clear_page(client, consultation):
    start_and_answer_step_one(client, consultation)
    _, link, token = save(client, consultation)
    for wrong in ("A" * 43, "short", token[:-1] + ("A" if token[-1] != "A" else "B")):
        page = Client().get(url(consultation, "resume", token=wrong))
        assert page.status_code == 404
        assert "This link does not open any saved answers" in page.content.decode()
    # Another consultation's link opens nothing here.
    other = consultation_page(title="Another consultation", slug="another-one")
    assert Client().get(url(other, "resume", token=token)).status_code == 404


def test_a_link_for_a_closed_consultation_has_expired(client, consultation):
    start_and_answer_step_one(client, consultation)
    _, link, token = save(client, consultation)
    consultation.closes_at = consultation.opens_at.replace(year=consultation.opens_at.year - 1)
    consultation.opens_at = consultation.closes_at.replace(month=1, day=1)
    consultation.save()
    expired = Client().get(link)
    assert expired.status_code == 410
    assert "This link has expired" in expired.content.decode()
    # Saving is refused once it has closed too.
    assert client.get(url(consultation, "save_for_later")).status_code == 410


def test_a_link_for_a_forthcoming_consultation_is_not_open_yet(hub):
    forthcoming = consultation_page(title="Soon", slug="soon", status="forthcoming")
    page = Client().get(url(forthcoming, "resume", token="A" * 43))
    assert page.status_code == 403
    assert "not open yet" in page.content.decode()


def test_drafts_of_closed_consultations_are_purged_and_open_ones_kept(
    client, consultation, closed_consultation
):
    start_and_answer_step_one(client, consultation)
    save(client, consultation)
    SavedDraft.objects.create(consultation=closed_consultation, token_hash="0" * 64, progress="{}")
    call_command("consultation_purge_drafts", verbosity=0)
    assert list(SavedDraft.objects.values_list("consultation_id", flat=True)) == [consultation.pk]
    assert drafts_purge_closed() == 0


def test_wrong_links_from_one_address_are_throttled_and_right_ones_never_count(
    client, consultation, settings
):
    settings.CONSULTATION_RESUME_ADDRESS_FAILURES = 3
    start_and_answer_step_one(client, consultation)
    _, link, _ = save(client, consultation)
    here = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(10):
        assert here.get(link).status_code == 302  # right links are given back
    wrong = url(consultation, "resume", token="B" * 43)
    assert [here.get(wrong).status_code for _ in range(4)] == [404, 404, 404, 429]
    assert "Too many links tried" in here.get(wrong).content.decode()
    assert here.get(link).status_code == 429  # past the limit the address is refused, right link or not
    # Another address, and an IPv6 /64 counted as one address.
    assert Client(REMOTE_ADDR="198.51.100.8").get(link).status_code == 302
    for suffix in ("1", "2", "3"):
        Client(REMOTE_ADDR=f"2001:db8:1:2::{suffix}").get(wrong)
    assert Client(REMOTE_ADDR="2001:db8:1:2::99").get(wrong).status_code == 429


def test_answers_to_a_question_retired_since_are_dropped_on_return(client, consultation):
    start_and_answer_step_one(client, consultation)
    _, link, _ = save(client, consultation)
    from django.utils import timezone

    retired = consultation.active_questions().get(sort_order=1)
    retired.retired_at = timezone.now()
    retired.save()
    other = Client()
    other.get(link)
    progress = other.session[f"consultation-response-{consultation.pk}"]
    assert str(retired.uuid) not in progress["answers"]
    assert progress["answers"]  # the other answers are kept


def test_send_url_still_sends_after_resuming(client, consultation):
    start_and_answer_step_one(client, consultation)
    _, link, _ = save(client, consultation)
    other = Client()
    other.get(link)
    for step in (1, 2, 3):
        other.post(url(consultation, "questions", step=step), section_data(consultation, step, FULL_ANSWERS))
    token = other.session[f"consultation-response-{consultation.pk}"]["token"]
    assert other.post(send_url(consultation), {"token": token}).status_code == 302
    assert ConsultationResponse.objects.count() == 1


def test_a_fresh_response_in_the_same_browser_never_overwrites_or_deletes_the_saved_one(client, consultation):
    from .test_respond import answer_everything

    start_and_answer_step_one(client, consultation)
    _, first_link, _ = save(client, consultation)
    # The same browser starts again from the consultation page instead of opening the link.
    answer_everything(client, consultation, answers={**FULL_ANSWERS, 1: ("Disagree", "Another response.")})
    client.get(url(consultation, "check"))
    _, second_link, _ = save(client, consultation)
    assert second_link != first_link and SavedDraft.objects.count() == 2
    # Sending the second one deletes its own draft only.
    other = Client()
    other.get(second_link)
    submit(other, consultation)
    assert SavedDraft.objects.count() == 1
    restored = Client()
    assert restored.get(first_link).status_code == 302
    assert WHY in restored.get(url(consultation, "questions", step=1)).content.decode()
