"""The HTML pages for errors: what the search layer reports (a missing article, no
index), an unknown address, and a bug (our own page; the details are in the log)."""

from __future__ import annotations

from flask import render_template

from ..errors import NotFound, SearchError


def error_page(error: SearchError):
    """An HTML page for an error the search layer reports (404 for a missing article)."""
    message = error.message
    if error.code == "article_not_found":
        title = "Article not found"
        message = (f"{error.message[:1].upper()}{error.message[1:]}. It may have been removed "
                   "when the archive was re-indexed, or the link is mistyped.")
    elif isinstance(error, NotFound):
        title = "Not found"
    elif error.status == 503:
        title = "The archive is not available"
    else:
        title = "That request could not be answered"
    return render_template("error.html", title=title, message=message,
                           status=error.status), error.status


def page_failed(_error=None):
    """The HTML page for a bug: our own page (the details are in the server's log)."""
    return render_template("error.html", title="Something went wrong",
                           message="The archive could not answer this request. Please try"
                                   " again; if it keeps failing, tell whoever runs it.",
                           status=500), 500


def page_not_found(_error=None):
    """The HTML 404 page for any unknown address outside the API."""
    return render_template("error.html", title="Page not found",
                           message="There is no page at this address.", status=404), 404
