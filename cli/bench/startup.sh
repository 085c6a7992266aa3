#!/usr/bin/env bash
# Startup benchmark (issue 13 item 4): `sts get-caller-identity` against a running moto,
# N runs of the release `rboto` beside N runs of the AWS CLI, wall and CPU time of each.
# Usage: cli/bench/startup.sh <endpoint-url> [runs] [aws-binary]
#   (build first: cargo build --release -p rboto-cli)
set -euo pipefail
endpoint=${1:?usage: startup.sh <endpoint-url> [runs] [aws-binary]}
runs=${2:-20}
aws=${3:-target/awscli-venv/bin/aws}
rboto=${RBOTO:-target/release/rboto}
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-testing} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-testing}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
measure() {
    local name=$1; shift
    "$@" sts get-caller-identity --endpoint-url "$endpoint" >/dev/null # warm the page cache
    /usr/bin/time -f "$name: %e s wall, %U s user + %S s sys for $runs runs, max RSS %M KB" \
        bash -c 'for _ in $(seq "$0"); do "$@" sts get-caller-identity --endpoint-url "'"$endpoint"'" >/dev/null; done' "$runs" "$@"
}
measure rboto "$rboto"
measure "aws  " "$aws"
