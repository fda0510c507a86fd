"""StreamField blocks for the site's pages: NHS.UK content components, one template each in templates/blocks/."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.contrib.table_block.blocks import TableBlock as WagtailTableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

# Rich text inside components: no headings above h3 and no embeds, so the page outline stays the page's own.
INLINE_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]
BODY_FEATURES = ["h2", "h3", "h4", "bold", "italic", "link", "document-link", "ol", "ul"]


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=80)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(required=False, max_length=300, help_text="Used when no page is chosen")

    class Meta:
        icon = "link"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise StructBlockValidationError(
                block_errors={"url": ValidationError("Choose a page or enter a web address")}
            )
        return value


class InsetTextBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=INLINE_FEATURES)

    class Meta:
        icon = "openquote"
        label = "Inset text"
        template = "blocks/inset_text.html"


class WarningCalloutBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=100, default="Important")
    text = blocks.RichTextBlock(features=INLINE_FEATURES)

    class Meta:
        icon = "warning"
        label = "Warning callout"
        template = "blocks/warning_callout.html"


class CardBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=100)
    description = blocks.TextBlock(required=False, max_length=300)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(required=False, max_length=300, help_text="Used when no page is chosen")

    class Meta:
        icon = "form"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["href"] = card_href(value)
        return context


def card_href(value) -> str:
    page = value.get("page")
    if page is not None:
        return page.url or ""
    return value.get("url") or ""


class CardGroupBlock(blocks.StructBlock):
    columns = blocks.ChoiceBlock(
        choices=[("one-half", "Two a row"), ("one-third", "Three a row")], default="one-half"
    )
    cards = blocks.ListBlock(CardBlock(), min_num=1)

    class Meta:
        icon = "table"
        label = "Card group"
        template = "blocks/card_group.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["cards"] = [{"value": card, "href": card_href(card)} for card in value["cards"]]
        return context


class DetailsBlock(blocks.StructBlock):
    summary = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=INLINE_FEATURES)
    expander = blocks.BooleanBlock(required=False, help_text="Show as a boxed expander")

    class Meta:
        icon = "collapse-down"
        label = "Details"
        template = "blocks/details.html"


class DoDontListBlock(blocks.StructBlock):
    do_heading = blocks.CharBlock(max_length=80, default="Do")
    do_items = blocks.ListBlock(blocks.CharBlock(max_length=300), min_num=1, label="Do")
    dont_heading = blocks.CharBlock(max_length=80, default="Don't")
    dont_items = blocks.ListBlock(
        blocks.CharBlock(max_length=300, help_text="Shown after the words 'do not'"), min_num=1, label="Don't"
    )

    class Meta:
        icon = "tick"
        label = "Do and don't lists"
        template = "blocks/do_dont_list.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        help_text="Describe the image for people who cannot see it. Required.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        label = "Image"
        template = "blocks/image.html"

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("alt_text") or "").strip():
            raise StructBlockValidationError(
                block_errors={"alt_text": ValidationError("Enter a description of the image")}
            )
        return value


class TableBlock(WagtailTableBlock):
    class Meta:
        icon = "table"
        label = "Table"
        template = "blocks/table.html"


class DocumentLinksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=100)
    documents = blocks.ListBlock(DocumentChooserBlock(), min_num=1)

    class Meta:
        icon = "doc-full"
        label = "Document links"
        template = "blocks/document_links.html"


class ContentStreamBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(features=BODY_FEATURES, template="blocks/rich_text.html")
    inset_text = InsetTextBlock()
    warning_callout = WarningCalloutBlock()
    card_group = CardGroupBlock()
    details = DetailsBlock()
    do_dont_list = DoDontListBlock()
    image = ImageBlock()
    table = TableBlock()
    document_links = DocumentLinksBlock()


class CommitmentBlock(blocks.StructBlock):
    """One commitment of the Covenant, as set out on the Covenant page."""

    title = blocks.CharBlock(max_length=120)
    description = blocks.RichTextBlock(features=INLINE_FEATURES)

    class Meta:
        icon = "tick-inverse"
        label = "Commitment"
        template = "blocks/commitment.html"
