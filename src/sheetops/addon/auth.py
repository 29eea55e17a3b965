"""Only Google may call the add-on; who the signed-in user is.

Every request Google sends to an HTTP add-on carries, in ``Authorization: Bearer``, an ID
token of the project's Workspace add-ons service account (the deployment's default
``SYSTEM_ID_TOKEN``): audience the endpoint URL, e-mail
``service-PROJECT_NUMBER@gcp-sa-gsuiteaddons.iam.gserviceaccount.com``. ``is_google`` checks
it with google-auth against:

- ``SHEETOPS_ADDON_AUDIENCE``: the endpoint URL (the deployment's ``runFunction``);
- ``SHEETOPS_ADDON_SERVICE_ACCOUNT``: that service account's e-mail;
- ``SHEETOPS_ADDON_CERTS_URL``: Google's certificates (default
  ``https://www.googleapis.com/oauth2/v1/certs``; tests point it at a local server).

Unset audience or service account means nobody is let in. The user's e-mail (for
``Approved by``) comes from the event's ``userIdToken``, verified the same way (it is for the
same audience, and carries the e-mail because the deployment asks for ``userinfo.email``).
No token is ever logged or stored.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..cloud.caller import TokenRejected, bearer_token, verify_id_token
from ..cloud.config import Env, environ

AUDIENCE_ENV = "SHEETOPS_ADDON_AUDIENCE"
SERVICE_ACCOUNT_ENV = "SHEETOPS_ADDON_SERVICE_ACCOUNT"
CERTS_URL_ENV = "SHEETOPS_ADDON_CERTS_URL"


def endpoint_url(env: Env | None = None) -> str:
    """The add-on's own URL: buttons call it back (``action.function``)."""
    return (environ(env).get(AUDIENCE_ENV) or "").strip()


def _claims(token: str | None, env: Env) -> Mapping[str, Any] | None:
    audience = (env.get(AUDIENCE_ENV) or "").strip()
    if not token or not audience:
        return None
    try:
        return verify_id_token(token, [audience], (env.get(CERTS_URL_ENV) or "").strip() or None)
    except TokenRejected:
        return None


def is_google(headers: Mapping[str, str] | None, env: Env | None = None) -> bool:
    """True when the request carries Google's system ID token for this add-on."""
    e = environ(env)
    account = (e.get(SERVICE_ACCOUNT_ENV) or "").strip().lower()
    claims = _claims(bearer_token(headers), e)
    if not account or claims is None:
        return False
    return str(claims.get("email") or "").lower() == account and claims.get("email_verified") is True


def user_email(user_id_token: str, env: Env | None = None) -> str | None:
    """The signed-in user's verified e-mail from the event's ``userIdToken``, else None."""
    claims = _claims(user_id_token, environ(env))
    if claims is None or claims.get("email_verified") is not True:
        return None
    email = str(claims.get("email") or "")
    return email or None
