"""RSS and Atom feeds of the news, served by routes of the news index page (/news/feed/, /news/feed/atom/)."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

FEED_ITEMS = 20


class NewsRssFeed(Feed):
    def get_object(self, request, index):
        return index

    def title(self, index):
        return f"{index.title} – NHS Covenant"

    def link(self, index):
        return index.url

    def description(self, index):
        return index.intro or "News and updates about the NHS Covenant."

    def items(self, index):
        return index.news_items()[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        # The news date is the editor's; published time of day keeps items on the same date in order.
        moment = item.first_published_at or timezone.now()
        return timezone.make_aware(datetime.datetime.combine(item.date, moment.time()), datetime.UTC)

    def item_updateddate(self, item):
        return item.last_published_at


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, index):
        return self.description(index)
