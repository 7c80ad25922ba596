"""Requests whose memory exceeds the CLI's 4 GiB limit raise ValueError before
anything is allocated (docs/python.md): the CLI's message with the fields in
place of the flags. Each call here would need tens of GiB if it were not
refused first, so a missing check shows as a MemoryError, an OOM kill or a
timeout, not as a pass (try old code only under `ulimit -v 3000000`)."""
import numpy as np
import pytest

import qmf
from qmf_cli import failure

LIMIT = r"GiB of memory; the limit is 4 GiB$"


def test_simulate_refuses_what_the_cli_refuses_with_its_message():
    status, message = failure("simulate", "--act", "tanh", "--sw2", 1, "--width", 10**8,
                              "--depth", 3, "--threads", 1)
    assert status == 2
    with pytest.raises(ValueError) as raised:
        qmf.simulate("tanh", 1.0, 0.0, width=10**8, depth=3, threads=1)
    assert str(raised.value) == message.replace("--", "")


def test_the_reviewers_simulate_call_is_refused():
    with pytest.raises(ValueError, match=r"^width, depth, nets and threads ask for .*" + LIMIT):
        qmf.simulate("tanh", 1, 0, width=10**9, depth=3)


@pytest.mark.parametrize("call,sizes", [
    (lambda: qmf.phase("tanh", np.linspace(0.5, 2.0, 100000), np.linspace(0.0, 0.5, 100000),
                       threads=1), r"sw2 and sb2 \(a 100000 x 100000 grid\) ask for"),
    (lambda: qmf.iterate_maps("tanh", 1.5, 0.1, depth=2 * 10**9), "depth asks for"),
    (lambda: qmf.maps("tanh", 1.5, 0.1, depth=2 * 10**9), "depth asks for"),
    (lambda: qmf.quasi_states("sign", 1.0, 0.1, depth=2 * 10**9,
                              weights="binary,rounding=stochastic-per-example"), "depth asks for"),
    (lambda: qmf.kernel("relu", 2.0, depth=3, t=2 * 10**9), "t_points asks for"),
    (lambda: qmf.propagate(qmf.LayerMap(qmf.activation("tanh"), qmf.Dense(1.5, 0.1)),
                           qmf.KernelState.with_norms(1.0, 1.0, 0.5), 2 * 10**9),
     "depth asks for"),
], ids=["phase", "iterate_maps", "maps", "quasi_states", "kernel", "propagate"])
def test_sizes_beyond_the_limit_are_refused(call, sizes):
    with pytest.raises(ValueError, match="^" + sizes + " .*" + LIMIT):
        call()


def test_sizes_within_the_limit_still_run():
    assert qmf.iterate_maps("tanh", 1.5, 0.1, depth=10)["q"].shape == (11,)
    assert qmf.phase("sign", [1.0, 2.0], [0.0], threads=1)["xi_c"].shape == (1, 2)
