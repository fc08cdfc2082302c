"""Form fields whose bytes are not text in the request's encoding: the one check, for every
form of the desk and the admin, urlencoded or multipart. Django decodes such bytes to U+FFFD
(or a whole body as Latin-1) without a word, which would save text nobody typed."""

import shutil
from tempfile import SpooledTemporaryFile
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler
from django.forms.utils import pretty_name
from django.http.multipartparser import MultiPartParser


def unreadable_form_fields(request) -> set[str]:
    """The names of the POST fields whose bytes (name or value) are not text in the request's
    encoding: of a urlencoded body, or of a multipart one's text parts (uploaded files are
    checked by whoever reads them)."""
    if request.method != "POST":
        return set()
    if request.content_type == "multipart/form-data":
        _ = request.POST  # parsing (TextFieldCheckUploadHandler) notes them, if not done yet
        return getattr(request, UNREADABLE_MULTIPART_FIELDS, set())
    if request.content_type != "application/x-www-form-urlencoded":
        return set()
    encoding = request.encoding or settings.DEFAULT_CHARSET
    unreadable = set()
    for pair in request.body.split(b"&"):
        name, _, value = (
            unquote_to_bytes(part.replace(b"+", b" ")) for part in pair.partition(b"=")
        )
        unreadable |= _unreadable_pair(name, [value], encoding)
    return unreadable


def _unreadable_pair(name: bytes, values: list[bytes], encoding: str) -> set[str]:
    try:
        name.decode(encoding)
        for value in values:
            value.decode(encoding)
    except UnicodeDecodeError:
        return {name.decode(encoding, errors="replace")}
    return set()


UNREADABLE_MULTIPART_FIELDS = "unreadable_multipart_fields"


class TextFieldCheckUploadHandler(FileUploadHandler):
    """Parses a multipart body as Django does, and notes on the request (for
    unreadable_form_fields) the text parts whose bytes are not text in its encoding. Django
    decodes those to U+FFFD without a word, in a loop no upload handler sees, and the decoded
    text alone cannot tell damage from a U+FFFD that was sent.

    So the body is copied first (in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE, then to
    a temporary file: an upload is never held in memory whole), parsed by Django's own parser
    with the handlers after this one, and only when a text part came out holding U+FFFD parsed
    again as Latin-1, whose characters are the bytes one for one, with no handlers (files are
    skipped, not stored). A single Latin-1 pass would save the copy but hand the file
    handlers names decoded the wrong way, to be repaired after Django's own clean-up of them."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        encoding = encoding or settings.DEFAULT_CHARSET
        handlers = [handler for handler in self.request.upload_handlers if handler is not self]
        with SpooledTemporaryFile(
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
        ) as copy:
            shutil.copyfileobj(input_data, copy)
            copy.seek(0)
            post, files = MultiPartParser(META, copy, handlers, encoding).parse()
            unreadable = set()
            if any("\ufffd" in name + "".join(values) for name, values in post.lists()):
                copy.seek(0)
                raw_post, _ = MultiPartParser(META, copy, [], "latin-1").parse()
                for name, values in raw_post.lists():
                    unreadable |= _unreadable_pair(
                        name.encode("latin-1"),
                        [value.encode("latin-1") for value in values],
                        encoding,
                    )
        setattr(self.request, UNREADABLE_MULTIPART_FIELDS, unreadable)
        return post, files


# What the desk's forms say of such a field, after "This text", "Part of the form" or a label.
UNREADABLE = (
    "arrived damaged (it is not valid UTF-8, so some characters could not be read) and "
    "nothing was saved: paste or type it again."
)


def refuse_unreadable(request, *forms) -> bool:
    """Mark each field of `forms` (bound forms or formsets) whose posted bytes are not text:
    Django decodes them to U+FFFD, or the whole body as Latin-1, without a word, which would
    save text nobody typed. Damage outside the fields marks the first form. True if marked."""
    unreadable = unreadable_form_fields(request)
    if not unreadable:
        return False
    marked = False
    for form in [form for item in forms for form in getattr(item, "forms", [item])]:
        for name in list(form.fields):
            if form.add_prefix(name) in unreadable:
                form.add_error(name, f"This text {UNREADABLE}")
                marked = True
    if not marked:
        forms[0].add_error(None, f"Part of the form {UNREADABLE}")
    return True


def refuse_unreadable_in_messages(request, **labels: str) -> bool:
    """The same check for a view that answers with messages, not a form drawn again: an error
    message for each field named in `labels` (its name=its label) whose posted bytes are not
    text, or one for the form when the damage is elsewhere. True if refused."""
    unreadable = unreadable_form_fields(request)
    if not unreadable:
        return False
    named = [label for name, label in labels.items() if name in unreadable]
    for label in named:
        messages.error(request, f"{label}: this text {UNREADABLE}")
    if not named:
        messages.error(request, f"Part of the form {UNREADABLE}")
    return True


def field_labels(form) -> dict[str, str]:
    """A form's field names with the labels its page shows, for refuse_unreadable_in_messages."""
    return {name: str(field.label or pretty_name(name)) for name, field in form.fields.items()}
