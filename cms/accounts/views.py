import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import devices_for_user
from django_otp import login as otp_login

from cms.audit import anonymous_audit_release, audit
from cms.tables import FilteredTableView

from . import services
from .filters import AuditEventFilter
from .forms import SignInForm, TokenForm
from .models import AuditEvent
from .roles import ROLES_BY_KEY
from .tables import AuditEventTable


def _safe_next(request, default="accounts:dashboard"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if any(True for _ in devices_for_user(user, confirmed=True)):
            return redirect(f"{reverse('accounts:two_factor_verify')}?next={self.get_success_url()}")
        return response


class SignOutView(auth_views.LogoutView):
    pass


@login_required
def dashboard(request):
    user = request.user
    roles = [ROLES_BY_KEY[key] for key in sorted(user.role_keys)]
    two_factor = any(True for _ in devices_for_user(user, confirmed=True))
    return render(
        request,
        "accounts/dashboard.html",
        {
            "roles": roles,
            "two_factor_enabled": two_factor,
            "memberships": getattr(user, "memberships", None)
            and user.memberships.select_related("organisation"),
            "breadcrumbs": [("Home", "/")],
        },
    )


@login_required
def two_factor_setup(request):
    user = request.user
    device = services.totp_device_pending(user=user)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        services.totp_device_confirm(user=user, device=device, request=request)
        otp_login(request, device)
        messages.success(request, "Two-factor authentication is set up.")
        return redirect(_safe_next(request))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    secret = device.bin_key.hex()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": buffer.getvalue().decode(),
            "secret_base32": _base32(device.bin_key),
            "secret_hex": secret,
            "next": _safe_next(request, ""),
        },
    )


def _base32(key: bytes) -> str:
    import base64

    raw = base64.b32encode(key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@login_required
def two_factor_verify(request):
    device = next(iter(devices_for_user(request.user, confirmed=True)), None)
    if device is None:
        return redirect("accounts:two_factor_setup")
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_safe_next(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request, "")})


class AuditLogView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "accounts.view_audit_log"
    table_class = AuditEventTable
    filterset_class = AuditEventFilter
    export_name = "audit-log"
    page_title = "Audit log"
    page_intro = (
        "Every sign-in, change and read of protected records, newest first. Entries cannot be changed. "
        "Anonymous reports and follow-ups by code show only their hour, and appear once that hour is over."
    )

    def get_base_queryset(self):
        anonymous_audit_release()
        return AuditEvent.objects.all()

    def on_export(self, *, export_format, row_count):
        audit(action="audit.exported", request=self.request, summary=f"Exported audit log as {export_format}")
