"""compose2k8s: a Docker Compose project in, a Kustomize tree out.

>>> from compose2k8s import load_project  # doctest: +SKIP
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["load_project", "convert", "audit", "diff", "Compose2K8sError"]
__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from .api import convert
    from .compose.load import load_project
    from .errors import Compose2K8sError
    from .migration_audit import audit
    from .tree_diff import diff


def __getattr__(name: str) -> Any:
    """Lazy exports keep `import compose2k8s` (and `--help`) fast."""
    if name == "load_project":
        from .compose.load import load_project
        return load_project
    if name == "convert":
        from .api import convert
        return convert
    if name == "audit":
        from .migration_audit import audit
        return audit
    if name == "diff":
        from .tree_diff import diff
        return diff
    if name == "Compose2K8sError":
        from .errors import Compose2K8sError
        return Compose2K8sError
    raise AttributeError(name)
