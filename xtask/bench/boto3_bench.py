"""The boto3 driver of `cargo xtask bench --peers`.

The same command line, workloads, responses and `RESULT <key> <value>` lines as
rboto-bench (see xtask/bench/rboto-bench/src/main.rs), on boto3. Run with the python of
the venv beside moto (the xtask installs boto3 there, matching its pinned botocore):

    sign <n> <post|get|presign|all>
    req <url> <n> <kind|all> <basic|all>
    concurrent <url> <n>
"""

import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import boto3
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

KINDS = ["s3put", "s3get", "ddbput", "ddbget", "ddbquery", "s3list", "ec2desc",
         "sqsrecv", "snslist", "cwcbor"]
BASIC = 4
WARM_UP = 3
OBJECT = b"x" * 1024
BODY = b'{"TableName":"bench","Key":{"pk":{"S":"user#000001"}}}'


def result(key, value):
    print(f"RESULT {key} {value:.1f}", flush=True)


def mark():
    """A phase boundary for callgrind's --dump-before=getppid (see rboto-bench's main.rs)."""
    os.getppid()


def median(values):
    if not values:
        return 0.0
    v = sorted(values)
    m = len(v) // 2
    return v[m] if len(v) % 2 else (v[m - 1] + v[m]) / 2


def batched(n, f):
    """Times n calls of f in 10 batches; the median CPU nanoseconds per call."""
    per = n // 10
    if per == 0:
        for _ in range(n):
            f()
        return 0.0
    samples = []
    for _ in range(10):
        start = time.process_time_ns()
        for _ in range(per):
            f()
        samples.append((time.process_time_ns() - start) / per)
    return median(samples)


def sign(n, which):
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    s3_url = "https://bench.s3.us-east-1.amazonaws.com/photos/2024/cat.jpg"

    def post():
        r = AWSRequest(method="POST", url="https://dynamodb.us-east-1.amazonaws.com/",
                       headers={"Content-Type": "application/x-amz-json-1.0",
                                "X-Amz-Target": "DynamoDB_20120810.GetItem"},
                       data=BODY)
        SigV4Auth(creds, "dynamodb", "us-east-1").add_auth(r)

    def get():
        r = AWSRequest(method="GET", url=s3_url)
        S3SigV4Auth(creds, "s3", "us-east-1").add_auth(r)

    def presign():
        r = AWSRequest(method="GET", url=s3_url)
        S3SigV4QueryAuth(creds, "s3", "us-east-1", expires=3600).add_auth(r)

    for kind, f in (("post", post), ("get", get), ("presign", presign)):
        if which in (kind, "all"):
            mark()
            result(f"sign.{kind}.ns", batched(n, f))
    mark()


class Clients:
    def __init__(self, url, pool=10):
        session = boto3.session.Session(
            aws_access_key_id="AKIDBENCH", aws_secret_access_key="bench-secret",
            region_name="us-east-1")
        config = Config(s3={"addressing_style": "path"}, max_pool_connections=pool)
        make = lambda name: session.client(name, endpoint_url=url, config=config)
        self.s3 = make("s3")
        self.ddb = make("dynamodb")
        self.ec2 = make("ec2")
        self.sqs = make("sqs")
        self.sns = make("sns")
        self.cw = make("cloudwatch")
        # botocore picks JSON for CloudWatch (the first protocol of its model it prefers); the
        # CBOR workload swaps in botocore's own smithy-rpc-v2-cbor serializer and parser.
        # (botocore's Endpoint picks the parser by `resolved_protocol`, a cached property.)
        self.cw.meta.service_model.__dict__["resolved_protocol"] = "smithy-rpc-v2-cbor"
        self.cw._serializer = create_serializer("smithy-rpc-v2-cbor")
        self.cw._response_parser = create_parser("smithy-rpc-v2-cbor")
        self.queue_url = f"{url}/123456789012/bench"

    def one(self, kind):
        if kind == "s3put":
            self.s3.put_object(Bucket="bench", Key="obj", Body=OBJECT)
            got = 1
        elif kind == "s3get":
            got = len(self.s3.get_object(Bucket="bench", Key="obj")["Body"].read())
        elif kind == "ddbput":
            self.ddb.put_item(TableName="bench", Item={
                "pk": {"S": "user#000001"}, "status": {"S": "SHIPPED"},
                "amount": {"N": "123.45"}})
            got = 1
        elif kind == "ddbget":
            got = len(self.ddb.get_item(TableName="bench",
                                        Key={"pk": {"S": "user#000001"}}).get("Item", {}))
        elif kind == "ddbquery":
            got = len(self.ddb.query(
                TableName="bench", KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": "user#000001"}})["Items"])
        elif kind == "s3list":
            got = len(self.s3.list_objects_v2(Bucket="bench").get("Contents", []))
        elif kind == "ec2desc":
            got = sum(len(r["Instances"])
                      for r in self.ec2.describe_instances()["Reservations"])
        elif kind == "sqsrecv":
            got = len(self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", []))
        elif kind == "snslist":
            got = len(self.sns.list_subscriptions()["Subscriptions"])
        elif kind == "cwcbor":
            out = self.cw.get_metric_data(
                MetricDataQueries=[{"Id": "m0", "MetricStat": {
                    "Metric": {"Namespace": "AWS/EC2", "MetricName": "CPUUtilization"},
                    "Period": 60, "Stat": "Average"}}],
                StartTime=datetime.fromtimestamp(1714564800, timezone.utc),
                EndTime=datetime.fromtimestamp(1714570800, timezone.utc))
            got = sum(len(r["Values"]) for r in out["MetricDataResults"])
        else:
            raise SystemExit(f"unknown request kind {kind}")
        if not got:
            raise SystemExit(f"{kind}: empty response")


def req(url, n, which, kind_set):
    kinds = KINDS[:BASIC] if kind_set == "basic" else KINDS
    c = Clients(url)
    for kind in kinds:
        for _ in range(WARM_UP):
            c.one(kind)
    for kind in kinds:
        if which not in (kind, "all"):
            continue
        mark()
        wall, cpu = [], []
        for _ in range(n):
            start, cpu_start = time.perf_counter_ns(), time.process_time_ns()
            c.one(kind)
            cpu.append(time.process_time_ns() - cpu_start)
            wall.append(time.perf_counter_ns() - start)
        if n:
            result(f"req.{kind}.wall_ns", median(wall))
            result(f"req.{kind}.cpu_ns", median(cpu))
    mark()


def concurrent(url, n):
    """n GetItem calls at once on one client: one thread each (boto3 is synchronous)."""
    c = Clients(url, pool=n)
    c.one("ddbget")

    def call(_):
        try:
            c.one("ddbget")
            return 0
        except Exception:  # noqa: BLE001 - counted, as the Rust drivers count errors
            return 1

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        errors = sum(pool.map(call, range(n)))
    secs = time.perf_counter() - start
    result("conc.rps", n / secs)
    result("conc.errors", errors)
    result("conc.peak_rss_kib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main(args):
    if args[:1] == ["sign"]:
        sign(int(args[1]), args[2])
    elif args[:1] == ["req"]:
        req(args[1], int(args[2]), args[3], args[4])
    elif args[:1] == ["concurrent"]:
        concurrent(args[1], int(args[2]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
