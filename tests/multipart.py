"""A multipart/form-data body as a script sends one (`curl -F`), its text parts as raw bytes:
the test client would encode every str as UTF-8."""

BOUNDARY = "fc-test-boundary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def multipart_body(
    fields: dict[str, str | bytes], files: dict[str, tuple[str, bytes]] | None = None
) -> bytes:
    """`fields` as text parts (str sent as UTF-8, bytes as they are), `files` (name: (file
    name, content)) as file parts."""
    parts = []
    for name, value in fields.items():
        value = value.encode() if isinstance(value, str) else value
        parts.append(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value)
    for name, (file_name, content) in (files or {}).items():
        parts.append(
            f'Content-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
        )
    separator = f"--{BOUNDARY}\r\n".encode()
    return b"".join(separator + part + b"\r\n" for part in parts) + f"--{BOUNDARY}--\r\n".encode()
