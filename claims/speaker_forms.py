"""The speaker forms: the claim page's "Correct the speaker" and the speaker page's "Correct
the name, role or kind". The fields only; claims.attribution and claims.speaker_edits hold the
rules."""

from django import forms

from .forms import DeskTextField, text_limit
from .limits import correction_note_length, speaker_name_length, speaker_role_length
from .models import Speaker, SpeakerKind


class SpeakerCorrectForm(forms.Form):
    speaker = forms.ModelChoiceField(
        queryset=Speaker.objects.none(),
        required=False,
        empty_label="— a new or typed speaker —",
        label="Existing speaker",
        help_text="Those named in this article. For anyone else, type the name below: a known "
        "name or spelling finds its speaker.",
    )
    name = text_limit(
        DeskTextField(
            required=False,
            label="Speaker's name, as written or in full",
            help_text="Alone, it finds the speaker who has it or becomes a new speaker.",
        ),
        speaker_name_length,
    )
    # Choosing a speaker and typing a name are two things; only this box makes the name the
    # chosen speaker's alias (attribution.claim_speaker_correct refuses the pair otherwise).
    record_alias = forms.BooleanField(
        required=False,
        label="Record the typed name as an alias of the existing speaker chosen",
        help_text="Only when the article writes that speaker's name this way: the next "
        "analysis then attributes it to them.",
    )
    role = text_limit(DeskTextField(required=False), speaker_role_length)
    # The claim's speaker id as the page showed it ("" for none), so a correction drawn before
    # someone else's is refused (attribution.claim_speaker_correct).
    loaded_speaker = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].queryset = Speaker.objects.all()

    def loaded(self) -> str | None:
        """The claim's speaker id as the form showed it; None from a form that does not say."""
        if "loaded_speaker" not in self.data:
            return None
        return self.cleaned_data["loaded_speaker"]

    def offer(self, speakers) -> None:
        """List only `speakers` (a desk has thousands: the rest are found by typing a name);
        any speaker's id is still accepted."""
        field = self.fields["speaker"]
        field.widget.choices = [("", field.empty_label)] + [(s.pk, s.name) for s in speakers]

    def clean(self):
        cleaned = super().clean()
        # A name refused by its own field (too long, a NUL) is not in cleaned_data: it was
        # typed, and its own error says what is wrong with it.
        refused = "name" in self.errors or "speaker" in self.errors
        if not refused and not cleaned.get("speaker") and not cleaned.get("name"):
            self.add_error("name", "Name the speaker.")
        return cleaned


class SpeakerEditForm(forms.Form):
    """The speaker page's "Correct the name, role or kind": drawn with the speaker's fields, or
    again as typed, with each refusal beside its field."""

    name = text_limit(
        DeskTextField(error_messages={"required": "Give the speaker's name."}),
        speaker_name_length,
    )
    role = text_limit(DeskTextField(required=False), speaker_role_length)
    kind = forms.ChoiceField(
        choices=SpeakerKind.choices,
        required=False,
        # Not Django's message, which repeats whatever was sent.
        error_messages={"invalid_choice": "Choose one of the kinds listed."},
    )
    correction_note = text_limit(
        DeskTextField(
            required=False,
            label="Correction note (public)",
            widget=forms.Textarea(attrs={"rows": 2}),
            error_messages={
                "required": "Give a public correction note: each published fact-check naming "
                "the speaker gets it."
            },
        ),
        correction_note_length,
    )
    # What the form showed, so an edit drawn before someone else's is refused (speaker_edit).
    loaded_name = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    loaded_role = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    loaded_kind = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    def __init__(self, *args, speaker: Speaker, public: bool, **kwargs):
        fields = {"name": speaker.name, "role": speaker.role, "kind": speaker.kind}
        kwargs.setdefault("initial", {**fields, **{f"loaded_{k}": v for k, v in fields.items()}})
        kwargs.setdefault("auto_id", "edit-%s")
        super().__init__(*args, **kwargs)
        note = self.fields["correction_note"]
        # Once a fact-check names the speaker, the note is required (the service says so too,
        # should one be published between the page and the post).
        note.required = public
        note.help_text = (
            f"Published fact-checks name {speaker.name}: each gets this note as a dated "
            "public correction, recorded under your name."
        )

    def loaded(self) -> tuple[str, str, str] | None:
        """The speaker as the form showed it; None from a form that does not say."""
        if "loaded_name" not in self.data:
            return None
        return tuple(self.cleaned_data[f"loaded_{name}"] for name in ("name", "role", "kind"))
