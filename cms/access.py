"""Who may do what: the checks that selectors, services and views share.

Permission names live in each app's `roles.py`; these helpers only ask Django whether the user holds one.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def has_permission(user, permission: str) -> bool:
    """Whether `user` (possibly None or anonymous) is signed in and holds `permission`."""
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(permission))


def require_permission(user, permission: str) -> None:
    """Refuse (PermissionDenied) a user who is not signed in or does not hold `permission`."""
    if not has_permission(user, permission):
        raise PermissionDenied


def permission_required(permission: str):
    """A view decorator: send a visitor who is not signed in to the sign-in page (and back afterwards); refuse a
    signed-in user without `permission` with 403. Django's own decorator of the same name either sends everyone
    to sign in or refuses everyone; staff pages want both behaviours."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_permission(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
