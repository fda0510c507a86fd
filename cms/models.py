import datetime

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import AbstractGroupApprovalTask, Page, TaskState
from wagtail.search import index

from .blocks import BODY_FEATURES, CommitmentBlock, ContentStreamBlock, LinkBlock
from .feeds import NewsAtomFeed, NewsRssFeed
from .pagination import paginate
from .search import search_view

NEWS_PER_PAGE = 10


def page_breadcrumbs(page: Page) -> list[tuple[str, str]]:
    """(title, url) for each live ancestor below the tree root, for the NHS.UK breadcrumb."""
    ancestors = page.get_ancestors().filter(depth__gte=2).live().specific()
    return [(ancestor.title, ancestor.url) for ancestor in ancestors]


class BreadcrumbsMixin:
    """Puts the page's ancestors in the template context as `breadcrumbs`; lists the live public children a
    section page links to (`child_pages`), so every page is a click below its parent."""

    def child_pages(self):
        return self.get_children().live().public().specific().order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["breadcrumbs"] = page_breadcrumbs(self)
        return context


class HomePage(RoutablePageMixin, Page):
    """The site's front page: an introduction, links to the three services and the latest news.

    Site search is a route of the home page (/search/), so it needs no URL configuration of its own.
    """

    intro = models.CharField(max_length=300, blank=True)
    body = RichTextField(blank=True)
    support_page = models.ForeignKey(
        Page,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Where people find support after violence or abuse, linked from the home page",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("support_page"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"

    def covenant_page(self):
        """The live Covenant page, for the home page's first job; None until one is published."""
        return CovenantPage.objects.live().public().descendant_of(self).first()

    def live_support_page(self):
        page = self.support_page
        return page if page is not None and page.live else None

    def latest_news(self, limit: int = 3):
        return NewsItemPage.objects.live().public().descendant_of(self).order_by("-date", "-pk")[:limit]

    @path("search/", name="search")
    def search(self, request):
        return search_view(request)


class StandardPage(BreadcrumbsMixin, Page):
    """A content page built from NHS.UK components: About, accessibility statement, privacy notice, support."""

    intro = models.CharField(max_length=300, blank=True)
    body = StreamField(ContentStreamBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage", "cms.CovenantPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = "standard page"


class NewsIndexPage(RoutablePageMixin, BreadcrumbsMixin, Page):
    """News and updates: a paginated listing of news items, newest first, with RSS and Atom feeds."""

    intro = models.CharField(max_length=300, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsItemPage"]
    max_count = 1

    class Meta:
        verbose_name = "news index page"

    def news_items(self):
        return NewsItemPage.objects.child_of(self).live().public().order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["page_obj"] = paginate(self.news_items(), request, per_page=NEWS_PER_PAGE)
        return context

    @path("feed/", name="rss_feed")
    def rss_feed(self, request):
        return NewsRssFeed()(request, index=self)

    @path("feed/atom/", name="atom_feed")
    def atom_feed(self, request):
        return NewsAtomFeed()(request, index=self)


class NewsItemPage(BreadcrumbsMixin, Page):
    date = models.DateField("news date", default=datetime.date.today)
    summary = models.CharField(
        max_length=300, help_text="Shown in the news listing, search results and the feed"
    )
    body = StreamField(ContentStreamBlock())

    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("summary"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "news item"


class CovenantPage(BreadcrumbsMixin, Page):
    """The NHS Covenant itself: its commitments, then how to sign and who has signed."""

    intro = models.CharField(max_length=300, blank=True)
    commitments = StreamField([("commitment", CommitmentBlock())], min_num=1)
    body = StreamField(ContentStreamBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("commitments"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("commitments"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = "Covenant page"


class PeerApprovalTask(AbstractGroupApprovalTask):
    """Group approval in which the person who submitted the page cannot approve it: four eyes on every page."""

    def _is_requester(self, obj, user) -> bool:
        workflow_state = getattr(obj, "current_workflow_state", None)
        return workflow_state is not None and workflow_state.requested_by_id == user.pk

    def get_actions(self, obj, user):
        if self._is_requester(obj, user):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        return states.exclude(workflow_state__requested_by=user)

    def on_action(self, task_state: TaskState, user, action_name, **kwargs):
        # The admin only offers actions get_actions() allows; this guards direct calls to the workflow API too.
        if action_name == "approve" and task_state.workflow_state.requested_by_id == user.pk:
            raise PermissionError("The person who submitted a page cannot approve it")
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return "Members of the chosen groups, other than the person who submitted the page, can approve it"

    class Meta:
        verbose_name = "peer approval task"
        verbose_name_plural = "peer approval tasks"


@register_setting(icon="list-ul")
class SiteFooter(BaseSiteSetting):
    links = StreamField([("link", LinkBlock())], blank=True)
    copyright = models.CharField(max_length=120, default="© NHS Covenant partners")

    panels = [FieldPanel("links"), FieldPanel("copyright")]

    class Meta:
        verbose_name = "site footer"

    def link_list(self) -> list[dict]:
        return _link_list(self.links)


@register_setting(icon="bars")
class SiteNavigation(BaseSiteSetting):
    """Header links editors manage, shown to everyone after the service's own navigation."""

    links = StreamField([("link", LinkBlock())], blank=True)

    panels = [FieldPanel("links")]

    class Meta:
        verbose_name = "site navigation"

    def link_list(self) -> list[dict]:
        return _link_list(self.links)


@register_setting(icon="mail")
class CovenantSigningSettings(BaseSiteSetting):
    """Who an organisation's representative contacts for an account to sign the Covenant, shown on the public
    "How your organisation signs" page. A team or role and a shared mailbox, never a person's own details."""

    account_contact = RichTextField(
        blank=True,
        features=BODY_FEATURES,
        help_text="How to ask for an account: who to contact at the organisation or the programme team",
    )
    contact_email = models.EmailField(
        blank=True, help_text="The programme team's shared mailbox for questions about signing"
    )

    panels = [FieldPanel("account_contact"), FieldPanel("contact_email")]

    class Meta:
        verbose_name = "Covenant signing contacts"


def _link_list(stream) -> list[dict]:
    links = []
    for block in stream:
        value = block.value
        page = value.get("page")
        url = page.url if page is not None else value.get("url")
        if url:
            links.append({"label": value["label"], "url": url})
    return links


class TaskWorker(models.Model):
    """A task worker started with `manage.py run_worker`, and the last time it said it was alive.

    A worker that has stopped saying so (or whose process has gone from this machine) is dead, and the tasks
    it left running are put back on the queue (`cms.taskqueue`).
    """

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField()

    class Meta:
        verbose_name = "task worker"

    def __str__(self) -> str:
        return self.worker_id


class TaskReceipt(models.Model):
    """Proof that a task's side effect (an e-mail, a document) took place, so that a re-run does not repeat it.

    Written in the same transaction as the side effect's own record and checked first (`cms.taskqueue.run_once`).
    """

    task = models.CharField(max_length=200)
    key = models.CharField(max_length=200)
    done_at = models.DateTimeField(auto_now_add=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = "task receipt"
        constraints = [models.UniqueConstraint(fields=["task", "key"], name="taskreceipt_once")]

    def __str__(self) -> str:
        return f"{self.task} {self.key}"


class ScheduledRun(models.Model):
    """One slot of a scheduled job (`cms/schedule.py`) that a scheduler has claimed and enqueued.

    The unique (job, slot) row is the lock: of several schedulers reaching the same slot, the one whose insert
    succeeds enqueues the job, in the same transaction, and the others see the row and do nothing
    (`cms.scheduler`).
    """

    job = models.CharField(max_length=100)
    slot = models.DateTimeField(help_text="The time the job was due to run")
    claimed_at = models.DateTimeField(auto_now_add=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "scheduled run"
        ordering = ["-slot"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduledrun_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.job} at {self.slot.isoformat()}"
