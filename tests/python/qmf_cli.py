"""The qmf program (path in $QMF_PROGRAM, set by tests/meson.build), run as a
user would, for comparing the package with the CLI's --json on the same input."""
import json
import math
import os
import subprocess

PROGRAM = os.environ.get("QMF_PROGRAM", "build/apps/qmf")


def run(*args):
    """(exit status, stdout, stderr) of `qmf ARGS`."""
    done = subprocess.run([PROGRAM, *map(str, args)], capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


def json_of(*args):
    """The JSON object `qmf ARGS --json` prints, with its representation of an
    infinite result (docs/output_format.md: "inf" beside "KEY_infinite": true)
    turned into the package's float('inf')."""
    status, stdout, stderr = run(*args, "--json")
    assert status == 0, stderr
    return json.loads(stdout, object_hook=_infinities)


def _infinities(d):
    flags = [k for k in d if k.endswith("_infinite")]
    out = {k: v for k, v in d.items() if k not in flags}
    for flag in flags:
        if d[flag]:
            out[flag[: -len("_infinite")]] = math.inf
    return out


def failure(*args):
    """(exit status, message) of a failing `qmf ARGS`: the message without the
    'qmf: error: ' prefix and with the library's field name in place of the
    flag the CLI maps it to (--act -> activation, --sw2 -> sw2, --ste-clip -> ste_clip)."""
    status, _, stderr = run(*args)
    assert status != 0 and stderr.count("\n") == 1, stderr
    message = stderr.strip().split(": ", 2)[2]
    if message.startswith("--"):
        flag, _, rest = message.partition(" ")
        field = "activation" if flag == "--act" else flag[2:].replace("-", "_")
        message = f"{field} {rest}" if rest else field
    return status, message


def close(a, b, rel=1e-13):
    """Numbers (or nested dicts/lists of them) equal to `rel`, infinities equal."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k], rel) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(close(x, y, rel) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return a == b or math.isclose(a, b, rel_tol=rel, abs_tol=1e-300)
    return a == b
