import time
from functools import cached_property
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import has_second_factor, two_factor_required

SESSION_LAST_SEEN = "last_seen"


class StaffSessionTimeoutMiddleware:
    """Signs a user out after STAFF_SESSION_IDLE_SECONDS without a request, and holds a session that is signed in
    with a password only at the second factor.

    Once a user has a second factor, whatever their roles, a password-only session reaches nothing but the
    security code, a recovery code and sign-out (the set-up page included: a password cannot enrol a new factor).
    A user whose role requires two-factor and who has none yet reaches nothing but set-up and sign-out.

    The anonymous report and follow-up pages are public and must not depend on the account: on them a signed-in
    user is neither timed out nor held at the second factor, the session is left as it is (`last_seen` is not
    refreshed, which would also date the session row to the report), and the view sees a signed-out visitor."""

    # Exact paths, never prefixes: a CMS page whose slug starts like one of them must not slip through. Static files
    # are answered by WhiteNoise before this middleware.
    always_open = frozenset({"/healthz", "/account/sign-out/"})
    verify_paths = frozenset({"/account/two-factor/verify/", "/account/two-factor/recovery-code/"})
    setup_paths = frozenset({"/account/two-factor/set-up/"})

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def anonymous_paths(self) -> frozenset[str]:
        # Exact paths, as above, read from the incidents URLs once they are loaded.
        return frozenset(
            {
                reverse("incidents:report_form", args=["anonymous"]),  # sending it shows the code, once
                reverse("incidents:report_more", args=["anonymous"]),
                reverse("incidents:follow_up"),
                reverse("incidents:follow_up_case"),
                reverse("incidents:follow_up_leave"),
                reverse("incidents:follow_up_evidence_upload"),  # a file sent by code
                reverse("incidents:follow_up_evidence"),  # a file opened by code (?file=<id>)
            }
        )

    def __call__(self, request):
        # The public API serves only what is public and must not read or touch a session (docs/api.md); it is
        # routed before the CMS's pages, so no page can hide under its prefix.
        if request.path_info in self.anonymous_paths or request.path_info.startswith("/api/"):
            request.user = AnonymousUser()
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(SESSION_LAST_SEEN)
            if last_seen is not None and now - int(last_seen) > settings.STAFF_SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, "You were signed out because you were inactive for 30 minutes.")
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            request.session[SESSION_LAST_SEEN] = now
            response = self._enforce_two_factor(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _enforce_two_factor(self, request, user):
        path = request.path_info
        if path in self.always_open or user.is_verified():
            return None
        if has_second_factor(user=user):
            if path in self.verify_paths:
                return None
            return redirect(f"{reverse('accounts:two_factor_verify')}?next={quote(request.get_full_path())}")
        if not two_factor_required(user=user) or path in self.setup_paths:
            return None
        return redirect(f"{reverse('accounts:two_factor_setup')}?next={quote(request.get_full_path())}")
