"""Save and come back later: the answers so far are kept as an encrypted draft under a random token that only the
respondent holds; the link restores them in any browser until the consultation closes; nothing ties the draft to
who saved it, signed in or not; no session or cookie holds anything of it."""

import json
import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from covenant.consultation.models import ConsultationResponse, SavedDraft
from covenant.consultation.models.drafts import token_hash
from covenant.consultation.services.drafts import drafts_purge_closed
from demo.factories.consultation import consultation_page

from .journey import (
    ABOUT,
    FULL_ANSWERS,
    answer_everything,
    heading,
    payload_of,
    post,
    reference_of,
    respond_url,
    section_data,
    send,
)
from .test_receipt_address import tables_holding

pytestmark = pytest.mark.django_db

WHY = "Because staff deserve it, said before I had to go and collect the children."
LINK = re.compile(r'href="(http://testserver/consultation/respond/\d+/resume/([A-Za-z0-9_-]{43})/)"')


def resume_url(page, token):
    return reverse("consultation:resume", args=[page.pk, token])


def start_and_answer_step_one(client, page, *, about=None, why=WHY):
    """About you, then "Save and come back later" on the first question page; returns the save page."""
    step_one = post(client, page, client.get(respond_url(page)), about or ABOUT)
    assert step_one.status_code == 200
    data = section_data(page, 1, {1: ("Agree", why), 2: ["Fair treatment"]})
    return post(client, page, step_one, data, action="save")


def save(client, page, save_page, email=""):
    """Save from the save page; returns (the saved page, the link, the token)."""
    saved = post(client, page, save_page, {"email": email}, action="save-confirm")
    assert saved.status_code == 200, saved.content.decode()[:2000]
    link, token = LINK.search(saved.content.decode()).groups()
    return saved, link, token


def test_saving_keeps_the_answers_encrypted_under_a_hash_and_shows_the_link_once(client, consultation):
    save_page = start_and_answer_step_one(client, consultation)
    assert save_page.status_code == 200
    assert "Save your answers and come back later" in save_page.content.decode()

    saved, link, token = save(client, consultation, save_page)
    body = saved.content.decode()
    assert "Your answers are saved" in body and "has not been sent yet" in body
    assert saved["Cache-Control"] == "no-store"
    assert 'name="journey"' not in body  # the saved page carries nothing to carry on from
    draft = SavedDraft.objects.get()
    assert draft.consultation_id == consultation.pk
    assert draft.token_hash == token_hash(token) != token
    assert json.loads(draft.progress)["answers"]  # readable through the model...
    assert tables_holding(WHY) == [] and tables_holding(token) == []  # ...but not in any table in clear
    assert not Session.objects.exists() and "sessionid" not in client.cookies
    assert ConsultationResponse.objects.count() == 0


def test_the_link_restores_the_answers_in_a_fresh_browser_and_continues_where_they_left_off(
    client, consultation
):
    _, link, token = save(client, consultation, start_and_answer_step_one(client, consultation))

    other = Client()  # another device: no cookies
    opened = other.get(link)
    assert opened.status_code == 200
    assert opened["Cache-Control"] == "no-store"
    step_one = opened.content.decode()
    assert WHY in step_one
    assert re.search(r'value="Fair treatment"[^>]*checked|checked[^>]*value="Fair treatment"', step_one)
    page = opened
    for step in (1, 2, 3):
        page = post(
            other, consultation, page, section_data(consultation, step, {**FULL_ANSWERS, 1: ("Agree", WHY)})
        )
        assert page.status_code == 200
    assert WHY in page.content.decode() and "Check your answers" in heading(page)
    sent = send(other, consultation, page)
    response = ConsultationResponse.objects.get()
    assert reference_of(sent) == response.reference
    assert response.answers.get(question__sort_order=0).text == WHY
    # Sent: the draft is deleted and its link opens nothing.
    assert not SavedDraft.objects.exists()
    used = Client().get(link)
    assert used.status_code == 404
    assert "This link does not open any saved answers" in used.content.decode()
    assert "already been sent" in used.content.decode()


def test_a_link_under_the_page_address_still_opens_the_draft(client, consultation):
    _, link, token = save(client, consultation, start_and_answer_step_one(client, consultation))
    old = Client().get(consultation.subpage_url("resume", token=token))
    assert old.status_code == 302 and old["Location"] == resume_url(consultation, token)


def test_saving_again_from_the_resumed_journey_keeps_one_draft_and_one_link(client, consultation):
    _, link, _ = save(client, consultation, start_and_answer_step_one(client, consultation))
    opened = client.get(link)
    step_two = post(client, consultation, opened, section_data(consultation, 1, FULL_ANSWERS))
    save_page = post(
        client, consultation, step_two, section_data(consultation, 2, FULL_ANSWERS), action="save"
    )
    _, second_link, _ = save(client, consultation, save_page)
    assert second_link == link
    assert SavedDraft.objects.count() == 1
    again = Client().get(link)
    assert FULL_ANSWERS[5] in again.content.decode()  # it opens at the second page, where it was saved


def test_saving_skips_required_questions_but_not_bad_input(client, consultation):
    step_one = post(client, consultation, client.get(respond_url(consultation)), ABOUT)
    # Question 1 is required; saving before answering it is fine.
    assert post(client, consultation, step_one, action="save").status_code == 200
    # Too long is still refused, beside the field, and nothing is saved.
    question = consultation.active_questions().get(sort_order=0)
    too_long = section_data(consultation, 1, {1: ("Agree", "x" * (question.max_length + 1))})
    refused = post(client, consultation, step_one, too_long, action="save")
    assert refused.status_code == 400
    assert "must be 2,000 characters or fewer" in refused.content.decode()
    assert not SavedDraft.objects.exists()


def test_saving_on_about_you_keeps_what_was_typed_and_comes_back_there(client, consultation):
    start = client.get(respond_url(consultation))
    save_page = post(
        client,
        consultation,
        start,
        {"respondent_type": "organisation", "organisation_name": ""},
        action="save",
    )
    assert save_page.status_code == 200  # the organisation's name is not required yet
    _, link, _ = save(client, consultation, save_page)
    other = Client()
    opened = other.get(link)
    assert heading(opened) == "About you"
    assert re.search(r'value="organisation"[^>]*checked', opened.content.decode())
    # Not complete, so continuing asks for the rest.
    assert post(other, consultation, opened, {"respondent_type": "organisation"}).status_code == 400


def test_saving_from_check_your_answers_comes_back_to_it(client, consultation):
    check = answer_everything(client, consultation)
    assert 'form="journey-side" name="action" value="save"' in check.content.decode()
    save_page = post(client, consultation, check, action="save")
    assert save_page.status_code == 200
    back = post(client, consultation, save_page, action="return")
    assert "Check your answers" in heading(back)
    _, link, _ = save(client, consultation, save_page)
    assert "Check your answers" in heading(Client().get(link))


def test_the_receipt_address_is_not_saved_with_the_draft(client, consultation):
    about = {**ABOUT, "email": "keep.me.out@example.org"}
    _, link, _ = save(client, consultation, start_and_answer_step_one(client, consultation, about=about))
    assert "keep.me.out" not in SavedDraft.objects.get().progress
    assert "keep.me.out" not in Client().get(link).content.decode()


def test_the_link_is_emailed_by_a_task_that_never_holds_the_address_or_the_link(
    client, consultation, django_capture_on_commit_callbacks, settings, monkeypatch
):
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    address = "Saver.Person+later@example.org"
    save_page = start_and_answer_step_one(client, consultation)
    with django_capture_on_commit_callbacks(execute=True):
        saved, link, token = save(client, consultation, save_page, email=address)
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
    save_page = start_and_answer_step_one(client, consultation)
    refused = post(client, consultation, save_page, {"email": "not an address"}, action="save-confirm")
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
    _, _, token = save(client, consultation, start_and_answer_step_one(client, consultation))
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
    assert set(saved) == {"token", "started", "answers", "at"}
    assert set(saved["answers"]["about"]) == set(ABOUT) - {"email"}  # as typed, without the address
    assert tables_holding("203.0.113.77") == [] and tables_holding("UniqueBrowser") == []
    # ...and no session (the signed-in one included) names the draft.
    for session in Session.objects.all():
        decoded = json.dumps(session.get_decoded())
        assert token not in decoded and token_hash(token) not in decoded and "draft" not in decoded


def test_a_wrong_or_malformed_token_gives_a_clear_page(client, consultation):
    _, link, token = save(client, consultation, start_and_answer_step_one(client, consultation))
    for wrong in ("A" * 43, "short", token[:-1] + ("A" if token[-1] != "A" else "B")):
        page = Client().get(resume_url(consultation, wrong))
        assert page.status_code == 404
        assert "This link does not open any saved answers" in page.content.decode()
    # Another consultation's link opens nothing here.
    other = consultation_page(title="Another consultation", slug="another-one")
    assert Client().get(resume_url(other, token)).status_code == 404


def test_a_link_for_a_closed_consultation_has_expired(client, consultation):
    save_page = start_and_answer_step_one(client, consultation)
    _, link, token = save(client, consultation, save_page)
    consultation.closes_at = consultation.opens_at.replace(year=consultation.opens_at.year - 1)
    consultation.opens_at = consultation.closes_at.replace(month=1, day=1)
    consultation.save()
    expired = Client().get(link)
    assert expired.status_code == 410
    assert "This link has expired" in expired.content.decode()
    # Saving is refused once it has closed too.
    assert post(client, consultation, save_page, {"email": ""}, action="save-confirm").status_code == 410


def test_a_link_for_a_forthcoming_consultation_is_not_open_yet(hub):
    forthcoming = consultation_page(title="Soon", slug="soon", status="forthcoming")
    page = Client().get(resume_url(forthcoming, "A" * 43))
    assert page.status_code == 403
    assert "not open yet" in page.content.decode()


def test_drafts_of_closed_consultations_are_purged_and_open_ones_kept(
    client, consultation, closed_consultation
):
    save(client, consultation, start_and_answer_step_one(client, consultation))
    SavedDraft.objects.create(consultation=closed_consultation, token_hash="0" * 64, progress="{}")
    call_command("consultation_purge_drafts", verbosity=0)
    assert list(SavedDraft.objects.values_list("consultation_id", flat=True)) == [consultation.pk]
    assert drafts_purge_closed() == 0


def test_wrong_links_from_one_address_are_throttled_and_right_ones_never_count(
    client, consultation, settings
):
    settings.CONSULTATION_RESUME_ADDRESS_FAILURES = 3
    _, link, _ = save(client, consultation, start_and_answer_step_one(client, consultation))
    here = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(10):
        assert here.get(link).status_code == 200  # right links are given back
    wrong = resume_url(consultation, "B" * 43)
    assert [here.get(wrong).status_code for _ in range(4)] == [404, 404, 404, 429]
    assert "Too many links tried" in here.get(wrong).content.decode()
    assert here.get(link).status_code == 429  # past the limit the address is refused, right link or not
    # Another address, and an IPv6 /64 counted as one address.
    assert Client(REMOTE_ADDR="198.51.100.8").get(link).status_code == 200
    for suffix in ("1", "2", "3"):
        Client(REMOTE_ADDR=f"2001:db8:1:2::{suffix}").get(wrong)
    assert Client(REMOTE_ADDR="2001:db8:1:2::99").get(wrong).status_code == 429


def test_answers_to_a_question_retired_since_are_dropped_on_return(client, consultation):
    from django.utils import timezone

    from cms import multistep
    from covenant.consultation.encryption import KEYS

    _, link, _ = save(client, consultation, start_and_answer_step_one(client, consultation))
    retired = consultation.active_questions().get(sort_order=1)
    retired.retired_at = timezone.now()
    retired.save()
    opened = Client().get(link)
    progress = multistep.unseal(
        payload_of(opened),
        journey=f"consultation-response:{consultation.pk}",
        keyring=KEYS,
        max_age=60,
        max_bytes=10**6,
    )
    fields = [name for values in progress.answers.values() for name in values]
    assert retired.field_name not in fields
    assert consultation.active_questions().get(sort_order=0).field_name in fields  # the others are kept


def test_a_draft_saved_by_the_session_journey_opens_in_this_one(client, consultation):
    from covenant.consultation.services.drafts import draft_save

    first = consultation.active_questions().get(sort_order=0)
    earlier = {
        "token": "2f1e9b8c-1234-4cde-9abc-0123456789ab",
        "started": 1.0,
        "about": {key: value for key, value in ABOUT.items() if key != "email"},
        "answers": {str(first.uuid): {"selected": ["Agree"], "text": WHY}},
        "resume_at": "questions:1",
    }
    token = draft_save(consultation=consultation, progress=earlier)
    SavedDraft.objects.update(progress=json.dumps(earlier))
    opened = Client().get(resume_url(consultation, token))
    assert opened.status_code == 200
    assert WHY in opened.content.decode()


def test_a_fresh_response_in_the_same_browser_never_overwrites_or_deletes_the_saved_one(client, consultation):
    _, first_link, _ = save(client, consultation, start_and_answer_step_one(client, consultation))
    # The same browser starts again from the consultation page instead of opening the link.
    check = answer_everything(
        client, consultation, answers={**FULL_ANSWERS, 1: ("Disagree", "Another response.")}
    )
    _, second_link, _ = save(client, consultation, post(client, consultation, check, action="save"))
    assert second_link != first_link and SavedDraft.objects.count() == 2
    # Sending the second one deletes its own draft only.
    other = Client()
    opened = other.get(second_link)
    send(other, consultation, opened)
    assert ConsultationResponse.objects.count() == 1
    assert SavedDraft.objects.count() == 1
    assert WHY in Client().get(first_link).content.decode()
