"""Ctrl-C (SIGINT) ends a long call with KeyboardInterrupt (review 30 Nov L).

One child process makes each call below, every one of which runs for minutes;
the test sends SIGINT shortly after the call starts and expects
KeyboardInterrupt within a few seconds. Before the fix every call ran to its
end (the calls release the GIL, and Python runs handlers only between
bytecodes)."""
import json
import queue
import signal
import subprocess
import sys
import threading
import time

# Each runs for minutes on one thread without the signal (scaled up from
# timings of smaller calls): work, not memory, until it is interrupted.
CALLS = {
    "simulate": "qmf.simulate('tanh', 1.5, 0.1, width=2, depth=10**6, nets=2, threads=1)",
    "phase": "qmf.phase('tanh', np.linspace(0.2, 4, 300), np.linspace(0, 0.5, 300), threads=1)",
    "critical_line": "qmf.critical_line('tanh', np.linspace(0, 2, 10**6), threads=1)",
    "iterate_maps": "qmf.iterate_maps('gelu', 1.5, 0.1, depth=10**6)",
    "maps": "qmf.maps('gelu', 1.5, 0.1, depth=10**6)",
    "propagate": "qmf.propagate(qmf.LayerMap(qmf.activation('gelu'), qmf.Dense(1.5, 0.1)), "
                 "qmf.KernelState.with_norms(1, 2, 0.5), 10**6)",
    "kernel": "qmf.kernel('tanh', 1.5, 0.1, depth=10**6, t=2001)",
    "kernel_quasi": "qmf.kernel('sign', 1.5, 0.1, depth=10**6, t=2001, weights=BINARY)",
    "quasi_states": "qmf.quasi_states('sign', 1.0, 0.1, depth=10**7, weights=BINARY)",
    "lmax": "qmf.lmax(range(2, 10**5), threads=1)",
    "lmax_biased": "qmf.lmax_biased(range(3, 2000), 0.1, threads=1)",
    # One step each (seconds): the search over sigma_w^2 of a single N, and
    # the E[phi^2] table of a phase diagram whose sb2 spans 300 decades.
    "lmax_biased_one_n": "qmf.lmax_biased([10000], 0.1, threads=1)",
    "phase_table": "qmf.phase('quant:100000', np.array([1.0]), np.array([0.0, 1e300]), threads=1)",
    "lmax_clip": "qmf.lmax_clip(range(2, 10**5), 'bits:2,rounding=stochastic-per-example', "
                 "threads=1)",
}


CHILD = """
import json, sys, time
import numpy as np
import qmf
BINARY = 'binary,rounding=stochastic-per-example'
for name, call in json.loads(sys.argv[1]).items():
    print('start', name, flush=True)
    try:
        eval(call)
    except KeyboardInterrupt:
        print('interrupted', name, flush=True)
    except Exception as error:
        print('error', name, type(error).__name__, error, flush=True)
    else:
        print('finished', name, flush=True)
# The module still works after an interrupted call.
print('after', qmf.maps('tanh', 1.5, 0.1)['q_star'] > 0, flush=True)
# A handler of one's own stops a call with its own exception.
def alarm(signum, frame):
    raise TimeoutError
import signal
signal.signal(signal.SIGALRM, alarm)
signal.setitimer(signal.ITIMER_REAL, 0.3)
try:
    eval(json.loads(sys.argv[1])['phase'])
except TimeoutError:
    print('timeout', flush=True)
"""

# The call has started when the child prints its name; this long after, it is
# deep inside the library.
SIGNAL_AFTER = 0.4
# The fix answers within 0.1 s plus one polling step; generous for a loaded machine.
ANSWER_WITHIN = 3.0


def test_sigint_ends_every_long_call_with_keyboard_interrupt():
    child = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(CALLS)],
                             stdout=subprocess.PIPE, text=True)
    lines = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line.split()) for line in child.stdout])
    reader.start()
    answers = {}
    try:
        for name in CALLS:
            assert lines.get(timeout=30) == ["start", name]
            time.sleep(SIGNAL_AFTER)
            child.send_signal(signal.SIGINT)
            sent = time.monotonic()
            try:
                line = lines.get(timeout=ANSWER_WITHIN)
            except queue.Empty:
                raise AssertionError(f"{name}: still running {ANSWER_WITHIN} s after SIGINT")
            answers[name] = round(time.monotonic() - sent, 3)
            assert line == ["interrupted", name], (line, answers)
        assert lines.get(timeout=30) == ["after", "True"]
        assert lines.get(timeout=ANSWER_WITHIN + 0.3) == ["timeout"]
    finally:
        child.kill()
        child.wait()
        reader.join()
    print("seconds from SIGINT to KeyboardInterrupt:", answers)
