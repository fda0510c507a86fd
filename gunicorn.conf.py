"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py cms.wsgi`. Overridable from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
# Only the reverse proxy on this host may set X-Forwarded-Proto (set TRUSTED_PROXY_COUNT for client addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# The access log leaves out the secrets of resume and password-reset links (cms/access_log.py).
logger_class = "cms.access_log.AccessLogWithoutSecrets"
errorlog = "-"


def on_starting(server):
    """In production, refuse to start when `manage.py check --deploy` finds an error (cms/checks.py: no Redis, no
    HASHING_KEY, no incident encryption keys, ...). Other settings (benchmarks, development) start as they are."""
    if os.environ.get("DJANGO_SETTINGS_MODULE", "cms.settings.production") != "cms.settings.production":
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("check", deploy=True, fail_level="ERROR")
