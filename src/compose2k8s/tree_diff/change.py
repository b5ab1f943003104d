"""One difference of a diff, under an identity path such as `containers[web].ports[8080/TCP].name`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .render import change_text

ChangeKind = Literal["changed", "added", "removed", "reordered"]


@dataclass(frozen=True)
class Change:
    """One difference, under an identity path such as `containers[web].ports[8080/TCP].name`."""

    change: ChangeKind
    path: str
    old: Any = None
    new: Any = None
    default: Literal["old", "new", None] = None  # that side leaves the field out: its value is the API's default

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"change": self.change, "path": self.path}
        if self.change != "added":
            out["old"] = self.old
        if self.change != "removed":
            out["new"] = self.new
        if self.default:
            out["default"] = self.default
        return out

    def line(self, width: int = 140) -> str:
        """One line of text, about `width` characters at most."""
        return change_text(self, width)
