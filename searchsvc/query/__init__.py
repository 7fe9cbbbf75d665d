"""From what a person types to a search request's query (:mod:`searchsvc.request`):
:mod:`.language` parses (leniently; strict checking is :mod:`searchsvc.syntax`) and
rewrites (phrases onto the exact copy, name variants, the "most words" tier, the
proximity bonus); :mod:`.understood` says what a query marks and how it was understood.
"""
