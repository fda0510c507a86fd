from wagtail.snippets.models import register_snippet

from .viewsets import CovenantViewSetGroup

register_snippet(CovenantViewSetGroup)
