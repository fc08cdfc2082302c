from django import forms
from django.conf import settings


class ArticleSubmitForm(forms.Form):
    title = forms.CharField(max_length=500)
    outlet = forms.CharField(max_length=200, required=False, help_text="e.g. Reuters")
    url = forms.URLField(
        label="URL",
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text="Optional: where the article was published.",
    )
    published_on = forms.DateField(
        label="Publication date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    body = forms.CharField(
        label="Article text",
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=settings.ARTICLE_MAX_CHARS,
        help_text="Paste the full text; paragraphs separated by blank lines.",
    )
