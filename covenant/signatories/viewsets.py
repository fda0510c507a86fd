"""The pledge bank in the Wagtail admin, where editors keep it."""

from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Pledge


class PledgeViewSet(SnippetViewSet):
    model = Pledge
    icon = "tick-inverse"
    menu_label = "Pledge bank"
    list_display = ["title", "suggested_indicator", "is_active", "sort_order"]
    list_filter = ["is_active"]
    search_fields = ["title", "text"]
    inspect_view_enabled = True


class CovenantViewSetGroup(SnippetViewSetGroup):
    menu_label = "Covenant"
    menu_icon = "doc-full-inverse"
    items = (PledgeViewSet,)
