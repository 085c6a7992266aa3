"""Runs many `aws` commands in one Python process, for the side-by-side test (aws_cli.rs).

Starting the AWS CLI costs about 0.5 s of CPU per command (Python, botocore, the command
table); the corpus has hundreds of commands on a 2-core machine, so the peer's commands go
through this loop instead: it does what the venv's `bin/aws` script does (`sys.argv` set,
`awscli.clidriver.main()`, its return value as the exit code, SystemExit caught), with the
command's working directory and whole environment, and stdout and stderr captured as bytes.
Each command gets a fresh CLI driver and botocore session, as a new process would.
`RBOTO_AWS_CLI_SELF=1` compares this loop with the real `aws` program over the whole corpus.

Protocol: one JSON object a line on stdin, {"args": [...], "cwd": "...", "env": {...}};
one JSON object a line on stdout, {"code": N, "stdout": "...", "stderr": "..."} (UTF-8 decoded
with replacement).
"""

import io
import json
import os
import sys
import traceback

# As bin/aws does before importing the CLI.
if os.environ.get("LC_CTYPE", "") == "UTF-8":
    os.environ["LC_CTYPE"] = "en_US.UTF-8"
BEFORE = dict(os.environ)
import awscli.clidriver  # noqa: E402

# What importing the CLI put into the environment (awscli/__init__.py sets AWS_DATA_PATH to its
# own data directory): a new process would have it too, so it is put back for every command.
INJECTED = {k: v for k, v in os.environ.items() if BEFORE.get(k) != v}

PROTOCOL_OUT = sys.stdout
REAL_STDERR = sys.stderr


def capture():
    raw = io.BytesIO()
    return raw, io.TextIOWrapper(raw, encoding="utf-8", errors="strict", write_through=True)


def run(request):
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.update(INJECTED)
    os.chdir(request["cwd"])
    out_raw, out = capture()
    err_raw, err = capture()
    sys.argv = ["aws"] + request["args"]
    sys.stdout, sys.stderr = out, err
    try:
        code = awscli.clidriver.main()
    except SystemExit as e:
        code = e.code
    except BaseException:  # what an uncaught exception does to the real process
        traceback.print_exc()
        code = 1
    finally:
        for stream in (out, err):
            try:
                stream.flush()
            except Exception:
                pass
        sys.stdout, sys.stderr = PROTOCOL_OUT, REAL_STDERR
    if code is None:
        code = 0
    elif not isinstance(code, int):
        err_raw.write(str(code).encode() + b"\n")
        code = 1
    return {
        "code": code,
        "stdout": out_raw.getvalue().decode("utf-8", "replace"),
        "stderr": err_raw.getvalue().decode("utf-8", "replace"),
    }


for line in sys.stdin:
    response = run(json.loads(line))
    PROTOCOL_OUT.write(json.dumps(response) + "\n")
    PROTOCOL_OUT.flush()
