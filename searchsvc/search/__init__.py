"""Searching an archive: the service's policy over an engine's executor. Which articles
match (tiers, "Missing:"), how they rank, facets, folding of wire copies, snippets,
did-you-mean, related coverage, exports; :mod:`.snapshot` holds the build a server
answers from and the answers it remembers."""
