"""Regenerates random-shorthand-cases.json: 400 seeded random command-line values (built from
shorthand's significant characters) parsed by awscli 1.46.3 for members of
shorthand-model.json, in the format of shorthand-cases.json. Run with the awscli venv's python
from this directory (it imports gen_shorthand_cases).
"""
import json
import os
import random

import gen_shorthand_cases as g

rng = random.Random(7)
PIECES = ["Size", "Label", "Enabled", "Ports", "Inner", "Names", "Limits", "Key", "Value",
          "a", "b", "1", "true", "=", "=", ",", ",", "[", "]", "{", "}", "'", '"', "\\", " ",
          "\\,", "x y", "é", "\n", "@=", ":", "-"]

cases = []
for i in range(400):
    member = rng.choice(["Config", "Tag", "Attributes", "Tags", "Filters", "Matrix"])
    n = rng.choice([1, 1, 1, 2]) if member in ("Tags", "Filters", "Matrix") else 1
    values = []
    for _ in range(n):
        if rng.random() < 0.5:
            # Mostly well-formed: key=value pairs with random values.
            parts = []
            for _ in range(rng.randint(1, 3)):
                parts.append(rng.choice(PIECES[:10]) + "=" + "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 4))))
            values.append(",".join(parts))
        else:
            values.append("".join(rng.choice(PIECES) for _ in range(rng.randint(1, 10))))
    case = {"member": member, "values": values}
    case.update(g.run(member, values))
    cases.append(case)

with open(os.path.join(g.HERE, "random-shorthand-cases.json"), "w") as f:
    json.dump(cases, f, ensure_ascii=False)
    f.write("\n")
