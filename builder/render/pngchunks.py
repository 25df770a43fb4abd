"""The compressed PNG chunks a decoder inflates whole before any pixel, bounded first.

typst (its ``png`` crate) inflates a PNG's colour profile (``iCCP``) whole, with no
limit, while it reads the header: a 1.6 MB picture whose profile inflates to 1.6 GB
took the build to 3.3 GB of memory, and the 10 MB a picture may weigh would take some
10 GB.  The pixel size is bounded apart (``imagecheck.MAX_PIXELS``); this bounds the
profile, before typst sees the file.
"""

from __future__ import annotations

import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PROFILE_BYTES = 4 << 20
"""Real ICC profiles weigh a few KB, the largest printer profiles about 1 MB."""


def oversized_profile(data: bytes) -> str | None:
    """Why PNG ``data``'s colour profile is too large to be inflated, or None (no
    profile, a small one, or one so damaged that typst will say what is wrong)."""
    at = len(PNG_SIGNATURE)
    while at + 12 <= len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        kind = data[at + 4:at + 8]
        if kind in (b"IDAT", b"IEND"):
            break  # the profile comes before the pixels
        if kind == b"iCCP":
            body = data[at + 8:at + 8 + length]
            # The profile's name, a NUL, the compression method, then the zlib stream.
            named = body.find(b"\x00")
            try:
                size = len(zlib.decompressobj().decompress(body[named + 2:],
                                                           MAX_PROFILE_BYTES + 1))
            except zlib.error:
                return None
            if named >= 0 and size > MAX_PROFILE_BYTES:
                return (f"its colour profile (iCCP) inflates past "
                        f"{MAX_PROFILE_BYTES >> 20} MB")
        at += 12 + length
    return None
