"""Image reference parsing shared by the passes.

>>> image_base("123456789012.dkr.ecr.us-east-1.amazonaws.com/cptm8/asmm8:1.4"), registry_host("bitnami/redis")
('asmm8', 'docker.io')
"""
from __future__ import annotations


def _split(image: str) -> tuple[str, str]:
    first, _, rest = image.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return first, rest
    return "docker.io", image


def registry_host(image: str) -> str:
    return _split(image)[0]


def image_base(image: str | None) -> str:
    """The image's last path segment without tag or digest."""
    if not image:
        return ""
    path = _split(image)[1].split("@")[0]
    last = path.rsplit("/", 1)[-1]
    return last.split(":")[0].lower()
