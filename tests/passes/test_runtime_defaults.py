"""Pods get what Docker gave compose containers: the runtime's seccomp profile, no API token."""
from ..golden import cases, convert_case, convert_text
from ..trees import find, objects, pod

WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}


def test_every_workload_of_every_case_is_confined_and_tokenless_unless_it_uses_our_account():
    for case in cases():
        for obj in objects(convert_case(case).files):
            if obj["kind"] not in WORKLOAD_KINDS:
                continue
            spec = pod(obj)
            assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, (case, obj["kind"])
            if "serviceAccountName" in spec:  # ours (waiting for Jobs, refreshing the ECR pull secret), or named
                labelled = obj["metadata"]["name"] == "edge" and case == "kompose-labels"  # kompose.serviceaccount-name
                assert spec["serviceAccountName"].endswith("-wait-jobs") or obj["kind"] == "CronJob" or labelled
                assert "automountServiceAccountToken" not in spec  # kubectl needs the token
            else:
                assert spec["automountServiceAccountToken"] is False, (case, obj["metadata"]["name"])


def test_a_services_own_seccomp_setting_stays_on_its_container(tmp_path):
    result = convert_text(tmp_path, "services:\n  app:\n    image: a:1\n    security_opt: [seccomp=unconfined]\n")
    spec = pod(find(result.files, "Deployment", "app"))
    assert spec["containers"][0]["securityContext"]["seccompProfile"] == {"type": "Unconfined"}
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}  # init containers keep it


def test_windows_pods_get_no_seccomp_profile(tmp_path):
    result = convert_text(tmp_path, "services:\n  app:\n    image: a:1\n    platform: windows/amd64\n")
    spec = pod(find(result.files, "Deployment", "app"))
    assert "securityContext" not in spec and spec["automountServiceAccountToken"] is False


def test_the_option_leaves_both_to_the_cluster(tmp_path):
    result = convert_text(tmp_path, "services:\n  app:\n    image: a:1\n", runtime_defaults=False)
    spec = pod(find(result.files, "Deployment", "app"))
    assert "securityContext" not in spec and "automountServiceAccountToken" not in spec
    assert not any(d.code == "runtime-defaults" for d in result.diagnostics)


def test_it_is_reported_once(tmp_path):
    result = convert_text(tmp_path, "services:\n  a:\n    image: a:1\n  b:\n    image: b:1\n")
    assert [d.severity for d in result.diagnostics if d.code == "runtime-defaults"] == ["info"]
