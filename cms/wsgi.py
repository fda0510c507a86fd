import os

from django.core.wsgi import get_wsgi_application

from cms.heap import freeze_startup_heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

application = get_wsgi_application()
freeze_startup_heap()  # the loaded site is set aside from the garbage collector (cms/heap.py)
