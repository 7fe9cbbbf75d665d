"""The archive's words as written, with how many entries hold each: an artifact of the
build (``tables/vocabulary.exact.*``), read by did-you-mean whichever engine searches.

Layout: the words UTF-8 in one blob (``.words.bin``) with their offsets (``.offsets.npy``),
sorted, and their document frequencies (``.df.npy``), so that reading it makes no Python
object per word until asked.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

PREFIX = "vocabulary.exact"


def write_vocabulary(folder: Path, words: list[str], frequencies: list[int]) -> None:
    encoded = [word.encode("utf-8") for word in words]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(word) for word in encoded])
    (folder / f"{PREFIX}.words.bin").write_bytes(b"".join(encoded))
    np.save(folder / f"{PREFIX}.offsets.npy", offsets)
    np.save(folder / f"{PREFIX}.df.npy", np.asarray(frequencies, dtype=np.int64))


def read_vocabulary(folder: Path) -> tuple[list[str], list[int]]:
    blob = (folder / f"{PREFIX}.words.bin").read_bytes()
    offsets = np.load(folder / f"{PREFIX}.offsets.npy").tolist()
    words = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)]
    return words, np.load(folder / f"{PREFIX}.df.npy").tolist()
