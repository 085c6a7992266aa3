"""Regenerates random-format-cases.json: 150 random JSON values (seeded) rendered by awscli
1.46.3's text and table formatters, for a differential test. Run with the awscli venv's python.
"""
import io
import json
import os
import random

import awscli.table
from awscli.formatter import TableFormatter
from awscli.text import format_text

awscli.table.determine_terminal_width = lambda default_width=80: 80
rng = random.Random(13)
KEYS = ["Name", "Id", "State", "Tags", "Key", "Value", "Size", "Arn", "Items", "名前", "a", "Zeta"]

def scalar():
    return rng.choice([
        lambda: rng.choice(["x", "running", "日本", "é", "", "a b", "long-" * rng.randint(1, 12)]),
        lambda: rng.randint(-5, 10**6),
        lambda: rng.choice([0.5, 1.0, 2.25, 1e-7, 3e+21, -0.1]),
        lambda: rng.choice([True, False]),
        lambda: None,
    ])()

def value(depth):
    r = rng.random()
    if depth <= 0 or r < 0.35:
        return scalar()
    if r < 0.65:
        return {k: value(depth - 1) for k in rng.sample(KEYS, rng.randint(0, 4))}
    if r < 0.85:
        # Lists of dictionaries, the common response shape.
        keys = rng.sample(KEYS, rng.randint(1, 4))
        return [{k: value(depth - 2) for k in keys if rng.random() < 0.8} for _ in range(rng.randint(0, 3))]
    return [value(depth - 1) for _ in range(rng.randint(0, 3))]

class Args:
    color = "off"
    query = None

cases = []
for i in range(150):
    v = {k: value(3) for k in rng.sample(KEYS, rng.randint(1, 4))} if i % 3 else value(4)
    v = json.loads(json.dumps(v))
    text = io.StringIO()
    try:
        format_text(v, text)
        text = text.getvalue()
    except Exception:
        text = None
    table = io.StringIO()
    try:
        TableFormatter(Args())._format_response("Op%d" % i, json.loads(json.dumps(v)), table)
        table = table.getvalue()
    except Exception:
        table = None
    cases.append({"name": "random%d" % i, "title": "Op%d" % i, "input": v, "text": text, "table": table})

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "random-format-cases.json"), "w") as f:
    json.dump(cases, f, ensure_ascii=False)
    f.write("\n")
