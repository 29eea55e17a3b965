"""The deployment resource of the add-on: what ``gcloud workspace-add-ons deployments create``
takes (``--deployment-file``), printed by ``sheetops addon-deployment --url URL``.

It asks for the fewest scopes that work:

- ``https://www.googleapis.com/auth/drive.file``: the spreadsheet the user has open, once they
  grant it (the add-on asks with ``requestFileScopeForActiveDocument``); never their other
  files;
- ``https://www.googleapis.com/auth/userinfo.email``: the user's e-mail, written in
  ``Approved by``.

Sheets' homepage trigger and its file-scope-granted trigger both call the one endpoint;
Google sends its system ID token (``httpOptions.authorizationHeader: SYSTEM_ID_TOKEN``), which
the endpoint verifies (``auth``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from ..errors import BadArguments

DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file"
EMAIL_SCOPE = "https://www.googleapis.com/auth/userinfo.email"
SCOPES = (DRIVE_FILE_SCOPE, EMAIL_SCOPE)
LOGO_URL = "https://fonts.gstatic.com/s/i/googlematerialicons/payments/v6/24px.svg"


def deployment(url: str, *, name: str = "SheetOps", logo_url: str = LOGO_URL) -> dict[str, Any]:
    """The deployment resource for an endpoint at ``url`` (an https URL)."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.netloc:
        raise BadArguments(f"--url must be the https URL of the deployed addon function, not {url!r}.")
    endpoint = url.strip()
    return {
        "oauthScopes": list(SCOPES),
        "addOns": {
            "common": {"name": name, "logoUrl": logo_url, "useLocaleFromApp": True},
            "sheets": {
                "homepageTrigger": {"runFunction": endpoint, "enabled": True},
                "onFileScopeGrantedTrigger": {"runFunction": endpoint},
            },
            "httpOptions": {"authorizationHeader": "SYSTEM_ID_TOKEN"},
        },
    }


def deployment_json(url: str, **options: Any) -> str:
    return json.dumps(deployment(url, **options), indent=2)
