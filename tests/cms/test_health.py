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


def test_database_outage_gives_the_styled_503_page():
    from django.test import RequestFactory

    from cms.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    response = middleware.process_exception(RequestFactory().get("/"), OperationalError("down"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in response.content.decode()


def test_other_errors_are_not_hidden():
    from django.db import IntegrityError
    from django.test import RequestFactory

    from cms.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    assert middleware.process_exception(RequestFactory().get("/"), IntegrityError("dup")) is None
