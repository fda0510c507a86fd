from django.urls import path

from .views import (
    accounts,
    arrangements,
    employments,
    home,
    imports,
    moves,
    organisations,
    passport,
    passport_shares,
    people,
    posts,
    reports,
    teams,
)

app_name = "workforce"

urlpatterns = [
    path("", home.home, name="home"),
    path("people/", people.PersonListView.as_view(), name="person_list"),
    path("people/new/", people.person_add, name="person_add"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:person_pk>/contracts/new/", employments.employment_add, name="employment_add"),
    path("contracts/<int:pk>/edit/", employments.employment_edit, name="employment_edit"),
    path("people/<int:person_pk>/move/", moves.move_record, name="move_record"),
    path("people/<int:person_pk>/arrival/", moves.arrival_record, name="arrival_record"),
    path("people/<int:pk>/reporting/", people.person_reporting, name="person_reporting"),
    path("posts/", posts.PostListView.as_view(), name="post_list"),
    path("posts/new/", posts.post_create, name="post_create"),
    path("posts/<int:pk>/", posts.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", posts.post_edit, name="post_edit"),
    path("joint-arrangements/", arrangements.JointArrangementListView.as_view(), name="arrangement_list"),
    path("joint-arrangements/new/", arrangements.arrangement_create, name="arrangement_create"),
    path("joint-arrangements/<int:pk>/", arrangements.arrangement_detail, name="arrangement_detail"),
    path("joint-arrangements/<int:pk>/edit/", arrangements.arrangement_edit, name="arrangement_edit"),
    path(
        "joint-arrangements/<int:pk>/agreement/",
        arrangements.arrangement_agreement,
        name="arrangement_agreement",
    ),
    path(
        "joint-arrangements/<int:pk>/documents/<int:document_pk>/",
        arrangements.agreement_document_download,
        name="agreement_document",
    ),
    path("joint-arrangements/<int:arrangement_pk>/teams/new/", teams.team_create, name="team_create"),
    path("teams/<int:pk>/", teams.team_detail, name="team_detail"),
    path("moves/", moves.SectorMoveListView.as_view(), name="move_list"),
    path("moves/<int:pk>/", moves.move_detail, name="move_detail"),
    path("moves/<int:pk>/confirm/", moves.move_confirm, name="move_confirm"),
    path("import/", imports.import_csv, name="import"),
    path("import/template.<str:file_format>", imports.import_template, name="import_template"),
    path("passport-rules/", passport.acceptance_rules, name="acceptance_rules"),
    path("people/<int:person_pk>/credentials/new/", passport.credential_record, name="credential_record"),
    path("passport/verify/", passport.credentials_to_verify, name="credentials_to_verify"),
    path("passport/import/", passport.credential_import, name="credential_import"),
    path(
        "passport/import/template.csv", passport.credential_import_template, name="credential_import_template"
    ),
    path("passport/redeem/", passport_shares.share_redeem, name="share_redeem"),
    path("passport/shared/", passport_shares.shared_passports, name="passport_relied_on"),
    path("passport/shared/<int:pk>/", passport_shares.shared_passport, name="shared_passport"),
    path("my-passport/", passport_shares.my_passport, name="my_passport"),
    path("my-passport/credentials/<int:pk>/", passport_shares.my_credential, name="my_credential"),
    path("my-passport/codes/<int:pk>/withdraw/", passport_shares.my_share_withdraw, name="my_share_withdraw"),
    path("reports/sector-flow/", reports.sector_flow_report, name="sector_flow_report"),
    path("reports/headcount/", reports.headcount_report, name="headcount_report"),
    # Organisations, and who holds which role there (platform and organisation administrators).
    path("organisations/", organisations.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/new/", organisations.organisation_create_view, name="organisation_create"),
    path("organisations/import/", organisations.organisation_import, name="organisation_import"),
    path(
        "organisations/<int:pk>/", organisations.OrganisationDetailView.as_view(), name="organisation_detail"
    ),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/status/", organisations.organisation_status, name="organisation_status"),
    path("organisations/<int:pk>/invite/", accounts.invitation_new, name="invitation_create"),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/cancel/",
        accounts.invitation_cancel_view,
        name="invitation_cancel",
    ),
    path("organisations/<int:pk>/people/<int:user_pk>/", accounts.member_detail, name="member_detail"),
    path(
        "organisations/<int:pk>/people/<int:user_pk>/leaver/", accounts.member_leave_view, name="member_leave"
    ),
    # The invited person's page: open to anyone holding the link (its token is kept out of the access log).
    path("invitation/<str:token>/", accounts.invitation_accept_view, name="invitation_accept"),
]
