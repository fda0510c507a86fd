"""The production access log never holds the token of a resume link or a password-reset link."""

from types import SimpleNamespace

from gunicorn.config import Config

from cms.access_log import AccessLogWithoutSecrets, without_secrets


def test_secrets_in_paths_are_replaced():
    token = "Zq3" * 14
    assert without_secrets(f"GET /consultations/lone/respond/resume/{token}/ HTTP/1.1") == (
        "GET /consultations/lone/respond/resume/…/ HTTP/1.1"
    )
    # The journey's own address for a draft's link (views/public.py).
    assert without_secrets(f"GET /consultation/respond/12/resume/{token}/ HTTP/1.1") == (
        "GET /consultation/respond/12/resume/…/ HTTP/1.1"
    )
    assert without_secrets("/account/password-reset/MTI/cabc12-0123456789abcdef/") == (
        "/account/password-reset/MTI/…/"
    )
    assert without_secrets(f"GET /workforce/invitation/42-{token}/ HTTP/1.1") == (
        "GET /workforce/invitation/…/ HTTP/1.1"
    )
    # Django swaps the token for this fixed word after the first request; other paths stay as they are.
    assert (
        without_secrets("/account/password-reset/MTI/set-password/")
        == "/account/password-reset/MTI/set-password/"
    )
    assert (
        without_secrets("/consultations/lone/respond/questions/2/")
        == "/consultations/lone/respond/questions/2/"
    )


def test_gunicorn_writes_the_line_without_the_token():
    config = Config()
    config.set("accesslog", "-")
    logger = AccessLogWithoutSecrets(config)
    token = "secret-token-" + "x" * 30
    path = f"/consultations/lone/respond/resume/{token}/"
    request = SimpleNamespace(
        method="GET", path=path, query="", uri=path, version=(1, 1), headers=[], remote_addr="203.0.113.9"
    )
    response = SimpleNamespace(status="302 Found", sent=0, headers=[], response_length=0)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
    }
    atoms = logger.atoms(response, request, environ, SimpleNamespace(seconds=0, microseconds=1000))
    assert token not in atoms["r"] and token not in atoms["U"]
    assert "/respond/resume/…/" in atoms["r"]
