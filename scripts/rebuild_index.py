#!/usr/bin/env python3
"""Rebuild the index from a corpus: the same function as `searchsvc index`.

    python scripts/rebuild_index.py [--corpus DIR] [--index DIR] [--update] [--strict]
"""

import sys

from searchsvc.cli import main

if __name__ == "__main__":
    sys.exit(main(["index", *sys.argv[1:]]))
