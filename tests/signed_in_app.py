"""A dashboard run under sign-in, for AppTest: the whole frame (dashboard.py) with an `[auth]`
section (so the gate is in sign-in mode) and the identity token's claims of one person.

The environment (database, role file, app store) comes from the `sign_in_env` fixture
(tests/conftest.py); the provider named here is never contacted (AppTest sets the claims).
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60  # seconds a whole run may take on a busy 2-core CI machine
ISSUER = "https://idp.council.example/tenant-1"
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-only-cookie-secret",
    "client_id": "test",
    "client_secret": "test",
    "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
}


def signed_in_app(claims: dict | None, **query) -> AppTest:
    """The dashboard, not yet run, for a person signed in with these claims (None: signed out),
    opened with these URL parameters."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False} if claims is None else {"is_logged_in": True, **claims}
    for key, value in query.items():
        at.query_params[key] = value
    return at
