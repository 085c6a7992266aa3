"""Regenerates shorthand-cases.json: what awscli 1.46.3 makes of command-line values.

For each case: the member of shorthand-model.json's OpInput, the values argparse hands over
(a list for list members, one string otherwise), and what awscli's `process-cli-arg` handler
(ParamShorthandParser) or, when it declines, `unpack_cli_arg` returns: "value", or "error"
(the exception text) with "param_error" true for awscli's ParamError (exit 252) and false for
an uncaught Python error (exit 255). Run with target/awscli-venv/bin/python.
"""
import json
import os
from collections import OrderedDict

import awscli  # noqa: F401  (makes its bundled botocore importable as `botocore`)
from botocore.model import ServiceModel

from awscli.argprocess import ParamShorthandParser, ParamError, unpack_cli_arg

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "shorthand-model.json")) as f:
    model = ServiceModel(json.load(f), "shorthand")
members = model.operation_model("Op").input_shape.members

L = "list"
CASES = [
    # (member, values)
    ("Tags", ["Key=a,Value=b", "Key=c,Value=d"]),
    ("Tags", ["Key=a,Value=b Key=c,Value=d"]),
    ("Tags", ['[{"Key":"a","Value":"b"}]']),
    ("Tags", ['{"Key":"a","Value":"b"}', '{"Key":"c","Value":"d"}']),
    ("Tags", ["Key=a,Value=b", "Key=a,Key=b"]),
    ("Tags", ["Key=,Value="]),
    ("Tags", ["Key='a,b',Value=\"c d\""]),
    ("Tags", ["Key=a\\,b,Value=x"]),
    ("Tags", ["Key = a , Value = b"]),
    ("Tags", ["Key=a,Value=b,c"]),
    ("Tags", ["Key"]),
    ("Tags", ["Key=a,"]),
    ("Tags", ["Key=a Value=b"]),
    ("Tags", ["Key='unterminated"]),
    ("Tags", ["Key='it\\'s',Value=\"say \\\"hi\\\"\""]),
    ("Tags", ["Key=[a,b]"]),
    ("Tags", ["Key=a,Value=b\n,Key=c"]),
    ("Tag", ["Key=k,Value=v"]),
    ("Tag", ['{"Key": "k", "Value": "v"}']),
    ("Tag", ["[1,2]"]),
    ("Tag", ["Key={a=b}"]),
    ("Tag", ["Key=k,Value=v,Extra=e"]),
    ("Filters", ["Name=tag:Name,Values=web,db", "Name=instance-state-name,Values=running"]),
    ("Filters", ["Name=a,Values=[x,y]"]),
    ("Filters", ["Name=a,Values=x"]),
    ("Filters", ["Name=a,Values=x,y,z"]),
    ("Filters", ["Name=a,Values=[]"]),
    ("Filters", ["Name=a,Values=[ x , 'y,z' ]"]),
    ("Filters", ['{"Name":"a"}', "Name=b"]),
    ("Ids", ["i-1", "i-2", "i-3"]),
    ("Ids", ['["i-1", "i-2"]']),
    ("Ids", ["a=b"]),
    ("Ids", ["[not json"]),
    ("Counts", ["1", "2", "30"]),
    ("Counts", ["1", "x"]),
    ("Counts", ["[1, 2]"]),
    ("Counts", [" 7 ", "-3", "+4"]),
    ("Attributes", ["a=1,b=2"]),
    ("Attributes", ["a=1,b=x,y"]),
    ("Attributes", ['{"a": "1"}']),
    ("Attributes", ["k.with.dots=v,k/slash=w,k:colon=x,k#=y"]),
    ("Attributes", ["a=1,a=2"]),
    ("Attributes", [""]),
    ("Config", ["Enabled=true,Size=10,Ratio=0.5,Label=x"]),
    ("Config", ["Enabled=FALSE,Size=-2,Ratio=1e3"]),
    ("Config", ["Enabled=yes"]),
    ("Config", ["Size=abc"]),
    ("Config", ["Ratio=abc"]),
    ("Config", ["Ports=[80,443],Names=a,b"]),
    ("Config", ["Ports=80"]),
    ("Config", ["Names=solo"]),
    ("Config", ["Limits={a=1,b=2}"]),
    ("Config", ["Inner={Size=3,Inner={Enabled=true,Ports=[1,2]}}"]),
    ("Config", ["Tags=[{Key=a,Value=b},{Key=c,Value=d}]"]),
    ("Config", ["Tags={Key=a,Value=b}"]),
    ("Config", ["Start=2024-01-01T00:00:00Z,Label=x"]),
    ("Config", ["Size=[1,2]"]),
    ("Config", ["Label={a=b}"]),
    ("Config", ["Enabled=true,Enabled=false"]),
    ("Config", ["Inner={Size=1,Size=2}"]),
    ("Config", ["Inner={Size=1 Label=x}"]),
    ("Config", ["Inner={Size=1"]),
    ("Config", ["Ports=[1,2"]),
    ("Config", ["{\"Size\": 5, \"Label\": \"x\"}"]),
    ("Config", ["  {\"Size\": 5}"]),
    ("Config", ["{\"Size\": }"]),
    ("Config", ["Label=a=b"]),
    ("Config", ["Label=\u00e9t\u00e9,Size=1"]),
    ("Config", ["Label=x y z,Size=1"]),
    ("Config", ["Label=trailing   ,Size=1"]),
    ("Behavior", ["terminate"]),
    ("Behavior", ["Value=stop"]),
    ("Count", ["42"]),
    ("Count", ["x"]),
    ("Count", [" 12 "]),
    ("Ratio", ["2.5"]),
    ("Ratio", ["1e-3"]),
    ("Ratio", ["nope"]),
    ("Flag", ["false"]),
    ("Flag", ["True"]),
    ("Flag", ["anything"]),
    ("Name", ["plain string"]),
    ("Name", ["{\"looks\": \"json\"}"]),
    ("Name", ["Key=v"]),
    ("When", ["2024-01-01T00:00:00Z"]),
    ("When", ["1700000000"]),
    ("Data", ["aGVsbG8="]),
    ("Doc", ['{"a": [1, true, null]}']),
    ("Doc", ["[1, 2]"]),
    ("Doc", ["not json"]),
    ("Doc", ['{"a":']),
    ("Doc", ["{a: 1}"]),
    ("Doc", ["[1] x"]),
    ("Doc", ["[tru]"]),
    ("Doc", ['{\n  "a": 1,\n  "b": ]']),
    ("Holder", ["Name=x,Doc=y"]),
    ("Holder", ["Name=x"]),
    ("Nested", ["[a,b]", "[c]"]),
    ("Nested", ["a,b"]),
    ("Matrix", ["Size=1,Ports=[2,3]", "Label=z"]),
]

def run(member, values):
    shape = members[member]
    is_list = shape.type_name == "list"
    value = list(values) if is_list else values[0]

    class Arg:
        argument_model = shape
        cli_name = "--" + member.lower()
        name = member.lower()
        py_name = member.lower()

    try:
        parsed = ParamShorthandParser()(Arg, value, "process-cli-arg.shorthand.op")
        if parsed is None:
            parsed = unpack_cli_arg(Arg, value)
        return OrderedDict([("value", parsed)])
    except ParamError as e:
        return OrderedDict([("error", str(e)), ("param_error", True)])
    except Exception as e:
        return OrderedDict([("error", str(e)), ("param_error", False)])

if __name__ == "__main__":
    out = []
    for member, values in CASES:
        case = OrderedDict([("member", member), ("values", values)])
        case.update(run(member, values))
        out.append(case)

    with open(os.path.join(HERE, "shorthand-cases.json"), "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
