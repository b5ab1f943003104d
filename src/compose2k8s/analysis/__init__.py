"""Read-only facts about the project, computed once after `lift` and kept on the Plan.

Passes read them (`plan.facts`); none of them decides anything about Kubernetes objects.
"""
