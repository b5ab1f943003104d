"""post_start / pre_stop hooks → lifecycle handlers."""
import shlex

from ..golden import convert_case
from ..trees import find, pod


def _lifecycle(result, name):
    return pod(find(result.files, "Deployment", name))["containers"][0]["lifecycle"]


def test_one_plain_hook_is_its_own_argv():
    result = convert_case("lifecycle-hooks")
    assert _lifecycle(result, "web") == {"preStop": {"exec": {"command": ["nginx", "-s", "quit"]}}}


def test_several_hooks_run_in_order_and_stop_at_the_first_failure():
    command = _lifecycle(convert_case("lifecycle-hooks"), "app")["postStart"]["exec"]["command"]
    assert command[:2] == ["sh", "-c"]
    first, second = command[2].split(" && touch ")
    assert second == "/tmp/started"
    # the first hook keeps its folder and environment, quoted for the shell
    assert shlex.split(first.strip("()")) == ["cd", "/srv/app", "&&", "env", "CACHE_MODE=fast lane",
                                               "./manage.py", "warm-cache", "--limit", "100"]


def test_user_and_privileged_of_a_hook_are_reported_not_dropped_silently():
    result = convert_case("lifecycle-hooks")
    assert _lifecycle(result, "app")["preStop"] == {"exec": {"command": ["sh", "-c", "kill -TERM 1 && sleep 5"]}}
    lost = [d for d in result.diagnostics if d.code == "hook-options"]
    assert [(d.service, d.key, d.severity) for d in lost] == [("app", "pre_stop", "warning")]
    assert "user, privileged" in lost[0].message
