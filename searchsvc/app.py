"""The Flask application factory."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from flask import Flask, jsonify, request

from . import settings
from .access import install as install_access
from .archive import open_archive
from .errors import SearchError
from .public_url import EXTENSION as PUBLIC_URL
from .public_url import listen_url, parse_public_url
from .settings import DEFAULT_HOST, DEFAULT_PORT, Settings

ARCHIVE = "searchsvc.archive"

# No inline script or style anywhere, nothing from another origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(index: str | Path | None = None, tuning: Settings | None = None,
               **overrides) -> Flask:
    """The app over the index folder ``index`` (default: $SEARCHSVC_INDEX or ``./index``),
    tuned by ``tuning`` (default: :class:`Settings` with the ``SEARCHSVC_*`` variables)."""
    # The page's files come with the installed package (web/ in the repository).
    web = Path(str(files("searchsvc.web")))
    app = Flask(
        __name__,
        template_folder=str(web / "templates"),
        static_folder=str(web / "static"),
    )
    app.config.update(INDEX=str(settings.index_dir(index)))
    app.config.update(overrides)
    # Answers keep their models' field order, the contract's (Flask's provider sorts keys
    # by default; Flask 3 no longer reads a JSON_SORT_KEYS setting).
    app.json.sort_keys = False  # type: ignore[attr-defined]  # DefaultJSONProvider's
    tuning = tuning or Settings.from_env()
    app.extensions[ARCHIVE] = open_archive(Path(app.config["INDEX"]), tuning)
    aliases = tuple(name for name in tuning.host_aliases.split(",") if name.strip())
    public = parse_public_url(tuning.public_url or listen_url(DEFAULT_HOST, DEFAULT_PORT),
                              aliases)
    app.extensions[PUBLIC_URL] = public
    _batches(app)

    from .api import bp as api_bp
    from .api import internal_error as api_internal_error
    from .api import not_found as api_not_found
    from .batch_api import bp as batch_bp
    from .pages import bp as web_bp
    from .pages import page_failed, page_not_found

    app.register_blueprint(api_bp)
    app.register_blueprint(batch_bp)
    app.register_blueprint(web_bp)

    @app.errorhandler(404)
    def not_found(error):
        """JSON under /api/ (the API's own handler), an HTML page everywhere else."""
        if request.path.startswith("/api/"):
            return api_not_found(error)
        return page_not_found(error)

    @app.errorhandler(500)
    def failed(error):
        """A bug: the API's JSON error under /api/, our own page everywhere else."""
        if request.path.startswith("/api/"):
            return api_internal_error(error)
        return page_failed(error)

    @app.errorhandler(SearchError)
    def search_error(error: SearchError):
        return jsonify(error.to_dict()), error.status

    @app.before_request
    def trusted_host():
        """No answer for a Host naming another site (links never come from it anyway)."""
        public.check_host(request.headers.get("Host"))

    # After the Host check: a request for another site is refused before its key is read.
    install_access(app, Path(app.config["INDEX"]), tuning.rate_limit_per_minute, public.https)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    return app


def _batches(app: Flask) -> None:
    """Batch jobs in ``batches.sqlite3`` beside the index (``BATCH_STORE`` to put them
    elsewhere), counted by this process's runner; a job left unfinished by a server that
    stopped is resumed now."""
    from .batch.runner import Runner
    from .batch.store import FILE, BatchStore
    from .batch_api import RUNNER

    store = BatchStore(Path(app.config.get("BATCH_STORE") or Path(app.config["INDEX"]) / FILE))
    app.extensions[RUNNER] = runner = Runner(store, app.extensions[ARCHIVE])
    runner.resume()
