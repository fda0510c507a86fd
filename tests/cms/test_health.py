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
