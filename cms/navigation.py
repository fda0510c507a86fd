"""The site's menus: the header's page links and the editors' links, and the footer, cached per site.

The header shows, after the service's own links (cms.context_processors.NAV_ITEMS), every live public page under
the site's home page with "Show in menus" ticked (Wagtail's `show_in_menus`, in the page's Promote tab), in tree
order, then the links editors add in Settings → Site navigation. The footer shows the links in Settings → Site
footer. Building them takes a few queries, so the result is cached per site and rebuilt after any page is
published, unpublished, moved or deleted, or either setting is saved (the receivers are connected in
CmsConfig.ready).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import SiteFooter, SiteNavigation

CACHE_KEY = "cms:menus:v1:{site_id}"
CACHE_SECONDS = 60 * 60 * 24


def _build(site: Site, request) -> dict:
    menu_pages = site.root_page.get_children().live().public().in_menu().order_by("path")
    footer = SiteFooter.for_site(site)
    return {
        "pages": [{"label": page.title, "url": page.get_url(request)} for page in menu_pages],
        "links": SiteNavigation.for_site(site).link_list(),
        "footer_links": footer.link_list(),
        "footer_copyright": footer.copyright,
    }


def site_menus(request) -> dict:
    """{pages, links, footer_links, footer_copyright} for the request's site, from the cache when it can."""
    site = Site.find_for_request(request)
    if site is None:  # no Wagtail site matches the request's host
        return {"pages": [], "links": [], "footer_links": [], "footer_copyright": SiteFooter().copyright}
    key = CACHE_KEY.format(site_id=site.pk)
    menus = cache.get(key)
    if menus is None:
        menus = _build(site, request)
        cache.set(key, menus, CACHE_SECONDS)
    return menus


def menus_invalidate(**kwargs) -> None:
    """Forget every site's menus (a signal receiver: pages and settings change rarely, sites are few)."""
    cache.delete_many([CACHE_KEY.format(site_id=pk) for pk in Site.objects.values_list("pk", flat=True)])


def connect_invalidation() -> None:
    page_published.connect(menus_invalidate, dispatch_uid="cms.navigation.published")
    page_unpublished.connect(menus_invalidate, dispatch_uid="cms.navigation.unpublished")
    post_page_move.connect(menus_invalidate, dispatch_uid="cms.navigation.moved")
    post_delete.connect(_page_deleted, dispatch_uid="cms.navigation.deleted")
    for setting in (SiteNavigation, SiteFooter, Site):
        post_save.connect(menus_invalidate, sender=setting, dispatch_uid=f"cms.navigation.{setting.__name__}")


def _page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        menus_invalidate()
