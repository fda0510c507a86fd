import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from demo.factories.workforce import AssignmentFactory, EmploymentFactory
from workforce import services
from workforce.selectors import Quarter, headcount_as_at, sector_flow
from workforce.vocabulary import MoveType

from .test_services import arrangement_data, partners_60_40

pytestmark = pytest.mark.django_db

JUNE = datetime.date(2026, 6, 1)


@pytest.fixture
def confirmed_move(care_worker, trust, trust_post, hr_care, hr_trust, trust_rules):
    move = services.sector_move_record(
        actor=hr_care,
        person=care_worker,
        move_type=MoveType.PERMANENT,
        from_post=care_worker.assignments.get().post,
        to_organisation=trust,
        to_post=trust_post,
        offer_date=datetime.date(2026, 5, 11),
        effective_date=JUNE,
        reason="Career move",
    )
    return services.sector_move_confirm(move=move, actor=hr_trust)


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_quarters():
    q = Quarter.containing(datetime.date(2026, 6, 1))
    assert (q.label, q.start, q.end) == ("Q1 2026/27", datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    q4 = Quarter.containing(datetime.date(2027, 2, 1))
    assert (q4.key, q4.start, q4.end) == ("2026-Q4", datetime.date(2027, 1, 1), datetime.date(2027, 3, 31))
    assert q4.next() == Quarter(2027, 1) and Quarter(2027, 1).previous() == q4
    assert Quarter.parse("2026-Q3") == Quarter(2026, 3) and Quarter.parse("2026-Q9") is None
    assert Quarter.parse("junk") is None


def test_sector_flow_counts(confirmed_move, trust, care_provider):
    flow = sector_flow(start=datetime.date(2026, 4, 1), end=datetime.date(2026, 6, 30), organisation_ids=None)
    assert flow["totals"]["to_nhs"] == 1 and flow["totals"]["to_social_care"] == 0
    assert flow["by_type"] == [{"label": "Permanent move", "to_social_care": 0, "to_nhs": 1}]
    assert flow["by_staff_group"][0]["label"] == "Adult social care: direct care"
    by_org = {row["label"]: row for row in flow["by_organisation"]}
    assert by_org[trust.name]["in"] == 1 and by_org[care_provider.name]["out"] == 1
    assert flow["totals"]["median_days_offer_to_start"] == 21
    empty = sector_flow(
        start=datetime.date(2026, 7, 1), end=datetime.date(2026, 9, 30), organisation_ids=None
    )
    assert empty["totals"]["to_nhs"] == 0


def test_headcount_counted_where_job_is_worked(trust, council, hr_trust, joint_post):
    arrangement = services.joint_arrangement_create(
        actor=hr_trust,
        data=arrangement_data(trust, council, joint_post),
        partners=partners_60_40(trust, council),
    )
    employment = EmploymentFactory(employer=trust, start_date=datetime.date(2026, 1, 1))
    AssignmentFactory(employment=employment, post=arrangement.post, work_organisation=council, fte="0.60")
    AssignmentFactory(
        employment=EmploymentFactory(employer=trust, start_date=datetime.date(2026, 1, 1)), fte="1.00"
    )
    AssignmentFactory(
        employment=EmploymentFactory(employer=trust, start_date=datetime.date(2026, 1, 1)),
        end_date=datetime.date(2026, 2, 1),
    )
    data = headcount_as_at(on_date=datetime.date(2026, 3, 1), organisation_ids=None)
    rows = {row["work_organisation__name"]: row for row in data["rows"]}
    assert rows[council.name]["headcount"] == 1 and rows[council.name]["hosted"] == 1
    assert rows[council.name]["fte"] == Decimal("0.60")
    assert rows[trust.name]["headcount"] == 1  # the leaver on 1 February is not counted
    assert data["totals"]["roles"] == 2


class TestSectorFlowReport:
    url = "/workforce/reports/sector-flow/"

    def test_html_has_chart_and_table(self, client, login, analyst, confirmed_move):
        login(analyst)
        response = client.get(self.url + "?quarter=2026-Q1")
        html = response.content.decode()
        assert response.status_code == 200
        assert "<svg" in html and "Moves between the NHS and social care, Q1 2026/27" in html
        assert "Social care to NHS: <strong>1</strong>" in html
        assert "Download this report as a PDF" in html and "Harbourside Care Homes Ltd" in html

    def test_pdf(self, client, login, analyst, confirmed_move):
        login(analyst)
        response = client.get(self.url + "?quarter=2026-Q1&format=pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert 'filename="sector-flow-2026-Q1.pdf"' in response["Content-Disposition"]
        assert response.content.startswith(b"%PDF")
        text = pdf_text(response)
        assert "Moves between the NHS and social care" in text and "Permanent move" in text
        assert "Harbourside" in text

    def test_bad_quarter_is_404(self, client, login, analyst):
        login(analyst)
        assert client.get(self.url + "?quarter=9999-Q7").status_code == 404


class TestJointAgreement:
    def test_html_and_pdf(self, client, login, hr_trust, hr_council, trust, council, joint_post):
        arrangement = services.joint_arrangement_create(
            actor=hr_trust,
            data=arrangement_data(trust, council, joint_post),
            partners=partners_60_40(trust, council),
        )
        url = reverse("workforce:arrangement_agreement", args=[arrangement.pk])
        login(hr_council)
        html = client.get(url).content.decode()
        assert "Joint role agreement: Integrated discharge lead" in html and "60%" in html and "<svg" in html
        response = client.get(url + "?format=pdf")
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
        assert (
            f"joint-role-agreement-{arrangement.pk}-integrated-discharge-lead.pdf"
            in response["Content-Disposition"]
        )
        text = pdf_text(response)
        assert "Integrated discharge lead" in text and "60%" in text and "40%" in text
        assert "B. Supervisor" in text


class TestHeadcountReport:
    def test_html_pdf_and_bad_date(self, client, login, analyst, confirmed_move, trust):
        login(analyst)
        url = reverse("workforce:headcount_report")
        query = "?on_date_day=2&on_date_month=6&on_date_year=2026"
        html = client.get(url + query).content.decode()
        assert "Headcount, FTE and roles on 2 June 2026" in html and trust.name in html
        response = client.get(url + query + "&format=pdf")
        assert (
            response.content.startswith(b"%PDF")
            and "headcount-2026-06-02.pdf" in response["Content-Disposition"]
        )
        assert trust.name.split()[0] in pdf_text(response)
        bad = client.get(url + "?on_date_day=31&on_date_month=2&on_date_year=2026")
        assert bad.status_code == 400 and "Enter a real date" in bad.content.decode()


def test_post_history_shown(client, login, hr_trust, trust):
    post = services.post_create(
        organisation=trust,
        actor=hr_trust,
        reference="P1",
        title="Nurse",
        job_role="staff_nurse",
        pay_framework="afc",
        pay_band="5",
    )
    post.pay_band = "6"
    post._history_user = hr_trust
    post.save()
    login(hr_trust)
    html = client.get(reverse("workforce:post_detail", args=[post.pk])).content.decode()
    assert "pay band" in html and ">5<" in html and ">6<" in html
