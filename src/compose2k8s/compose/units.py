"""Docker's duration and byte-size units.

>>> parse_duration("1m30s"), parse_bytes("512M"), parse_bytes("1.5g")
(90.0, 536870912, 1610612736)
"""
from __future__ import annotations

import math
import re

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_DURATION_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_BYTES = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$", re.IGNORECASE)
_BYTE_POWERS = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5}
MAX_SECONDS = (2**63 - 1) / 1e9  # Go durations are int64 nanoseconds (about 292 years)
MAX_BYTES = 2**63 - 1  # Docker sizes are int64


def parse_duration(value: str | int | float) -> float:
    """Seconds in a Go duration (`1m30s`, `500ms`); a bare number counts as seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value) or not 0 <= value <= MAX_SECONDS:
            raise ValueError(f"invalid duration: '{value}' (use forms like 30s, 1m30s, 500ms)")
        return float(value)
    text = str(value).strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"'{value}' is not a duration (use forms like 30s, 1m30s, 500ms)")
    seconds = sum(float(n) * _DURATION_SECONDS[u] for n, u in parts)
    if seconds > MAX_SECONDS:
        raise ValueError(f"invalid duration: '{value}' is out of range")
    return seconds


def parse_bytes(value: str | int | float) -> int:
    """Bytes in a Docker size; `512M` is 512 MiB, as Docker reads it (negative, infinite or
    NaN sizes are refused with the reference's wording: "invalid size: '-1'")."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value) or not 0 <= value <= MAX_BYTES:
            raise ValueError(f"invalid size: '{value}'")
        return int(value)
    match = _BYTES.match(str(value))
    if not match:
        raise ValueError(f"invalid size: '{value}' (use forms like 512m, 1g, 2048)")
    size = float(match.group(1)) * 1024 ** _BYTE_POWERS[match.group(2).lower()]
    if size > MAX_BYTES:
        raise ValueError(f"invalid size: '{value}' is out of range")
    return int(size)


def format_duration(seconds: float) -> str:
    """Go-style duration text, for `config` output.

    >>> format_duration(90), format_duration(0.5)
    ('1m30s', '500ms')
    """
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes or hours else "")
    frac = seconds - whole
    return text + (f"{secs + frac:g}s" if secs or frac or not text else "")
