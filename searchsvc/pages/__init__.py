"""The search page, the article view and related coverage (server-rendered; JavaScript
only enhances).

Every state of the page is in its URL (``q``, ``source`` (repeatable), ``from``, ``to``,
``sort``, ``page``, ``per_page``, ``fuzzy``, ``strict``, ``collapse``, catalog facets): the
page is plain GET forms and links, so the back button, bookmarks and JavaScript-less
browsers all work. The only HTML that is not escaped here is what
the search layer produced for that purpose: snippets and marked paragraphs (escaped text
with ``<mark>``).

One module per job: :mod:`.links` (the state in the URL and links to other states),
:mod:`.views` (what templates are handed), :mod:`.search_page`, :mod:`.chart` (the date
chart and presets), :mod:`.article_view`, :mod:`.related_page`, :mod:`.attention_page`
(with its SVG chart, :mod:`.attention_chart`), :mod:`.batch_page` (a POST form, the one
page that is not a GET),
:mod:`.status_page` (the build status) and :mod:`.error_pages`.
Every address the pages answer is registered here, in one place.
"""

from __future__ import annotations

from flask import Blueprint

from .article_view import article
from .attention_page import attention_page
from .batch_page import batch_job_page, batch_page
from .error_pages import error_page, page_failed, page_not_found
from .related_page import related
from .search_page import search_page
from .status_page import status_page
from .views import human_date, plural

__all__ = ["bp", "error_page", "page_failed", "page_not_found"]

bp = Blueprint("web", __name__)
# Endpoints are the functions' names, as when they were decorated: web.search_page,
# web.article, web.related (templates and the API's feed link to them by name).
bp.add_url_rule("/", view_func=search_page, methods=["GET"])
bp.add_url_rule("/articles/<path:article_id>", view_func=article, methods=["GET"])
bp.add_url_rule("/paragraphs/<path:paragraph_id>/related", view_func=related, methods=["GET"])
bp.add_url_rule("/attention", view_func=attention_page, methods=["GET"])
bp.add_url_rule("/batch", view_func=batch_page, methods=["GET", "POST"])
bp.add_url_rule("/batch/<job_id>", view_func=batch_job_page, methods=["GET"])
bp.add_url_rule("/status", view_func=status_page, methods=["GET"])
bp.add_app_template_filter(human_date, "human_date")
bp.add_app_template_global(plural, "plural")
