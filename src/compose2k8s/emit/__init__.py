"""From the plan to Kubernetes objects, files and a Kustomize tree."""
