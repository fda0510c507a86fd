"""The people list's name search: a case-insensitive substring match on first and last name, within the HR
administrator's organisations, the same on SQLite and PostgreSQL (where trigram indexes serve it)."""

import pytest
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from demo.factories.workforce import AssignmentFactory, EmploymentFactory, PersonFactory, PostFactory
from workforce import selectors
from workforce.models import Person
from workforce.vocabulary import JOB_ROLE_STAFF_GROUP, JobRole

pytestmark = pytest.mark.django_db

URL = reverse("workforce:person_list")


@pytest.fixture
def people(trust, council):
    """Two people employed and working at the trust, one employed there with no assignment yet, one hosted
    there by the council, and one who is only the council's."""

    def person(first, last, *, employer, works_at=None, job_role=JobRole.STAFF_NURSE):
        employment = EmploymentFactory(
            person=PersonFactory(first_name=first, last_name=last), employer=employer
        )
        if works_at is not None:
            AssignmentFactory(
                employment=employment, post=PostFactory(organisation=works_at, job_role=job_role)
            )
        return employment.person

    return {
        "whitaker": person("Sam", "Whitaker", employer=trust, works_at=trust),
        "ng": person("Jo", "Ng", employer=trust, works_at=trust),
        "whitfield": person("Samira", "Whitfield", employer=trust),
        "smithson": person(
            "Tom", "Smithson", employer=council, works_at=trust, job_role=JobRole.HEALTHCARE_ASSISTANT
        ),
        "whitehouse": person("Sam", "Whitehouse", employer=council, works_at=council),
    }


def listed(response) -> list[str]:
    """The names on the (first) page, which the count of results agrees with."""
    assert response.status_code == 200
    names = [row.record.full_name for row in response.context["table"].page.object_list]
    assert min(response.context["result_count"], 25) == len(names)
    return names


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        (
            "whit",
            ["Sam Whitaker", "Samira Whitfield"],
        ),  # surname, partial; the council's Whitehouse is not ours
        (
            "WHITAKER",
            ["Sam Whitaker"],
        ),  # case-insensitive, and listed once although employed and working here
        ("whitaker", ["Sam Whitaker"]),
        ("sam", ["Sam Whitaker", "Samira Whitfield"]),  # first name, and inside a longer one
        ("mir", ["Samira Whitfield"]),  # the middle of a name
        (
            "sam whit",
            ["Sam Whitaker", "Samira Whitfield"],
        ),  # a full name: every word matches one of the names
        ("Samira Whitfield", ["Samira Whitfield"]),
        ("whitfield samira", ["Samira Whitfield"]),  # in either order
        ("sam smith", []),  # each word must match
        ("smith", ["Tom Smithson"]),  # hosted here, employed by the council
        ("jo", ["Jo Ng"]),  # words too short for trigrams take the other query shape, same answers
        ("NG", ["Jo Ng"]),
        ("zzz", []),
        ("   ", ["Jo Ng", "Tom Smithson", "Sam Whitaker", "Samira Whitfield"]),  # blank: everyone, by surname
    ],
)
def test_search_by_name(client, login, hr_trust, people, q, expected):
    login(hr_trust)
    assert listed(client.get(URL, {"q": q})) == expected


def test_each_organisation_searches_only_its_own_people(client, login, hr_council, people):
    login(hr_council)
    assert listed(client.get(URL, {"q": "whit"})) == ["Sam Whitehouse"]
    assert listed(client.get(URL, {"q": "smith"})) == ["Tom Smithson"]  # employed here, works at the trust
    assert listed(client.get(URL, {"q": "whitaker"})) == []


def test_search_combines_with_the_staff_group_filter(client, login, hr_trust, people):
    nursing = JOB_ROLE_STAFF_GROUP[JobRole.STAFF_NURSE]
    support = JOB_ROLE_STAFF_GROUP[JobRole.HEALTHCARE_ASSISTANT]
    assert nursing != support
    login(hr_trust)
    assert listed(client.get(URL, {"q": "a", "staff_group": nursing})) == ["Sam Whitaker"]
    assert listed(client.get(URL, {"q": "smith", "staff_group": support})) == ["Tom Smithson"]
    assert listed(client.get(URL, {"q": "smith", "staff_group": nursing})) == []
    assert listed(client.get(URL, {"q": "whitfield", "staff_group": nursing})) == []  # no post today


def test_search_export_carries_the_search(client, login, hr_trust, people):
    login(hr_trust)
    body = b"".join(client.get(URL, {"q": "whit", "_export": "csv"}).streaming_content).decode()
    assert "Sam Whitaker" in body and "Samira Whitfield" in body
    assert "Jo Ng" not in body and "Whitehouse" not in body


@pytest.mark.parametrize("text", ["whit", "SAM whit", "mir", "jo", "a", "sm it", "", "a b c d e whit"])
def test_selector_search_is_the_scope_narrowed_by_name(hr_trust, hr_council, people, text):
    """Terms of three letters or more start from the name matches, shorter ones from the scope: same answers."""

    def matches(person):
        names = (person.first_name.lower(), person.last_name.lower())
        return all(any(word.lower() in name for name in names) for word in text.split()[:5])

    for user in (hr_trust, hr_council):
        visible = selectors.people_visible_to(user=user)
        expected = {person.pk for person in visible if matches(person)}
        found = list(selectors.people_visible_to(user=user, name_search=text).values_list("pk", flat=True))
        assert sorted(found) == sorted(expected)  # and each person once


@pytest.mark.parametrize("role", ["incident_handler", "analyst", "editor"])
def test_other_roles_cannot_search(client, login, make_user, trust, people, role):
    login(make_user(role, organisation=trust))
    assert client.get(URL, {"q": "whit"}).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, people):
    response = client.get(URL, {"q": "whit"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_searched_pages_use_constant_queries(client, login, hr_trust, trust, django_assert_max_num_queries):
    def build(n):
        for _ in range(n):
            AssignmentFactory(
                employment=EmploymentFactory(employer=trust, person=PersonFactory(last_name="Smithers"))
            )

    login(hr_trust)
    build(2)
    client.get(URL, {"q": "smither"})  # warm caches (sessions, content types)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert len(listed(client.get(URL, {"q": "smither"}))) == 2
    build(28)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"q": "smither"})
    assert len(listed(response)) == 25 and response.context["result_count"] == 30


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm indexes exist on PostgreSQL only")
def test_postgresql_search_can_use_the_trigram_indexes(people):
    """The index expressions match the SQL Django writes for icontains, so the planner can use them."""
    query = Person.objects.filter(Q(first_name__icontains="whit") | Q(last_name__icontains="whit"))
    sql, params = query.query.sql_with_params()
    assert 'UPPER("workforce_person"."last_name"::text) LIKE UPPER(' in sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [Person._meta.db_table])
        assert {"person_first_name_trgm", "person_last_name_trgm"} <= {row[0] for row in cursor.fetchall()}
        # The test tables are tiny, where a scan is cheaper: rule scans out to see that the indexes are usable
        # (with expressions that did not match, PostgreSQL would have to scan anyway).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan
    assert "person_last_name_trgm" in plan and "person_first_name_trgm" in plan


@pytest.mark.parametrize("q", ["whit\x00", "a\x00b", "\x00"])
def test_a_null_character_is_a_form_error_not_a_server_error(client, login, hr_trust, people, q):
    login(hr_trust)
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["q"]
    assert response.context["result_count"] == 0
