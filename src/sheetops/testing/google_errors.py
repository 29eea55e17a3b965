"""Google's error answers, with their ``details``, as the local server gives them.

Every Google API error is ``{"error": {"code", "message", "status", "details"}}``. A 400 for
a malformed request carries a ``google.rpc.BadRequest`` whose ``fieldViolations`` name the
field (proto names: ``requests[0].update_cells``); refusals for auth, sharing, an API not
enabled and quotas carry a ``google.rpc.ErrorInfo`` with a machine-readable ``reason``,
``domain: googleapis.com`` and ``metadata`` (``service``, and ``method`` or quota names),
which is what client code should branch on, never the English message.
"""

from __future__ import annotations

from typing import Any

from sheetops.testing.sheets_state import ApiError

SERVICE = "sheets.googleapis.com"
PROJECT_NUMBER = "000000000000"
"""The consumer project the local server pretends every token belongs to."""
BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"
ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
HELP = "type.googleapis.com/google.rpc.Help"

UNAUTHENTICATED = ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
                   "or other valid authentication credential. "
                   "See https://developers.google.com/identity/sign-in/web/devconsole-project.")


def violation(field: str, description: str) -> dict[str, str]:
    """One ``fieldViolations`` entry; Google leaves ``field`` out at the top level."""
    return {"field": field, "description": description} if field else {"description": description}


def invalid_argument(violations: list[dict[str, str]]) -> ApiError:
    """A 400 INVALID_ARGUMENT for one or more bad fields: the message joins their
    descriptions, one a line, as Google does."""
    message = "\n".join(v["description"] for v in violations)
    return ApiError(400, message, "INVALID_ARGUMENT", [{"@type": BAD_REQUEST, "fieldViolations": violations}])


def error_info(reason: str, **metadata: str) -> dict[str, Any]:
    """An ErrorInfo detail for the Sheets service."""
    return {"@type": ERROR_INFO, "reason": reason, "domain": "googleapis.com",
            "metadata": {"service": SERVICE, **metadata}}


def unauthenticated() -> ApiError:
    return ApiError(401, UNAUTHENTICATED, "UNAUTHENTICATED", [error_info("ACCESS_TOKEN_TYPE_UNSUPPORTED")])


def scope_insufficient(rpc: str) -> ApiError:
    """The token is valid but lacks every scope the method accepts."""
    return ApiError(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED",
                    [error_info("ACCESS_TOKEN_SCOPE_INSUFFICIENT", method=rpc)])


def not_shared() -> ApiError:
    """The spreadsheet exists but is not shared with the caller. (Google sends no reason
    here; the local server adds ``PERMISSION_DENIED`` so every refusal has an ErrorInfo.)"""
    return ApiError(403, "The caller does not have permission", "PERMISSION_DENIED",
                    [error_info("PERMISSION_DENIED")])


def service_disabled() -> ApiError:
    """The Sheets API is not enabled in the caller's project."""
    url = f"https://console.developers.google.com/apis/api/{SERVICE}/overview?project={PROJECT_NUMBER}"
    message = (f"Google Sheets API has not been used in project {PROJECT_NUMBER} before or it is disabled. "
               f"Enable it by visiting {url} then retry. If you enabled this API recently, wait a few "
               "minutes for the action to propagate to our systems and retry.")
    return ApiError(403, message, "PERMISSION_DENIED", [
        error_info("SERVICE_DISABLED", consumer=f"projects/{PROJECT_NUMBER}", activationUrl=url,
                   serviceTitle="Google Sheets API", containerInfo=PROJECT_NUMBER),
        {"@type": HELP, "links": [{"description": "Google developers console API activation", "url": url}]}])


def quota_exceeded(kind: str, *, per_user: bool, limit: int) -> ApiError:
    """429 RESOURCE_EXHAUSTED for a per-minute read or write quota (per project or per user)."""
    metric = "Read requests" if kind == "read" else "Write requests"
    limit_name = f"{metric} per minute" + (" per user" if per_user else "")
    message = (f"Quota exceeded for quota metric '{metric}' and limit '{limit_name}' of service '{SERVICE}' "
               f"for consumer 'project_number:{PROJECT_NUMBER}'.")
    metric_id = f"{SERVICE}/{'read' if kind == 'read' else 'write'}_requests"
    limit_id = ("ReadRequestsPerMinute" if kind == "read" else "WriteRequestsPerMinute") + ("PerUser" if per_user else "PerProject")
    info = error_info("RATE_LIMIT_EXCEEDED", consumer=f"projects/{PROJECT_NUMBER}", quota_metric=metric_id,
                      quota_limit=limit_id, quota_limit_value=str(limit), quota_location="global")
    help_link = {"@type": HELP, "links": [{"description": "Request a higher quota limit.",
                                           "url": "https://cloud.google.com/docs/quotas/help/request_increase"}]}
    return ApiError(429, message, "RESOURCE_EXHAUSTED", [info, help_link])
