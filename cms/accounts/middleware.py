import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from .roles import ROLES_BY_KEY

SESSION_LAST_SEEN = "last_seen"


class StaffSessionTimeoutMiddleware:
    """Signs a user out after STAFF_SESSION_IDLE_SECONDS without a request, and makes people whose role
    requires two-factor authentication set it up or verify it before they reach any other staff page."""

    exempt_prefixes = ("/static/", "/media/", "/healthz", "/account/sign-out/", "/account/two-factor/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
        if request.path.startswith(self.exempt_prefixes):
            return None
        if not any(ROLES_BY_KEY[key].requires_two_factor for key in user.role_keys):
            return None
        if user.is_verified():
            return None
        from django_otp import devices_for_user

        has_device = any(True for _ in devices_for_user(user, confirmed=True))
        target = "accounts:two_factor_verify" if has_device else "accounts:two_factor_setup"
        return redirect(f"{reverse(target)}?next={request.get_full_path()}")
