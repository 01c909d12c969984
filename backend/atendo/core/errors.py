"""The one error family of Atendo. Services raise these; the API renders them as
`{"code", "message", "fields"}` with the status carried here. Codes are stable strings."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    status_code = 400

    def __init__(self, message: str, code: str = "invalid", fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}


class NotFoundError(ApplicationError):
    status_code = 404

    def __init__(self, message: str = "Not found.", code: str = "not_found", **kwargs: Any) -> None:
        super().__init__(message, code, **kwargs)


class PermissionDeniedError(ApplicationError):
    status_code = 403

    def __init__(self, message: str, code: str = "permission_denied", **kwargs: Any) -> None:
        super().__init__(message, code, **kwargs)


class ConflictError(ApplicationError):
    status_code = 409


class PayloadTooLargeError(ApplicationError):
    status_code = 413


class RateLimitedError(ApplicationError):
    status_code = 429

    def __init__(self, message: str, retry_after: int, code: str = "throttled") -> None:
        super().__init__(message, code)
        self.retry_after = retry_after
