#!/usr/bin/python3
"""Fails if any notebook is committed with outputs, execution counts, or not as valid JSON.

Notebooks are tutorial sources: their outputs come from a run on the reader's machine, never from git.
Usage: check_notebooks.py NOTEBOOK...
"""
import json
import sys

bad = []
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
    except (OSError, ValueError) as e:
        bad.append(f"{path}: not a readable notebook ({e})")
        continue
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != "java":
        bad.append(f"{path}: kernelspec name is {kernel!r}; use 'java' (IJava's and PEERkit's)")
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            bad.append(f"{path}: cell {i} has outputs; clear them before committing")
        if cell.get("execution_count") is not None:
            bad.append(f"{path}: cell {i} has execution_count {cell['execution_count']}; clear outputs")
for line in bad:
    print(line, file=sys.stderr)
print(f"checked {len(sys.argv) - 1} notebooks: {len(bad)} problems")
sys.exit(1 if bad else 0)
