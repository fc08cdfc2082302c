"""Speakers, their spellings and merges."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import OuterRef
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from articles.admin import DeskAdminMixin, StorableTextAdminMixin
from config.admin_paging import LargeChangelistMixin
from config.bidi import isolated_line
from config.queries import row_count

from .. import services, speaker_edits
from ..forms import DeskTextField
from ..models import Claim, Speaker, SpeakerAlias, SpeakerMerge
from .base import (
    ChangePageReadOnceMixin,
    HistoryReadOnlyMixin,
    PublishedRecordDeleteMixin,
    ReadOnlyAdminMixin,
)


class SpeakerAliasFormSet(BaseInlineFormSet):
    """A spelling belongs to one speaker: say which one has it, rather than fail on save."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            alias = form.cleaned_data.get("alias")
            if not alias:
                continue
            key = services.speaker_key(alias)
            if not key:
                form.add_error("alias", "A spelling needs letters or digits.")
                continue
            owner = SpeakerAlias.objects.filter(key=key).exclude(pk=form.instance.pk).first()
            if key in seen or (owner is not None and owner.speaker_id != self.instance.pk):
                holder = owner.speaker.name if owner is not None else "another row here"
                form.add_error("alias", f"{alias!s} is already a spelling of {holder}.")
            elif owner is not None:
                form.add_error("alias", f"{alias!s} is already one of this speaker's spellings.")
            seen.add(key)


class SpeakerAliasForm(forms.ModelForm):
    class Meta:
        model = SpeakerAlias
        fields = ["alias"]
        # A spelling is a speaker's name too: cleaned as SpeakerAdminForm cleans the name.
        field_classes = {"alias": DeskTextField}


class SpeakerAliasInline(StorableTextAdminMixin, admin.TabularInline):
    model = SpeakerAlias
    form = SpeakerAliasForm
    formset = SpeakerAliasFormSet
    fields = ["alias", "key"]
    readonly_fields = ["key"]
    extra = 0


class SpeakerAdminForm(forms.ModelForm):
    class Meta:
        model = Speaker
        fields = ["name", "slug", "role", "kind"]
        # Cleaned as the desk's speaker page cleans them (claims.speaker_edits): a U+202E typed
        # here turned the rest of a published fact-check's line around.
        field_classes = {"name": DeskTextField, "role": DeskTextField}


@admin.register(Speaker)
class SpeakerAdmin(
    DeskAdminMixin,
    LargeChangelistMixin,
    HistoryReadOnlyMixin,
    ChangePageReadOnceMixin,
    PublishedRecordDeleteMixin,
    SimpleHistoryAdmin,
):
    """Changing a speaker needs `change_speaker` (editors) and leaves a history record. Once a
    claim of the speaker is on record (a verdict in review or published), its name, role and
    kind are read-only here: they are corrected on the desk's speaker page, which records the
    editor as a contributor and, for published fact-checks, asks for a public note
    (claims.speaker_edits). Its slug too: the API and the desk's links carry it."""

    RECORD_FIELDS = ["name", "slug", "role", "kind"]

    form = SpeakerAdminForm
    list_display = ["name", "role", "kind", "claim_count"]
    list_filter = ["kind"]
    search_fields = ["name", "role", "aliases__alias"]
    # Through get_prepopulated_fields only: simple-history's version page reads this attribute
    # as is, and a name read-only there (on record) made it a 500.
    prepopulated_fields = {}
    inlines = [SpeakerAliasInline]

    def get_queryset(self, request):
        # A count a row, as a subquery: PostgreSQL runs it for the page's rows only, where
        # Count("claims") grouped every claim before the LIMIT, on each change list and on
        # every keystroke of the claim form's speaker search (which reads this too). Ordered
        # to the end, so the search pages in a stable order.
        claims = Claim.objects.filter(speaker=OuterRef("pk"))
        counted = super().get_queryset(request).annotate(_claim_count=row_count(claims))
        return counted.order_by(*Speaker._meta.ordering, "pk")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and speaker_edits.speaker_on_record(obj):
            fields += self.RECORD_FIELDS
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and speaker_edits.speaker_on_record(obj):
            return {}  # its name is read-only
        return {"slug": ["name"]}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A GET only: a POST shows no message, and its save reads the row in its transaction.
        speaker = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        if speaker and speaker_edits.speaker_on_record(speaker):
            messages.info(
                request,
                f"{isolated_line(speaker.name)} is named on claims in review or published: "
                "correct the name, "
                "role or kind on the desk's speaker page.",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change and set(form.changed_data) & set(self.RECORD_FIELDS):
            # The form was drawn before a claim went on record: keep what the record shows.
            locked = Speaker.objects.select_for_update().get(pk=obj.pk)
            if speaker_edits.speaker_on_record(locked):
                for field in self.RECORD_FIELDS:
                    setattr(obj, field, getattr(locked, field))
                messages.warning(
                    request,
                    f"{isolated_line(locked.name)} went on the record meanwhile: its name, slug, "
                    "role and kind "
                    "are unchanged; correct them on the desk's speaker page.",
                )
            else:
                # A draft of its claims would publish the new name: the editor becomes a
                # contributor, as a rename on the desk makes them (speaker_edits.speaker_edit),
                # so another editor publishes it. The speaker's lock, held, is publishing's too.
                services.attribution_contributions_record(
                    claim_ids=list(obj.claims.values_list("pk", flat=True)), actor=request.user
                )
        super().save_model(request, obj, form, change)

    @admin.display(description="Claims", ordering="_claim_count")
    def claim_count(self, speaker):
        return speaker._claim_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Analysis finds speakers by their spellings: a speaker added or renamed here answers
        # to its name, unless another speaker already does.
        speaker = form.instance
        key = services.speaker_key(speaker.name)
        if key and not SpeakerAlias.objects.filter(key=key).exists():
            SpeakerAlias.objects.create(speaker=speaker, alias=speaker.name, key=key)

    def save_formset(self, request, form, formset, change):
        aliases = formset.save(commit=False)
        for alias in aliases:
            alias.key = services.speaker_key(alias.alias)
            alias.save()
        for deleted in formset.deleted_objects:
            deleted.delete()


@admin.register(SpeakerMerge)
class SpeakerMergeAdmin(
    DeskAdminMixin,
    ReadOnlyAdminMixin,
    admin.ModelAdmin,
):
    """Merges are made and undone on the desk's speaker pages (claims.speaker_merges)."""

    list_display = ["source_name", "target", "actor", "created_at", "undone_by", "undone_at"]
    search_fields = ["source_name", "target__name"]
    list_select_related = ["target", "actor", "undone_by"]
