"""Where a reporter's unfinished business lives between requests: the draft of a report, the confirmation that
shows the follow-up code once, and the anonymous case being followed up.

Nothing of an anonymous journey goes into Django's session. A signed-in member of staff's session row holds their
account (`_auth_user_id`), so a draft narrative, a follow-up code or a case id kept beside it would tie an
anonymous report to a person for anyone who can read `django_session`; and a visitor who is not signed in should
not get a session row at all. Instead:

- **Anonymous draft**: in the cache (Redis in production) under `incidents:draft:<SHA-256 of a token>`; the random
  token (256 bits) is only in the browser, in a cookie of its own. The entry is encrypted twice: with a key derived
  from the token, so a copy of the cache reads nothing without the browser's cookie, and with the incidents keys,
  so the cookie alone reads nothing either. It expires DRAFT_SECONDS after the last save, and goes on "start
  again" or when the report is stored.
- **Named and confidential drafts** stay in the session, which belongs to the account and ends at sign-out, but
  sealed with the incidents keys rather than readable as session data.
- **Confirmation** (reference and follow-up code) and **follow-up** (the anonymous case a code opened): small, so
  they travel in cookies of their own, sealed with the incidents keys (`encryption.seal`: encrypted and
  authenticated, so they can be neither read nor forged) and checked for age on the server as well as expiring in
  the browser. Nothing of them is stored on the server. The confirmation cookie is deleted by the page that shows
  the code; the follow-up cookie lives FOLLOW_UP_SECONDS after the last page of the case, or until "Finish".

The cookies are HttpOnly and SameSite=Lax, and Secure with a `__Host-` name wherever the session cookie is secure.

These pages do not even save a signed-in session unless the view itself changed it (a named draft): the staff
idle timeout stamps every signed-in request, and saving that stamp would date the session row, and its expiry, to
the very second of an anonymous report or follow-up. They therefore do not count as activity for the timeout.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import re
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.cache import cache
from django.utils.cache import add_never_cache_headers

from cms.accounts.middleware import SESSION_LAST_SEEN

from . import encryption
from .models import ReportingMode

DRAFT_SECONDS = 30 * 60
RECEIPT_SECONDS = 10 * 60
FOLLOW_UP_SECONDS = 30 * 60

DRAFT_COOKIE = "incidents-draft"
RECEIPT_COOKIE = "incidents-receipt"
FOLLOW_UP_COOKIE = "incidents-follow-up"
SESSION_DRAFT = "incident_draft_{mode}"
DRAFT_CACHE_KEY = "incidents:draft:{}"

_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def cookie_name(name: str) -> str:
    return f"__Host-{name}" if settings.SESSION_COOKIE_SECURE else name


class ReporterState:
    """One request's view of the reporter's state. Cookie changes are written by `reporter_state` (below)."""

    def __init__(self, request):
        self.request = request
        self._cookie_changes: dict[str, tuple[str, int] | None] = {}

    # --- drafts ------------------------------------------------------------------------------------------------
    def draft(self, mode: str) -> dict | None:
        if mode == ReportingMode.ANONYMOUS:
            token = self._draft_token()
            stored = cache.get(_draft_cache_key(token)) if token else None
            return _json(_draft_open(stored, token)) if stored else None
        sealed = self.request.session.get(SESSION_DRAFT.format(mode=mode))
        if not isinstance(sealed, str):
            return None
        return _json(encryption.unseal(sealed, max_age=settings.SESSION_COOKIE_AGE))

    def draft_keep(self, mode: str, draft: dict) -> None:
        text = json.dumps(draft)
        if mode == ReportingMode.ANONYMOUS:
            token = self._draft_token() or secrets.token_urlsafe(32)
            cache.set(_draft_cache_key(token), _draft_seal(text, token), DRAFT_SECONDS)
            self._cookie_changes[DRAFT_COOKIE] = (token, DRAFT_SECONDS)
        else:
            self.request.session[SESSION_DRAFT.format(mode=mode)] = encryption.seal(text)

    def draft_drop(self, mode: str) -> None:
        if mode == ReportingMode.ANONYMOUS:
            token = self._draft_token()
            if token:
                cache.delete(_draft_cache_key(token))
                self._cookie_changes[DRAFT_COOKIE] = None
        else:
            self.request.session.pop(SESSION_DRAFT.format(mode=mode), None)

    def _draft_token(self) -> str | None:
        token = self.request.COOKIES.get(cookie_name(DRAFT_COOKIE), "")
        return token if _TOKEN.fullmatch(token) else None

    # --- the confirmation, shown once --------------------------------------------------------------------------
    def receipt_keep(self, receipt: dict) -> None:
        self._seal_into_cookie(RECEIPT_COOKIE, receipt, RECEIPT_SECONDS)

    def receipt_take(self) -> dict | None:
        receipt = self._unseal_cookie(RECEIPT_COOKIE, RECEIPT_SECONDS)
        if cookie_name(RECEIPT_COOKIE) in self.request.COOKIES:
            self._cookie_changes[RECEIPT_COOKIE] = None
        return receipt

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


def _draft_cache_key(token: str) -> str:
    return DRAFT_CACHE_KEY.format(hashlib.sha256(b"incidents-draft-key:" + token.encode()).hexdigest())


def _draft_fernet(token: str) -> Fernet:
    key = hmac.new(token.encode(), b"incidents-draft-encryption", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _draft_seal(text: str, token: str) -> str:
    return encryption.seal(_draft_fernet(token).encrypt(text.encode()).decode())


def _draft_open(stored: str, token: str) -> str | None:
    inner = encryption.unseal(stored, max_age=DRAFT_SECONDS)
    if inner is None:
        return None
    try:
        return _draft_fernet(token).decrypt(inner.encode(), ttl=DRAFT_SECONDS).decode()
    except InvalidToken:
        return None
