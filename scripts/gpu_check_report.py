#!/usr/bin/env python3
"""Reads the logs of scripts/gpu-check.sh and prints its summary lines.

Standard library only (the device's Python may lack numpy and h5py). Each
subcommand prints the text of one or more summary lines (without the
status word) and exits 0 when the check passed, 1 when it failed, 2 when
its inputs are missing (the caller reports SKIP or FAIL). docs/gpu-check.md
explains every number.

  gtest      --json J --log L | --dir D  the GoogleTest run(s) of cuda_test
  train      --cpu D --gpu D --gpu2 D  losses of three `shodh-run train` runs
  eval-rel   FILE                      "all".relative_l2 of `eval --metrics-json`
  json-get   FILE KEY                  KEY of the last JSON line holding it
  params     FILE                      parameter floats in `shodh-run inspect`
  bench      --shodh-infer J ...       FNO-2D timings and speed-ups
  profile    FILE                      the slowest kernels of a --profile log
  hbm        --profile P --copy J ...  the spectral layer's share of HBM rate
"""
import argparse
import json
import os
import math
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from measure import model_params  # noqa: E402  (stdlib only)


def last_json(path, key=None):
    """The last line of `path` that parses as a JSON object (holding `key`)."""
    found = None
    try:
        with open(path, errors="replace") as f:
            for line in f:
                line = line.strip()
                if not line.startswith("{"):
                    continue
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                if isinstance(obj, dict) and (key is None or key in obj):
                    found = obj
    except OSError:
        return None
    return found


def fmt_ms(v):
    return "n/a" if v is None else ("%.3f ms" % v)


# ---- cuda_test ---------------------------------------------------------------


def gtest_from_json(path):
    with open(path) as f:
        doc = json.load(f)
    passed, failed, skipped = [], [], []
    for suite in doc.get("testsuites", []):
        for t in suite.get("testsuite", []):
            name = "%s.%s" % (suite.get("name"), t.get("name"))
            if t.get("failures"):
                failed.append(name)
            elif t.get("result") == "SKIPPED" or t.get("status") == "NOTRUN":
                skipped.append(name)
            else:
                passed.append(name)
    return passed, failed, skipped, doc.get("time", "")


def gtest_from_log(path):
    """Counts from the plain log; names the test that was running at a crash."""
    passed, failed, skipped, running = [], [], [], None
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"\[\s*(RUN|OK|FAILED|SKIPPED)\s*\] (\S+)", line)
            if not m or "." not in m.group(2):
                continue
            kind, name = m.group(1), m.group(2)
            if kind == "RUN":
                running = name
                continue
            if name == running:
                running = None
            {"OK": passed, "FAILED": failed, "SKIPPED": skipped}[kind].append(name)
    return passed, failed, skipped, running


def gtest_one(json_path, log_path):
    """One run: (passed, failed, skipped, seconds, crashed-inside or None)."""
    try:
        passed, failed, skipped, secs = gtest_from_json(json_path)
        return passed, failed, skipped, secs, None
    except (OSError, ValueError):
        passed, failed, skipped, crashed = gtest_from_log(log_path)
        return passed, failed, skipped, "", crashed


def cmd_gtest(a):
    passed, failed, skipped, crashes, secs = [], [], [], [], ""
    if a.dir:
        # One process per suite (gpu-check's cuda_test step), in list order.
        try:
            with open(os.path.join(a.dir, "suites.txt")) as f:
                suites = [l.strip() for l in f if l.strip()]
        except OSError:
            print("no suite list")
            return 2
        for suite in suites:
            base = os.path.join(a.dir, suite.replace("/", "_"))
            try:
                p, fl, sk, _, crashed = gtest_one(base + ".json", base + ".log")
            except OSError:
                crashes.append(suite + ".* (no report, no log)")
                continue
            passed += p
            failed += fl
            skipped += sk
            if crashed:
                crashes.append(crashed)
            elif not os.path.exists(base + ".json"):
                # No report and no test left running: it died before its
                # first test (or between tests).
                crashes.append(suite + ".* (exited without a report)")
    else:
        try:
            passed, failed, skipped, secs, crashed = gtest_one(a.json, a.log)
        except OSError:
            print("no log")
            return 2
        if crashed:
            crashes.append(crashed)
    failed = list(dict.fromkeys(failed))  # run order: the first may be the cause
    n = len(passed) + len(failed) + len(skipped)
    text = "%d tests: %d passed, %d failed, %d skipped" % (n, len(passed), len(failed), len(skipped))
    if secs:
        text += " (%s)" % secs
    if crashes:
        text += "; stopped inside %s (crash or time limit: no JSON report)" % ", ".join(crashes[:4])
    if failed:
        text += "; failed (in run order): " + ", ".join(failed[:8]) + (" ..." if len(failed) > 8 else "")
    if skipped and a.expect_device:
        text += "; skipped: " + ", ".join(skipped[:5]) + (" ..." if len(skipped) > 5 else "")
    print(text)
    return 0 if n and not failed and not crashes else 1


# ---- shodh-run train ---------------------------------------------------------


def losses(run_dir):
    out = []
    with open(run_dir + "/metrics.jsonl") as f:
        for line in f:
            rec = json.loads(line)
            if "loss" in rec:
                out.append(rec["loss"])
    return out


def cmd_train(a):
    try:
        cpu, gpu = losses(a.cpu), losses(a.gpu)
        gpu2 = losses(a.gpu2) if a.gpu2 else None
    except (OSError, ValueError) as e:
        print("no metrics: %s" % e)
        return 2
    if len(cpu) != a.steps or len(gpu) != a.steps:
        print("expected %d losses, got cpu %d, cuda %d" % (a.steps, len(cpu), len(gpu)))
        return 1
    rel = max(abs(c - g) / max(abs(c), 1e-30) for c, g in zip(cpu, gpu))
    ok = rel <= a.tol and all(math.isfinite(g) for g in gpu)
    text = "%d steps: loss cpu %.6g cuda %.6g, max rel diff %.2g (tol %g)" % (
        a.steps, cpu[-1], gpu[-1], rel, a.tol)
    if gpu2 is not None:
        same = gpu == gpu2
        ok = ok and same
        text += ", cuda repeat %s" % ("identical" if same else "DIFFERS")
    print(text)
    return 0 if ok else 1


def cmd_eval_rel(a):
    rec = last_json(a.file, "all")
    if rec is None:
        # --metrics-json writes a pretty multi-line object
        try:
            with open(a.file) as f:
                rec = json.load(f)
        except (OSError, ValueError):
            print("n/a")
            return 2
    print(repr(float(rec["all"]["relative_l2"])))
    return 0


def cmd_json_get(a):
    rec = last_json(a.file, a.key)
    if rec is None:
        print("n/a")
        return 2
    print(rec[a.key])
    return 0


# ---- parameters, benchmarks ----------------------------------------------------


def inspect_params(path):
    """Floats of the parameters listed by `shodh-run inspect` in `path`
    (complex = 2): bench/measure.py's count of the benchmark driver."""
    with open(path, errors="replace") as f:
        return model_params(f.read())


def cmd_params(a):
    n = inspect_params(a.file)
    print(n if n else "n/a")
    return 0 if n else 2


def cmd_bench(a):
    """Lines: shodh timings, each torch peer, speed-ups; exit 1 below target."""
    sh_inf = last_json(a.shodh_infer, "median_ms") if a.shodh_infer else None
    sh_tr = last_json(a.shodh_train, "median_ms") if a.shodh_train else None
    sh = {"infer": sh_inf and sh_inf["median_ms"], "train_step": sh_tr and sh_tr["median_ms"]}
    peers = {}
    for label, path in (("eager", a.eager), ("compiled", a.compiled)):
        rec = last_json(path, "peer") if path else None
        if rec:
            peers[label + ("-spectral-eager" if rec.get("spectral_eager") else "")] = rec
    ok = True
    for label, rec in peers.items():
        errs = [rec[k] for k in rec if k.endswith("error")]
        print("%s|%s: infer %s, train_step %s%s%s" % (
            label, rec["peer"], fmt_ms(rec.get("infer_ms")), fmt_ms(rec.get("train_step_ms")),
            ", compile %.0f s" % rec["compile_s"] if rec.get("compile_s") else "",
            "; error: " + " / ".join(errs) if errs else ""))
    parts = []
    for prog in ("infer", "train_step"):
        for label, rec in peers.items():
            t = rec.get(prog + "_ms")
            if sh[prog] and t:
                x = t / sh[prog]
                parts.append("%s %.2fx vs %s" % (prog, x, label))
                if label == "eager" and x < a.target:
                    ok = False
            elif label == "eager":
                ok = False
    target = " (target >= %gx eager)" % a.target if "eager" in peers else ""
    print("speedup|%s%s" % ("; ".join(parts) or "n/a", target))
    return 0 if ok else 1


# ---- profiles and the HBM fraction ---------------------------------------------

# "   #26  spectral_conv_grad   train_step.x26 [2, 64, 128, 128] (+1)   19.79   6.4":
# call, kernel, first output, its shape, (+ more outputs), ms/run, %.
PROFILE_ROW = re.compile(
    r"^\s*#(\d+)\s+(\S+)\s+(\S+) \[([\d, ]*)\](?: \(\+\d+\))?\s+([\d.]+)\s+([\d.]+)\s*$")


def profile_rows(path):
    rows = []
    with open(path, errors="replace") as f:
        for line in f:
            m = PROFILE_ROW.match(line)
            if m:
                shape = [int(d) for d in m.group(4).split(",") if d.strip()]
                rows.append((m.group(2), m.group(3), shape, float(m.group(5))))
    return rows


def cmd_profile(a):
    rows = profile_rows(a.file)
    if not rows:
        print("no profile rows")
        return 2
    per = {}
    for kernel, _, _, ms in rows:
        per.setdefault(kernel, []).append(ms)
    total = sum(ms for _, _, _, ms in rows)
    top = sorted(per.items(), key=lambda kv: -sum(kv[1]))[: a.top]
    print("%.3f ms/run in %d calls; " % (total, len(rows)) + ", ".join(
        "%s %d%% (%d calls)" % (k, round(100 * sum(v) / total), len(v)) for k, v in top))
    return 0


def cmd_hbm(a):
    rows = [r for r in profile_rows(a.profile) if r[0] == a.kernel]
    copy = last_json(a.copy, "copy_gbs") if a.copy else None
    if not rows:
        print("no %s calls in %s" % (a.kernel, a.profile))
        return 2
    if copy is None:
        print("no copy rate (torch_copy_rate.py failed or did not run)")
        return 2
    # Output shape [B, O, H, W]; the input has the same shape (width -> width).
    b, o = rows[0][2][0], rows[0][2][1]
    grid = 1
    for d in rows[0][2][2:]:
        grid *= d
    i = a.width or o
    ms = statistics.mean(r[3] for r in rows)
    half = grid // rows[0][2][-1] * (rows[0][2][-1] // 2 + 1)  # rfft half spectrum
    kept = 2 * a.modes * a.modes  # the 2*modes x modes corner block (2-D)
    f32, c64 = 4, 8
    x, y, w = b * i * grid * f32, b * o * grid * f32, i * o * kept * c64
    minimum = x + y + w
    # What the CUDA kernel moves (runtime/kernels/cuda/SpectralKernels.cpp),
    # each buffer once per kernel, cuFFT's internal passes not counted:
    # r2c reads x, writes the half spectrum; gather reads/writes the kept
    # modes; the contraction reads them and w, writes the output modes; the
    # memset and the scatter write the output half spectrum (and read the
    # modes); c2r reads it and writes y.
    impl = (x + b * i * half * c64                      # r2c
            + 2 * b * i * kept * c64                    # gather
            + b * i * kept * c64 + w + b * o * kept * c64  # contraction
            + b * o * half * c64                        # memset
            + b * o * kept * c64 * 2                    # scatter
            + b * o * half * c64 + y)                   # c2r
    rate = copy["copy_gbs"]
    g_min, g_impl = minimum / ms / 1e6, impl / ms / 1e6
    print("%s %.4f ms/call (mean of %d calls, [%s]); copy %.0f GB/s (%s); "
          "x+y+w %.1f MB -> %.0f GB/s = %.1f%% of copy; with scratch %.1f MB -> %.0f GB/s = %.1f%%"
          % (a.kernel, ms, len(rows), ", ".join(map(str, rows[0][2])), rate, copy.get("gpu", copy["device"]),
             minimum / 1e6, g_min, 100 * g_min / rate, impl / 1e6, g_impl, 100 * g_impl / rate))
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("gtest")
    s.add_argument("--json", help="one run's JSON report")
    s.add_argument("--log", help="its output (for a crash)")
    s.add_argument("--dir", help="per-suite runs: suites.txt, SUITE.json, SUITE.log")
    s.add_argument("--expect-device", action="store_true", help="name the skipped tests")
    s.set_defaults(fn=cmd_gtest)
    s = sub.add_parser("train")
    s.add_argument("--cpu", required=True)
    s.add_argument("--gpu", required=True)
    s.add_argument("--gpu2")
    s.add_argument("--steps", type=int, default=3)
    s.add_argument("--tol", type=float, default=1e-3)
    s.set_defaults(fn=cmd_train)
    s = sub.add_parser("eval-rel")
    s.add_argument("file")
    s.set_defaults(fn=cmd_eval_rel)
    s = sub.add_parser("json-get")
    s.add_argument("file")
    s.add_argument("key")
    s.set_defaults(fn=cmd_json_get)
    s = sub.add_parser("params")
    s.add_argument("file")
    s.set_defaults(fn=cmd_params)
    s = sub.add_parser("bench")
    for k in ("--shodh-infer", "--shodh-train", "--eager", "--compiled"):
        s.add_argument(k)
    s.add_argument("--target", type=float, default=2.0)
    s.set_defaults(fn=cmd_bench)
    s = sub.add_parser("profile")
    s.add_argument("file")
    s.add_argument("--top", type=int, default=4)
    s.set_defaults(fn=cmd_profile)
    s = sub.add_parser("hbm")
    s.add_argument("--profile", required=True)
    s.add_argument("--copy")
    s.add_argument("--kernel", default="spectral_conv")
    s.add_argument("--width", type=int, default=0, help="input channels (default: the output's)")
    s.add_argument("--modes", type=int, required=True)
    s.set_defaults(fn=cmd_hbm)
    a = p.parse_args(argv)
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main())
