"""Text that counts what its slices copy: a check that looks for a closer in a copy of the
text after each opener does quadratic work, which the count shows at a small size."""

from __future__ import annotations


class CountedText(str):
    """A ``str`` whose slices add their length to ``CountedText.copied``."""

    copied = 0

    def __getitem__(self, key: object) -> str:
        part = str.__getitem__(self, key)  # type: ignore[index]
        CountedText.copied += len(part)
        return part
