import base64
import io
import uuid
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.audit import REFUSED, anonymous_audit_release, audit, audit_refusals_flush
from cms.tables import FilteredTableView

from . import selectors, services, throttling
from .filters import AuditEventFilter
from .forms import ConfirmForm, RecoveryCodeForm, ResetRequestForm, SignInForm, TokenForm, TwoFactorResetForm
from .models import AuditEvent
from .roles import ROLES_BY_KEY
from .tables import AuditEventTable
from .tasks import send_password_reset


def _safe_next(request, default="accounts:dashboard"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # django-axes locks an account after its failures; this holds an address that fails across many accounts.
        if throttling.sign_in_address_blocked(request):
            return render(request, "accounts/locked_out.html", {"breadcrumbs": []}, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        if selectors.has_second_factor(user=form.get_user()):
            # Signed in with the password only: the middleware holds this session at the code until it is given.
            return redirect(f"{reverse('accounts:two_factor_verify')}?next={quote(self.get_success_url())}")
        return response


class SignOutView(auth_views.LogoutView):
    pass


@login_required
def dashboard(request):
    user = request.user
    roles = [ROLES_BY_KEY[key] for key in sorted(user.role_keys)]
    return render(
        request,
        "accounts/dashboard.html",
        {
            "roles": roles,
            "two_factor_enabled": selectors.has_second_factor(user=user),
            "memberships": getattr(user, "memberships", None)
            and user.memberships.select_related("organisation"),
            "breadcrumbs": [("Home", "/")],
        },
    )


def _verified_or_new(request) -> bool:
    """A factor may be added, replaced or removed by a session verified with a factor, or by a user with none."""
    return request.user.is_verified() or not selectors.has_second_factor(user=request.user)


def _recovery_codes_page(request, codes, *, next_url=""):
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": next_url, "breadcrumbs": _TWO_FACTOR_CRUMBS},
    )


_TWO_FACTOR_CRUMBS = [("Your account", "/account/"), ("Two-factor authentication", "/account/two-factor/")]


@login_required
@never_cache
def two_factor_manage(request):
    user = request.user
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": selectors.has_second_factor(user=user),
            "required": selectors.two_factor_required(user=user),
            "recovery_codes_left": services.recovery_codes_left(user=user),
            "may_reset_others": selectors.ACCOUNT_ADMIN_ROLE in user.role_keys,
            "breadcrumbs": [("Your account", "/account/")],
        },
    )


@login_required
@never_cache
def two_factor_setup(request):
    user = request.user
    if not _verified_or_new(request):
        # The middleware already holds such a session at the code; this view refuses on its own account too.
        return redirect(f"{reverse('accounts:two_factor_verify')}?next={quote(request.get_full_path())}")
    replacing = selectors.has_second_factor(user=user)
    pending = services.PendingAuthenticator.for_session(user=user, session=request.session)
    form = TokenForm(request.POST or None, device=pending)
    if request.method == "POST" and form.is_valid():
        device, codes = services.totp_device_confirm(user=user, pending=pending, request=request)
        _verified(request, device)
        messages.success(
            request,
            "Your new authenticator app is set up." if replacing else "Two-factor authentication is set up.",
        )
        return _recovery_codes_page(
            request, codes, next_url=_safe_next(request, reverse("accounts:dashboard"))
        )
    image = qrcode.make(pending.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "replacing": replacing,
            "required": selectors.two_factor_required(user=user),
            "qr_svg": buffer.getvalue().decode(),
            "secret_base32": _base32(pending.bin_key),
            "next": _safe_next(request, ""),
        },
    )


def _verified(request, device) -> None:
    """Mark the session verified with `device`, under a new session key (a key seen before verification, by
    whatever means, is worth nothing after it)."""
    otp_login(request, device)
    request.session.cycle_key()


def _base32(key: bytes) -> str:
    raw = base64.b32encode(key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@login_required
@never_cache
def two_factor_verify(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:two_factor_setup")
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST":
        if form.is_valid():
            _verified(request, device)
            audit(
                action="auth.two_factor_verified", request=request, obj=request.user, summary="Security code"
            )
            return redirect(_safe_next(request))
        audit(
            action="auth.two_factor_failed", request=request, obj=request.user, summary="Wrong security code"
        )
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request, "")})


@login_required
@never_cache
def two_factor_recovery_code(request):
    device = StaticDevice.objects.filter(user=request.user, confirmed=True).first()
    form = RecoveryCodeForm(request.POST or None, device=device)
    if request.method == "POST":
        if form.is_valid():
            _verified(request, device)
            left = services.recovery_codes_left(user=request.user)
            audit(
                action="auth.recovery_code_used",
                request=request,
                obj=request.user,
                summary=f"Signed in with a recovery code ({left} left)",
            )
            messages.warning(
                request,
                f"You signed in with a recovery code. You have {left} left. If you lost your phone, set up "
                "your authenticator app again now.",
            )
            return redirect("accounts:two_factor_manage")
        audit(
            action="auth.two_factor_failed", request=request, obj=request.user, summary="Wrong recovery code"
        )
    return render(
        request, "accounts/two_factor_recovery_code.html", {"form": form, "next": _safe_next(request, "")}
    )


@login_required
@never_cache
def two_factor_recovery_codes_new(request):
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if not selectors.has_second_factor(user=request.user):
        return redirect("accounts:two_factor_setup")
    if not request.user.is_verified():
        return redirect("accounts:two_factor_verify")
    if request.method == "POST" and form.is_valid():
        return _recovery_codes_page(
            request, services.recovery_codes_issue(user=request.user, request=request)
        )
    return render(
        request,
        "accounts/two_factor_confirm.html",
        {
            "form": form,
            "heading": "Get new recovery codes",
            "body": "Your old recovery codes will stop working.",
            "button": "Get new recovery codes",
            "breadcrumbs": _TWO_FACTOR_CRUMBS,
        },
    )


@login_required
@never_cache
def two_factor_turn_off(request):
    user = request.user
    if selectors.two_factor_required(user=user):
        messages.error(request, "Your role needs two-factor authentication, so you cannot turn it off.")
        return redirect("accounts:two_factor_manage")
    if not selectors.has_second_factor(user=user):
        return redirect("accounts:two_factor_manage")
    if not user.is_verified():
        return redirect("accounts:two_factor_verify")
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.two_factor_remove(user=user, request=request)
        messages.success(request, "Two-factor authentication is off.")
        return redirect("accounts:two_factor_manage")
    return render(
        request,
        "accounts/two_factor_confirm.html",
        {
            "form": form,
            "heading": "Turn off two-factor authentication",
            "body": "You will sign in with your password only. Your recovery codes will stop working.",
            "button": "Turn off two-factor authentication",
            "warning": True,
            "breadcrumbs": _TWO_FACTOR_CRUMBS,
        },
    )


@login_required
@never_cache
def two_factor_reset(request):
    actor = request.user
    if selectors.ACCOUNT_ADMIN_ROLE not in actor.role_keys:
        raise PermissionDenied
    if not actor.is_verified():
        return render(
            request,
            "accounts/two_factor_reset.html",
            {"needs_own_factor": True, "breadcrumbs": _TWO_FACTOR_CRUMBS},
            status=403,
        )
    form = TwoFactorResetForm(
        request.POST or None,
        candidates=selectors.users_resettable_by(actor=actor),
        may_reset=lambda user: selectors.may_reset_two_factor(actor=actor, user=user),
    )
    if request.method == "POST" and form.is_valid():
        services.two_factor_reset(
            actor=actor, user=form.target, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(
            request,
            f"Two-factor authentication for {form.target.email} is reset and their sessions have ended. They have "
            "been sent a link to choose a new password, then they set up a new authenticator app.",
        )
        return redirect("accounts:two_factor_reset")
    return render(
        request, "accounts/two_factor_reset.html", {"form": form, "breadcrumbs": _TWO_FACTOR_CRUMBS}
    )


class PasswordResetView(FormView):
    form_class = ResetRequestForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_sent")

    def form_valid(self, form):
        # The same answer, in the same time, whether or not the account exists and whether or not the throttle
        # held the e-mail back: the look-up and the sending happen in a task.
        email = form.cleaned_data["email"]
        if throttling.password_reset_allowed(self.request, email):
            send_password_reset.enqueue(email=email, request_id=uuid.uuid4().hex)
        return super().form_valid(form)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit(
            action="auth.password_reset",
            actor=form.user,
            request=self.request,
            obj=form.user,
            summary="Changed the password with a reset link",
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class AuditLogView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "accounts.view_audit_log"
    table_class = AuditEventTable
    filterset_class = AuditEventFilter
    export_name = "audit-log"
    page_title = "Audit log"
    page_intro = (
        "Every sign-in, change and read of protected records, and every refused request for one, newest first. "
        "Entries cannot be changed. Anonymous reports and follow-ups by code show only their hour, and appear "
        "once that hour is over."
    )
    template_name = "accounts/audit_log.html"

    def get(self, request, *args, **kwargs):
        # Refusals still counted only in the cache are written first, so the page and its exports miss none.
        audit_refusals_flush()
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        anonymous_audit_release()
        return AuditEvent.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["refused_access"] = selectors.refused_access_by_user(events=self.object_list)
        context["refused_filter_query"] = self._refused_filter_query()
        return context

    def _refused_filter_query(self) -> str:
        """The current filters (dates included) with the action set to refusals and no page or sort."""
        query = self.request.GET.copy()
        for name in ("page", "sort", "actor", "_export"):
            query.pop(name, None)
        query["action"] = REFUSED
        return query.urlencode()

    def on_export(self, *, export_format, row_count):
        audit(action="audit.exported", request=self.request, summary=f"Exported audit log as {export_format}")
