"""The plan: what the passes build between the compose project and Kubernetes objects."""
