from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_database_down_with_503():
    from django.test import RequestFactory

    from cms.views import healthz

    with mock.patch("cms.views.connections") as connections:
        connections.__getitem__.return_value.cursor.side_effect = OperationalError("connection refused")
        response = healthz(RequestFactory().get("/healthz"))
    assert response.status_code == 503
    body = __import__("json").loads(response.content)
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unavailable"
    assert body["reason"] == "The database is not answering."


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


def _handle(exception):
    from django.test import RequestFactory

    from cms.views import server_error

    try:
        raise exception
    except Exception:  # noqa: BLE001 - handler500 runs while the exception is being handled
        return server_error(RequestFactory().get("/"))


def test_database_outage_gives_the_styled_503_page():
    response = _handle(OperationalError("could not connect to server"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in response.content.decode()


def test_a_lost_connection_while_rendering_also_gives_503(client):
    from django.db import InterfaceError

    assert _handle(InterfaceError("connection already closed")).status_code == 503


def test_other_errors_get_the_500_page():
    from django.db import IntegrityError

    response = _handle(IntegrityError("duplicate key"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


@pytest.mark.django_db
def test_database_outage_during_a_page_request_gives_503_not_500(monkeypatch):
    from django.test import Client

    from cms.models import HomePage

    def lost_connection(self, request, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(HomePage, "serve", lost_connection)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_a_lost_connection_after_the_csp_header_was_written_still_gives_503():
    """A redirect uses no nonce; if the session save then fails on the way out, the CSP middleware has already
    made the nonce unavailable. The 503 page must still render (it was a 500 under load)."""
    from csp.middleware import CheckableLazyObject, CSPMiddleware
    from django.test import RequestFactory

    from cms.views import server_error

    request = RequestFactory().get("/consultations/covenant/respond/")
    request.csp_nonce = CheckableLazyObject(CSPMiddleware._csp_nonce_post_response)
    try:
        raise OperationalError("consuming input failed: server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()


def test_postgresql_connections_fail_fast_on_a_dead_server():
    """Keep-alives and a TCP user timeout bound how long a worker waits on a server that stopped answering."""
    import dj_database_url
    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        # The same settings code applies to any PostgreSQL URL: check it through a fresh import.
        import importlib
        import os

        from cms.settings import base

        monkey = {"DATABASE_URL": "postgresql://u@127.0.0.1:5432/x"}
        old = {key: os.environ.get(key) for key in monkey}
        os.environ.update(monkey)
        try:
            options = importlib.reload(base).DATABASES["default"]["OPTIONS"]
        finally:
            for key, value in old.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            importlib.reload(base)
    assert dj_database_url  # the settings parse DATABASE_URL with it
    assert options["connect_timeout"] == 5
    assert options["keepalives"] == 1
    assert options["keepalives_idle"] <= 10
    assert options["tcp_user_timeout"] <= 15000
