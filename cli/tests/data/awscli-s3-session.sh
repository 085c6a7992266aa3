# The awscli 1.46.3 session the expectations of tests/s3_commands.rs come from: run in a
# directory holding a.txt ("hello"), tree/one.txt (2048 x "1"), tree/sub/two.log ("22") and
# tree/sub-file.txt ("3"), with EP set to a fresh moto server; its output is
# awscli-s3-session.out (cat -A: ^M is the progress line's carriage return, $ a line end).
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 HOME=/tmp/clifmt-aws-home
AWS="${AWSCLI:-target/awscli-venv/bin/aws} --endpoint-url $EP"
run() { echo "=== $*"; $AWS s3 "$@" > /tmp/o 2> /tmp/e; echo "rc=$?"; echo "--out"; cat -A /tmp/o; echo "--err"; cat -A /tmp/e; }
run mb s3://bkt
run mb s3://bkt
run cp a.txt s3://bkt/
run cp tree s3://bkt/pre --recursive
run ls s3://bkt
run ls s3://bkt/pre/
run ls s3://bkt --recursive --human-readable --summarize
run ls s3://bkt/nothing
run ls s3://no-such-bucket
run ls
run cp s3://bkt/a.txt b.txt
run cp s3://bkt/pre out --recursive
run cp s3://bkt/pre/one.txt tree/
run cp s3://bkt/a.txt -
run cp s3://bkt/missing.txt .
run cp s3://bkt/a.txt s3://bkt/copy/
run cp s3://bkt/pre/ s3://bkt/txt --recursive --exclude '*' --include '*.txt'
run cp nope.txt s3://bkt/
run cp a.txt s3://no-such-bucket/a.txt
run cp a.txt s3://bkt/dry.txt --dryrun
run rm s3://bkt/a.txt
run rm s3://bkt/txt --recursive
run rm s3://no-such-bucket/k
run rb s3://bkt
run rb s3://bkt --force
run cp a.txt
run ls --bogus
run mb bkt
