"""Generate an N-service compose stack with a realistic mix, for benchmarks.

Per group of 10 services: 5 web tiers (ports, env, healthchecks, depends_on), 2 databases on
named volumes, 2 workers sharing a bind-mounted folder, 1 job; a few secrets (a file secret for
the databases, an API token in one web tier of every 20 groups).

    python benchmarks/generate.py 1000 /tmp/stack   # writes /tmp/stack/compose.yaml
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml


def stack(n: int) -> dict:
    services: dict = {}
    volumes: dict = {}
    for i in range(n):
        group, role = divmod(i, 10)
        name = f"svc{i:05d}"
        if role in (0, 1):
            volumes[f"data{i:05d}"] = {}
            services[name] = {
                "image": "postgres:16-alpine" if role == 0 else "redis:7-alpine",
                "environment": {"POSTGRES_DB": f"db{i}", "POSTGRES_PASSWORD_FILE": "/run/secrets/db_password"},
                "volumes": [f"data{i:05d}:/var/lib/data"],
                "healthcheck": {"test": ["CMD-SHELL", "pg_isready -U postgres"] if role == 0
                                else ["CMD", "redis-cli", "ping"], "interval": "10s"},
                "secrets": ["db_password"] if role == 0 else [],
            }
        elif role in (2, 3, 4, 5, 6):
            db = f"svc{group * 10:05d}"
            services[name] = {
                "image": f"example/web-{role}:1.{i}",
                "ports": [f"{20000 + i}:8080"] if role == 2 and 20000 + i < 65536 else [],
                "expose": ["8080"],
                "environment": {"DB_HOST": db, "CACHE_URL": f"redis://svc{group * 10 + 1:05d}:6379/0",
                                "LOG_LEVEL": "info",
                                **({"API_TOKEN": f"token-{i}"} if role == 2 and group % 20 == 0 else {})},
                "depends_on": {db: {"condition": "service_healthy"}},
                "healthcheck": {"test": ["CMD", "curl", "-f", "http://localhost:8080/health"], "interval": "30s"},
                "deploy": {"replicas": 2, "resources": {"limits": {"cpus": "0.5", "memory": "256M"}}},
            }
        elif role in (7, 8):
            services[name] = {"image": "example/worker:3.1", "command": ["work", "--queue", f"q{group}"],
                              "volumes": [f"./shared/group{group}:/var/spool/work"],
                              "depends_on": [f"svc{group * 10 + 2:05d}"]}
        else:
            services[name] = {"image": "example/migrate:3.1", "restart": "no", "command": ["migrate", "up"]}
    return {"name": "bench", "services": services, "volumes": volumes,
            "secrets": {"db_password": {"file": "./secrets/db_password.txt"}}}


def write(n: int, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secrets").mkdir(exist_ok=True)
    (folder / "secrets" / "db_password.txt").write_text("bench-only-password\n")
    for group in range((n + 9) // 10):
        (folder / "shared" / f"group{group}").mkdir(parents=True, exist_ok=True)
    path = folder / "compose.yaml"
    path.write_text(yaml.safe_dump(stack(n), sort_keys=False))
    return path


if __name__ == "__main__":
    print(write(int(sys.argv[1]), Path(sys.argv[2])))
