"""The page at `GET /`: paste an article, see every actor's stance highlighted in the text.

One template and two static files, no build step and nothing fetched from elsewhere. The page
calls POST /predict like any other client.
"""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template, url_for

from service.state import current_state

# 'self' only; Trusted Types make any HTML-string sink (innerHTML and friends) throw, so the
# article can only ever reach the page as text.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
        "trusted-types 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

ui = Blueprint(
    "ui",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@ui.get("/")
def index() -> Response:
    """The page."""
    settings = current_state().settings
    page = render_template(
        "index.html",
        predict_url=url_for("stancewatch.predict"),
        max_bytes=settings.max_bytes,
        token_required=settings.api_token is not None,
    )
    return make_response(page)


@ui.after_request
def _secure(response: Response) -> Response:
    """The page and its static files get the strict headers."""
    response.headers.update(SECURITY_HEADERS)
    return response
