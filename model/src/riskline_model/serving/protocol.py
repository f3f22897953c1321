"""What both stages share: media types, and the error a bad request turns into."""

JSON = "application/json"
JSONLINES = "application/jsonlines"
CSV = "text/csv"
# Spellings of JSON Lines seen in SageMaker batch transform and its clients.
JSONLINES_ALIASES = frozenset({JSONLINES, "application/x-jsonlines", "application/jsonl", "application/x-ndjson"})
MAX_PAYLOAD_BYTES = 6 * 1024 * 1024  # SageMaker's limit for one InvokeEndpoint request


class BadRequest(Exception):
    """A client error: becomes an HTTP 4xx whose JSON body names the problem."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def media_type(header: str | None, default: str) -> str:
    """`application/json; charset=utf-8` -> `application/json`; absent or `*/*` -> `default`."""
    if not header:
        return default
    value = header.split(";", 1)[0].strip().lower()
    if value in ("*/*", ""):
        return default
    return JSONLINES if value in JSONLINES_ALIASES else value


def accepted(header: str | None, default: str, supported: tuple[str, ...]) -> str:
    """Pick the response type from an Accept header (possibly a list), or raise 406."""
    if not header:
        return default
    for part in header.split(","):
        choice = media_type(part, default)
        if choice in supported:
            return choice
    raise BadRequest(f"cannot answer with {header!r}; this stage produces {', '.join(supported)}", status=406)
