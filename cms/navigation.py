"""The site's menus: the header's page links and the editors' links, and the footer, cached per site.

The header shows, after the service's own links (cms.context_processors.NAV_ITEMS), every live public page under
the site's home page with "Show in menus" ticked (Wagtail's `show_in_menus`, in the page's Promote tab), in tree
order, then the links editors add in Settings → Site navigation. The footer shows the links in Settings → Site
footer. Building them takes a few queries, so the result is cached per site and rebuilt after any page is
published, unpublished, moved or deleted, or either setting is saved (the receivers are connected in
CmsConfig.ready). Which site answers a host is cached the same way (`site_for_request`), and reading the settings
never creates them, so an anonymous page view makes no query for the header and footer at all.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import generations
from .models import SiteFooter, SiteNavigation

# A site's menus are kept under a key that includes a generation number; a change bumps the generation, so every
# site's menus are rebuilt at the next request without a query to find the sites.
GENERATION_KEY = "cms:menus:generation"
CACHE_KEY = "cms:menus:v1:{generation}:{site_id}"
SITE_KEY = "cms:site:v1:{generation}:{host}:{port}"
CACHE_SECONDS = 60 * 60 * 24
NO_SITE = "none"  # cached when no Wagtail site answers a host, so that a miss is not looked up again either
_SITES = generations.LocalMemo(64)


def _setting(model, site: Site):
    # Read, never created: `for_site` would INSERT an empty setting on a page view the first time.
    return model.objects.filter(site=site).first() or model(site=site)


def _build(site: Site, request) -> dict:
    menu_pages = site.root_page.get_children().live().public().in_menu().order_by("path")
    footer = _setting(SiteFooter, site)
    return {
        "pages": [{"label": page.title, "url": page.get_url(request)} for page in menu_pages],
        "links": _setting(SiteNavigation, site).link_list(),
        "footer_links": footer.link_list(),
        "footer_copyright": footer.copyright,
    }


def site_for_request(request) -> Site | None:
    """Wagtail's `Site.find_for_request`, with the answer for each host and port kept in the cache (and on the
    request, where Wagtail looks first), so that a page view does not query the sites table."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    host = split_domain_port(request._get_raw_host())[0]
    generation = _generation()
    request._menus_generation = generation
    key = SITE_KEY.format(generation=generation, host=host, port=request.get_port())
    # Kept in this process too, under the same generation (so a change is seen at the next request) and for at
    # most a minute (generations.LocalMemo): the public journeys' pages (cms/pageshell.py) then ask the cache for
    # the generation alone.
    site = _SITES.get(key)
    if site is None:
        site = cache.get(key)
        if site is None:
            site = Site.find_for_request(request)
            cache.set(key, site if site is not None else NO_SITE, CACHE_SECONDS)
        _SITES.put(key, site)
    request._wagtail_site = None if site == NO_SITE else site
    return request._wagtail_site


def menus_stamp(request) -> str:
    """Names the request's site and the current generation of its menus, for pages kept with them in."""
    site = site_for_request(request)
    generation = request.__dict__.get("_menus_generation")
    if generation is None:
        generation = _generation()
    return f"{generation}:{site.pk if site is not None else ''}"


def site_menus(request) -> dict:
    """{pages, links, footer_links, footer_copyright} for the request's site, from the cache when it can."""
    site = site_for_request(request)
    if site is None:  # no Wagtail site matches the request's host
        return {"pages": [], "links": [], "footer_links": [], "footer_copyright": SiteFooter().copyright}
    key = menus_cache_key(site)
    menus = cache.get(key)
    if menus is None:
        menus = _build(site, request)
        cache.set(key, menus, CACHE_SECONDS)
    return menus


def _generation() -> int:
    return generations.generation(GENERATION_KEY)


def menus_cache_key(site: Site) -> str:
    return CACHE_KEY.format(generation=_generation(), site_id=site.pk)


def menus_invalidate(**kwargs) -> None:
    """Forget every site's menus (a signal receiver)."""
    generations.bump(GENERATION_KEY)


def connect_invalidation() -> None:
    page_published.connect(menus_invalidate, dispatch_uid="cms.navigation.published")
    page_unpublished.connect(menus_invalidate, dispatch_uid="cms.navigation.unpublished")
    post_page_move.connect(menus_invalidate, dispatch_uid="cms.navigation.moved")
    post_delete.connect(_page_deleted, dispatch_uid="cms.navigation.deleted")
    # A page made private (or public again) leaves (or joins) the menus at once.
    post_save.connect(menus_invalidate, sender=PageViewRestriction, dispatch_uid="cms.navigation.restricted")
    post_delete.connect(
        menus_invalidate, sender=PageViewRestriction, dispatch_uid="cms.navigation.unrestricted"
    )
    for setting in (SiteNavigation, SiteFooter):
        post_save.connect(_setting_saved, sender=setting, dispatch_uid=f"cms.navigation.{setting.__name__}")
    # A site added, changed or removed changes which site answers a host.
    post_save.connect(menus_invalidate, sender=Site, dispatch_uid="cms.navigation.Site")
    post_delete.connect(menus_invalidate, sender=Site, dispatch_uid="cms.navigation.site_deleted")


def _setting_saved(sender, instance, created: bool, **kwargs) -> None:
    # The menus read a setting without creating it, so a setting saved for the first time is news too.
    menus_invalidate()


def _page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        menus_invalidate()
