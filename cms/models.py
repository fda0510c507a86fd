from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import LinkBlock


def page_breadcrumbs(page: Page) -> list[tuple[str, str]]:
    """(title, url) for each live ancestor below the tree root, for the NHS.UK breadcrumb."""
    ancestors = page.get_ancestors().filter(depth__gte=2).live().specific()
    return [(ancestor.title, ancestor.url) for ancestor in ancestors]


class BreadcrumbsMixin:
    """Puts the page's ancestors in the template context as `breadcrumbs`."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["breadcrumbs"] = page_breadcrumbs(self)
        return context


class HomePage(Page):
    """The site's front page: an introduction and links to the three services."""

    intro = models.CharField(max_length=300, blank=True)
    body = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"


class StandardPage(BreadcrumbsMixin, Page):
    """A plain content page: the Covenant, About, accessibility statement, privacy notice."""

    intro = models.CharField(max_length=300, blank=True)
    body = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = "standard page"


@register_setting(icon="list-ul")
class SiteFooter(BaseSiteSetting):
    links = StreamField([("link", LinkBlock())], blank=True)
    copyright = models.CharField(max_length=120, default="© NHS Covenant partners")

    panels = [FieldPanel("links"), FieldPanel("copyright")]

    class Meta:
        verbose_name = "site footer"

    def link_list(self) -> list[dict]:
        links = []
        for block in self.links:
            value = block.value
            page = value.get("page")
            url = page.url if page is not None else value.get("url")
            if url:
                links.append({"label": value["label"], "url": url})
        return links
