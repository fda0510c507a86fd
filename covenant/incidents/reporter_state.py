"""Where a reporter's unfinished business lives between requests: the report being written, the confirmation that
shows the follow-up code once, the details added after sending, and the anonymous case being followed up.

Nothing of an anonymous journey goes into Django's session or the cache. A signed-in member of staff's session row
holds their account (`_auth_user_id`), so a narrative, a follow-up code or a case id kept beside it would tie an
anonymous report to a person for anyone who can read `django_session`; and a visitor who is not signed in should
not get a session row at all. Instead:

- **The report being written** (every mode): only in the page, as the sealed progress of the report journey
  (`cms.multistep`, sealed with the incidents keys: encrypted and authenticated, so it can be neither read nor
  forged, and refused after four hours). Nothing of a report is stored on the server before it is sent.
- **Confirmation** (reference and follow-up code): rendered in the response to "Send report" itself, never
  stored, never redirected to. Sending again (a refresh) stores nothing and shows the reference without the code.
- **"Tell us more"** after sending: the report's id travels in that journey's sealed payload, bound to the
  reporting mode; for a named or confidential report the reporter's account is checked on every page as well.
- **Follow-up** (the anonymous case a code opened): small, so it travels in a cookie of its own, sealed with the
  incidents keys (`encryption.seal`) and checked for age on the server as well as expiring in the browser; it
  lives FOLLOW_UP_SECONDS after the last page of the case, or until "Finish".

The cookies are HttpOnly and SameSite=Lax, and Secure with a `__Host-` name wherever the session cookie is secure.

These pages do not even save a signed-in session unless the view itself changed it: the staff idle timeout stamps
every signed-in request, and saving that stamp would date the session row, and its expiry, to the very second of
an anonymous report or follow-up. They therefore do not count as activity for the timeout.
"""

from __future__ import annotations

import functools
import json

from django.conf import settings
from django.utils.cache import add_never_cache_headers

from cms.accounts.middleware import SESSION_LAST_SEEN

from . import encryption

FOLLOW_UP_SECONDS = 30 * 60
FOLLOW_UP_COOKIE = "incidents-follow-up"


def cookie_name(name: str) -> str:
    return f"__Host-{name}" if settings.SESSION_COOKIE_SECURE else name


class ReporterState:
    """One request's view of the reporter's state. Cookie changes are written by `reporter_state` (below)."""

    def __init__(self, request):
        self.request = request
        self._cookie_changes: dict[str, tuple[str, int] | None] = {}

    # --- following up an anonymous report with its code -------------------------------------------------------
    def follow_up_start(self, report_id: int) -> None:
        self._seal_into_cookie(FOLLOW_UP_COOKIE, report_id, FOLLOW_UP_SECONDS)

    def follow_up_report_id(self) -> int | None:
        """The case the code opened; each page of it keeps the cookie alive for another FOLLOW_UP_SECONDS."""
        report_id = self._unseal_cookie(FOLLOW_UP_COOKIE, FOLLOW_UP_SECONDS)
        if not isinstance(report_id, int):
            return None
        self.follow_up_start(report_id)
        return report_id

    def follow_up_end(self) -> None:
        self._cookie_changes[FOLLOW_UP_COOKIE] = None

    # --- sealed cookies ----------------------------------------------------------------------------------------
    def _seal_into_cookie(self, name: str, value, seconds: int) -> None:
        # The cookie's name is sealed with the value, so one sealed cookie cannot be passed off as another.
        self._cookie_changes[name] = (encryption.seal(json.dumps({"for": name, "value": value})), seconds)

    def _unseal_cookie(self, name: str, seconds: int):
        sealed = self.request.COOKIES.get(cookie_name(name))
        payload = _json(encryption.unseal(sealed, max_age=seconds)) if sealed else None
        if not isinstance(payload, dict) or payload.get("for") != name:
            return None
        return payload.get("value")

    def write_cookies(self, response) -> None:
        secure = settings.SESSION_COOKIE_SECURE
        for name, change in self._cookie_changes.items():
            if change is None:
                response.delete_cookie(cookie_name(name), path="/", samesite="Lax")
            else:
                value, seconds = change
                response.set_cookie(
                    cookie_name(name),
                    value,
                    max_age=seconds,
                    path="/",
                    secure=secure,
                    httponly=True,
                    samesite="Lax",
                )


def reporter_state(view):
    """Give the view `request.reporter_state`, write its cookies to the response (which no cache may keep), and
    leave the session row alone unless the view changed the session (see the module's docstring)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request.reporter_state = ReporterState(request)
        session = request.session
        before = _without_stamp(session)
        response = view(request, *args, **kwargs)
        if session.modified and _without_stamp(session) == before:
            session.modified = False
        request.reporter_state.write_cookies(response)
        add_never_cache_headers(response)
        return response

    return wrapped


def _without_stamp(session) -> dict:
    return {key: value for key, value in session.items() if key != SESSION_LAST_SEEN}


def _json(text: str | None):
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None
