"""The search page and the article view (server-rendered; JavaScript only enhances)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web", __name__)
