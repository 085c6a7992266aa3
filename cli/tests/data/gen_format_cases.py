"""Regenerates format-cases.json: each input rendered by awscli 1.46.3's own formatters.

Run with the awscli venv's python (python3 -m venv target/awscli-venv &&
target/awscli-venv/bin/pip install awscli==1.46.3):
    target/awscli-venv/bin/python cli/tests/data/gen_format_cases.py
The table is rendered as awscli does when stdout is not a terminal: 80 columns, no colour.
A case awscli fails to format has "text" or "table": null.
"""
import argparse
import io
import json
import os
from collections import OrderedDict

import awscli.table
from awscli.formatter import TableFormatter
from awscli.text import format_text

awscli.table.determine_terminal_width = lambda default_width=80: 80

CASES = [
    ("list_buckets", "ListBuckets", {
        "Buckets": [
            {"Name": "alpha", "CreationDate": "2024-01-02T03:04:05+00:00"},
            {"Name": "beta-bucket-with-a-longer-name", "CreationDate": "2024-02-03T04:05:06+00:00"},
        ],
        "Owner": {"DisplayName": "webfile", "ID": "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"},
    }),
    ("describe_instances", "DescribeInstances", {
        "Reservations": [
            {"ReservationId": "r-1", "OwnerId": "123456789012", "Groups": [],
             "Instances": [
                 {"InstanceId": "i-0abc", "InstanceType": "t2.micro", "State": {"Code": 16, "Name": "running"},
                  "Tags": [{"Key": "Name", "Value": "web"}, {"Key": "env", "Value": "prod"}],
                  "SecurityGroups": [{"GroupName": "default", "GroupId": "sg-1"}],
                  "EbsOptimized": False, "AmiLaunchIndex": 0},
                 {"InstanceId": "i-0def", "InstanceType": "m5.large", "State": {"Code": 80, "Name": "stopped"},
                  "EbsOptimized": True, "AmiLaunchIndex": 1},
             ]},
            {"ReservationId": "r-2", "OwnerId": "123456789012", "Instances": []},
        ]
    }),
    ("caller_identity", "GetCallerIdentity", {"UserId": "AKIAIOSFODNN7EXAMPLE", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/moto"}),
    ("single_scalar", "GetBucketLocation", {"LocationConstraint": "eu-west-1"}),
    ("list_of_strings", "ListQueues", {"QueueUrls": ["https://sqs.us-east-1.amazonaws.com/1/a", "https://sqs.us-east-1.amazonaws.com/1/b"]}),
    ("bare_list_of_strings", "ListQueues", ["a", "b", "c"]),
    ("list_of_lists", "DescribeInstances", [["i-1", "running", 3], ["i-2", "stopped", 4]]),
    ("list_of_nested_lists", "DescribeInstances", [[["i-1", "a"], ["i-2", "b"]], [["i-3", "c"]]]),
    ("list_of_lists_of_dicts", "DescribeInstances", [[{"Id": "i-1", "Name": "a"}], [{"Id": "i-2"}]]),
    ("mixed_scalars_and_lists", "Op", {"Items": ["x", ["y", "z"], "w"]}),
    ("scalar_types", "Op", {"Int": 42, "Big": 12345678901234567890, "Float": 1.5, "Whole": 2.0, "Tiny": 1e-07,
                            "Huge": 1e+20, "Tenth": 0.1, "T": True, "F": False, "Nil": None, "Empty": "", "Neg": -3}),
    ("ragged_list_of_dicts", "ListThings", {"Things": [{"A": "1", "B": "2"}, {"B": "3", "C": "4"}, {"A": "5", "Nested": {"X": "y"}}]}),
    ("key_scalar_and_dict", "ListThings", {"Things": [{"K": "v"}, {"K": {"inner": "d"}}]}),
    ("wide_values_vertical", "GetThing", {"Thing": {"Description": "x" * 60, "Name": "a-long-name-for-a-thing", "Arn": "arn:aws:thing:us-east-1:123456789012:thing/abcdef"}}),
    ("unicode_wide", "GetThing", {"Name": "日本語の名前", "Other": "é", "Emoji": "ok"}),
    ("top_scalar_string", "GetThing", "just-a-string"),
    ("top_number", "GetThing", 17),
    ("top_false", "GetThing", False),
    ("empty_dict", "GetThing", {}),
    ("empty_list", "GetThing", []),
    ("nested_empties", "GetThing", {"A": [], "B": {}, "C": "c"}),
    ("deep_nesting", "GetDeep", {"L1": {"S": "1", "L2": {"S": "2", "T": "two", "L3": {"Items": [{"Id": 1, "V": "a"}, {"Id": 2, "V": "b"}]}}}}),
    ("tags_list", "ListTags", {"TagList": [{"Key": "a", "Value": "1"}, {"Key": "bb", "Value": "22"}]}),
    ("list_with_dict_and_scalar", "Op", ["a", {"k": "v"}]),
    ("list_with_dict_first_then_scalar", "Op", [{"k": "v"}, "a"]),
    ("many_columns", "DescribeVolumes", {"Volumes": [
        {"VolumeId": "vol-0123456789abcdef0", "Size": 8, "State": "in-use", "AvailabilityZone": "us-east-1a",
         "VolumeType": "gp3", "Encrypted": False, "Iops": 3000, "CreateTime": "2024-01-02T03:04:05.123000+00:00"},
        {"VolumeId": "vol-1", "Size": 100, "State": "available", "AvailabilityZone": "us-east-1b",
         "VolumeType": "io2", "Encrypted": True, "Iops": 64000, "CreateTime": "2024-01-02T03:04:05+00:00"},
    ]}),
    ("short_title_long", "AVeryLongOperationNameThatIsWiderThanItsContent", {"A": "b"}),
    ("query_projection", "Op", [{"Name": "a", "Size": 1}, {"Name": "b", "Size": 22}]),
    ("numbers_in_list", "Op", {"Values": [1, 2.5, 3e+30, -0.0001, 0.00001]}),
    ("tab_and_newline", "Op", {"Text": "a\tb", "Multi": "line1"}),
]

class Args:
    color = "off"
    query = None

out = []
for name, title, value in CASES:
    text_stream = io.StringIO()
    try:
        format_text(json.loads(json.dumps(value)), text_stream)
        text = text_stream.getvalue()
    except Exception:
        text = None
    table_stream = io.StringIO()
    try:
        # _format_response: what runs after --query (the full __call__ first strips
        # ResponseMetadata from the response, which only a dictionary has).
        TableFormatter(Args())._format_response(title, json.loads(json.dumps(value)), table_stream)
        table = table_stream.getvalue()
    except Exception:
        table = None
    out.append(OrderedDict([("name", name), ("title", title), ("input", value),
                            ("text", text), ("table", table)]))

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "format-cases.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
    f.write("\n")
