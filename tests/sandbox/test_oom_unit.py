"""worker/sandbox/oom.py: an OOM kill whose flag reaches the engine after
the exit (containerd sends the exit first) is still an OOM kill."""

from __future__ import annotations

import time

from worker.sandbox.oom import oom_killed


class FakeContainer:
    """An exited container whose OOM flag turns true at the ``flag_at``-th
    inspect (never when None)."""

    def __init__(self, flag_at: int | None) -> None:
        self.flag_at = flag_at
        self.reloads = 0
        self.attrs: dict = {"State": {"OOMKilled": False}}

    def reload(self) -> None:
        self.reloads += 1
        if self.flag_at is not None and self.reloads >= self.flag_at:
            self.attrs = {"State": {"OOMKilled": True}}


def test_flag_set_after_the_exit_is_seen() -> None:
    c = FakeContainer(flag_at=3)
    assert oom_killed(c, 137, grace=1.0, poll=0.001)
    assert c.reloads == 3


def test_flag_already_set_costs_one_inspect() -> None:
    c = FakeContainer(flag_at=1)
    assert oom_killed(c, 137)
    assert c.reloads == 1


def test_a_sigkill_without_the_flag_gives_up_after_the_grace() -> None:
    c = FakeContainer(flag_at=None)
    t0 = time.monotonic()
    assert not oom_killed(c, 137, grace=0.05, poll=0.01)
    assert 0.05 <= time.monotonic() - t0 < 1.0 and c.reloads >= 2


def test_a_flag_already_known_counts_whatever_the_exit() -> None:
    c = FakeContainer(flag_at=None)
    c.attrs = {"State": {"OOMKilled": True, "ExitCode": 1}}
    assert oom_killed(c, 1) and c.reloads == 0


def test_other_exits_are_not_inspected() -> None:
    for code in (0, 1, 139, None):
        c = FakeContainer(flag_at=1)
        assert not oom_killed(c, code)
        assert c.reloads == 0


def test_a_container_removed_meanwhile_is_not_an_oom_kill() -> None:
    import docker.errors

    class Gone(FakeContainer):
        def reload(self) -> None:
            raise docker.errors.NotFound("gone")

    assert not oom_killed(Gone(flag_at=None), 137)
