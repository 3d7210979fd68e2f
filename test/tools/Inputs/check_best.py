"""Checks `shodh-run train --keep-best [--patience P]` against its metrics.

Usage: check_best.py RUN_DIR TRAIN_STDOUT EVAL_STDOUT [PATIENCE]

Recomputes, from the validation records of RUN_DIR/metrics.jsonl alone, the
step with the lowest val_rel_l2 (the first of equal ones) and, with
PATIENCE, the step at which the run had to stop; compares them with the
"best:" and "stopped after" lines of the train command's output, and with
what `shodh-run eval --weights RUN_DIR/best.fb` on the validation data
printed (EVAL_STDOUT: the checkpoint's step and the same relative L2).
Prints "best ok" on success.
"""
import json
import re
import sys

run, stdout, evaluated = sys.argv[1], sys.argv[2], sys.argv[3]
patience = int(sys.argv[4]) if len(sys.argv) > 4 else 0
records = [json.loads(line) for line in open(f"{run}/metrics.jsonl")]
vals = [(r["step"], r["val_rel_l2"]) for r in records if r["val_rel_l2"] is not None]
assert len(vals) >= 3, f"too few validations: {vals}"

best_step, best_val, stop_step, since = None, None, None, 0
for step, v in vals:
    if best_val is None or v < best_val:
        best_step, best_val, since = step, v, 0
    else:
        since += 1
        if patience and since == patience and stop_step is None:
            stop_step = step
text = open(stdout).read()
m = re.search(r"^best: step (\d+), val rel-L2 (\S+); checkpoint (\S+)$", text, re.M)
assert m, f"no 'best:' line in:\n{text}"
assert int(m.group(1)) == best_step, (m.group(1), best_step, vals)
assert abs(float(m.group(2)) - best_val) <= 1e-5 * best_val, (m.group(2), best_val)
assert any(v > best_val for _, v in vals[1:]), f"validation never rose: {vals}"
e = open(evaluated).read()
m3 = re.search(r"'(\S+best\.fb)' \(step (\d+)\)", e)
assert m3 and int(m3.group(2)) == best_step, (e, best_step)
m4 = re.search(r"relative L2 (\S+),", e)
assert m4 and abs(float(m4.group(1)) - best_val) <= 1e-5 * best_val, (e, best_val)
if patience:
    m2 = re.search(r"^stopped after step (\d+): ", text, re.M)
    assert m2 and int(m2.group(1)) == stop_step, (text, stop_step, vals)
    assert vals[-1][0] == stop_step, (vals[-1], stop_step)
print("best ok")
