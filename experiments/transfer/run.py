#!/usr/bin/python3
"""Transfer experiment driver: pretrain an FNO on mixed PDEs, fine-tune on Helmholtz.

Reproduces, at CPU scale, the data-efficiency finding of Subramanian et al.
("Towards Foundation Models for Scientific Machine Learning", arXiv 2306.00258):
a model pretrained on Poisson + advection-diffusion + Helmholtz and then
fine-tuned on n Helmholtz examples is compared with the same model trained
from scratch on the same n examples.

Only the Shodh binaries are used for data, compilation, training and
evaluation (called via subprocess); Python/h5py only concatenates files and
applies one fixed per-channel normalisation (see README.md, "Normalisation").

Every run is recorded in results/transfer_results.json (command, steps,
wall-clock seconds, test relative L2). Runs already recorded there are
skipped, so the script can be interrupted and restarted.

Usage: experiments/transfer/run.py [--work /tmp/transfer] [--stages ...]
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
BIN = os.path.join(REPO, "build", "bin")
RESULTS = os.path.join(HERE, "results", "transfer_results.json")

# ---- fixed protocol -------------------------------------------------------
RES = 32
MODEL_SET = {"res": RES, "cin": 8, "width": 24, "modes": 8, "layers": 4, "proj": 64}
N_PRE = 1024                      # samples per PDE in the pretraining mix
SEEDS_PRE = {"poisson": 1, "advdiff": 2, "helmholtz": 3}
SEED_DOWN_TRAIN = 10              # Helmholtz downstream pool (nested subsets)
SEED_TEST = 20                    # Helmholtz test set
N_TEST = 256
N_DOWN = [16, 32, 64, 128, 256, 512]
N_SUBSET = [16, 64, 256]          # second seed and the Poisson+AD ablation (CPU budget)
PRE_STEPS = {"mix3": 3000, "pad": 2000}   # both ~15.6 epochs of their 3072 / 2048 samples
PRE_BATCH = 16
DOWN_STEPS = 600
THREADS = 2


def log(msg):
    print(f"[transfer {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run(cmd, capture=False):
    """Run a command, echo it, return (stdout+stderr text, wall seconds)."""
    log("$ " + " ".join(shlex.quote(c) for c in cmd))
    t0 = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.time() - t0
    if p.returncode != 0:
        sys.stderr.write(p.stdout)
        raise SystemExit(f"command failed with status {p.returncode}: {' '.join(cmd)}")
    lines = p.stdout.strip().splitlines()
    for line in lines[-3:]:
        log("  " + line)
    return p.stdout, wall


# ---- results file -----------------------------------------------------------
def load_results():
    if os.path.exists(RESULTS):
        with open(RESULTS) as f:
            return json.load(f)
    return {"protocol": {}, "runs": []}


def save_results(res):
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    tmp = RESULTS + ".tmp"
    with open(tmp, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    os.replace(tmp, RESULTS)


def find_run(res, name):
    for r in res["runs"]:
        if r["name"] == name:
            return r
    return None


# ---- data -----------------------------------------------------------------
def gen(work, pde, n, seed, out):
    path = os.path.join(work, "data", "raw", out)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not os.path.exists(path):
        run([os.path.join(BIN, "shodh-data"), pde, "--n", str(n), "--res", str(RES),
             "--seed", str(seed), "--mixed-layout", "--threads", str(THREADS), "--out", path])
    return path


def write_h5(path, inputs, targets, src, extra_attrs):
    tmp = path + ".tmp"
    with h5py.File(tmp, "w") as f:
        for k, v in src.attrs.items():
            f.attrs[k] = v
        for k, v in extra_attrs.items():
            # shodh-run reads string attributes only as ASCII variable-length
            # strings; h5py's default for a Python str (UTF-8) is rejected
            # ("cannot read attribute 'pde' of '/'"), so write ASCII arrays.
            f.attrs[k] = np.array([v.encode("ascii")], dtype=h5py.string_dtype("ascii"))
        di = f.create_dataset("inputs", data=inputs.astype(np.float32))
        dt = f.create_dataset("targets", data=targets.astype(np.float32))
        di.attrs["fields"] = src["inputs"].attrs["fields"]
        dt.attrs["fields"] = src["targets"].attrs["fields"]
    os.replace(tmp, path)


def stage_data(work, res):
    raw = {p: gen(work, p, N_PRE, s, f"pre_{p}.h5") for p, s in SEEDS_PRE.items()}
    down = gen(work, "helmholtz", max(N_DOWN), SEED_DOWN_TRAIN, "helm_pool.h5")
    test = gen(work, "helmholtz", N_TEST, SEED_TEST, "helm_test.h5")

    nd = os.path.join(work, "data", "norm")
    os.makedirs(nd, exist_ok=True)
    stats_path = os.path.join(nd, "stats.json")
    # One fixed transform for every file: per-channel input mean/std of the
    # 3-PDE pretraining mix; targets divided by the mix's target std (scale
    # only, so relative L2 is unchanged). Training then uses --no-normalize.
    xs = [h5py.File(raw[p], "r")["inputs"][:].astype(np.float64) for p in SEEDS_PRE]
    ys = [h5py.File(raw[p], "r")["targets"][:].astype(np.float64) for p in SEEDS_PRE]
    xall, yall = np.concatenate(xs), np.concatenate(ys)
    mean = xall.mean(axis=(0, 2, 3))
    std = np.maximum(xall.std(axis=(0, 2, 3)), 1e-8)
    tscale = float(yall.std())
    stats = {"input_mean": mean.tolist(), "input_std": std.tolist(), "target_scale": tscale}
    with open(stats_path, "w") as f:
        json.dump(stats, f, indent=1)
    res["protocol"]["normalisation"] = stats

    def norm_x(x):
        return (x - mean[None, :, None, None]) / std[None, :, None, None]

    attrs = {"normalisation": "inputs: (x - mean_c)/std_c of the 3-PDE pretraining mix; "
                              "targets: y / target_scale (see stats.json)"}
    # pretraining files: all three PDEs, and Poisson + AD only (ablation)
    for name, pdes in (("pre_mix3.h5", ["poisson", "advdiff", "helmholtz"]),
                       ("pre_pad.h5", ["poisson", "advdiff"])):
        out = os.path.join(nd, name)
        if not os.path.exists(out):
            idx = [list(SEEDS_PRE).index(p) for p in pdes]
            with h5py.File(raw["helmholtz"], "r") as src:
                write_h5(out, norm_x(np.concatenate([xs[i] for i in idx])),
                         np.concatenate([ys[i] for i in idx]) / tscale, src,
                         dict(attrs, pde="mixed:" + "+".join(pdes)))
    # downstream subsets (nested: first n of the pool) and the test set
    with h5py.File(down, "r") as src:
        x, y = src["inputs"][:].astype(np.float64), src["targets"][:].astype(np.float64)
        for n in N_DOWN:
            out = os.path.join(nd, f"helm_train_{n}.h5")
            if not os.path.exists(out):
                write_h5(out, norm_x(x[:n]), y[:n] / tscale, src, attrs)
            rawsub = os.path.join(work, "data", "raw", f"helm_train_{n}.h5")
            if not os.path.exists(rawsub):
                write_h5(rawsub, x[:n], y[:n], src, {})
    with h5py.File(test, "r") as src:
        out = os.path.join(nd, "helm_test.h5")
        if not os.path.exists(out):
            write_h5(out, norm_x(src["inputs"][:].astype(np.float64)),
                     src["targets"][:].astype(np.float64) / tscale, src, attrs)


# ---- model ----------------------------------------------------------------
def model_path(work):
    out = os.path.join(work, "models", "fno_transfer.fb")
    if not os.path.exists(out):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        cmd = [os.path.join(BIN, "shodhc"), os.path.join(HERE, "fno_transfer.mlir"), "-o", out]
        for k, v in MODEL_SET.items():
            cmd += ["--set", f"{k}={v}"]
        run(cmd)
    return out


# ---- train + eval -----------------------------------------------------------
def evaluate(model, weights, data):
    out, wall = run([os.path.join(BIN, "shodh-run"), "eval", model, "--weights", weights,
                     "--data", data, "--threads", str(THREADS), "--batch", "32"])
    m = re.search(r"relative L2 ([0-9.eE+-]+)", out)
    return float(m.group(1)), wall


def train_and_eval(work, res, name, data, test, steps, batch, seed, init_from=None,
                   normalize=False, extra=None):
    if find_run(res, name):
        log(f"{name}: already recorded, skipped")
        return find_run(res, name)
    model = model_path(work)
    rundir = os.path.join(work, "runs", name)
    if os.path.exists(os.path.join(rundir, "latest.fb")):
        import shutil
        shutil.rmtree(rundir)  # an unrecorded (interrupted) run: start over
    os.makedirs(os.path.dirname(rundir), exist_ok=True)
    cmd = [os.path.join(BIN, "shodh-run"), "train", model, "--data", data,
           "--steps", str(steps), "--batch", str(batch), "--threads", str(THREADS),
           "--seed", str(seed), "--out", rundir, "--log-every", "50"]
    if not normalize:
        cmd.append("--no-normalize")
    if init_from:
        cmd += ["--init-from", init_from]
    _, wall = run(cmd)
    with open(os.path.join(rundir, "metrics.jsonl")) as f:
        last = [json.loads(l) for l in f if l.strip()][-1]
    rel, ewall = evaluate(model, os.path.join(rundir, "latest.fb"), test)
    rec = {"name": name, "command": " ".join(shlex.quote(c) for c in cmd), "steps": steps,
           "batch": batch, "seed": seed, "wall_s": round(wall, 2), "eval_wall_s": round(ewall, 2),
           "final_train_loss": last["loss_avg"], "test_rel_l2": rel}
    rec.update(extra or {})
    res["runs"].append(rec)
    save_results(res)
    log(f"{name}: test rel-L2 {rel:.4f}  ({wall:.1f} s)")
    return rec


def stage_pretrain(work, res, which):
    data = os.path.join(work, "data", "norm", "pre_mix3.h5" if which == "mix3" else "pre_pad.h5")
    test = os.path.join(work, "data", "norm", "helm_test.h5")
    rec = train_and_eval(work, res, f"pretrain_{which}", data, test, PRE_STEPS[which], PRE_BATCH, 0,
                         extra={"kind": "pretrain", "pretrain": which})
    # the test rel-L2 of a pretrained model on Helmholtz test is its zero-shot error
    return rec


def stage_downstream(work, res, seeds, arms, ns):
    nd = os.path.join(work, "data", "norm")
    test = os.path.join(nd, "helm_test.h5")
    for seed in seeds:
        for n in ns:
            data = os.path.join(nd, f"helm_train_{n}.h5")
            b = min(16, n)
            for arm in arms:
                init = None
                if arm != "scratch":
                    init = os.path.join(work, "runs", f"pretrain_{arm.split('_', 1)[1]}", "latest.fb")
                train_and_eval(work, res, f"{arm}_n{n}_s{seed}", data, test, DOWN_STEPS, b, seed,
                               init_from=init, extra={"kind": arm, "n": n})


def stage_defaultnorm(work, res, ns):
    """Same runs with shodh-run's own normalisation on the raw (un-normalised)
    files: --init-from then recomputes the statistics on the Helmholtz subset,
    so the pretrained weights see differently encoded inputs."""
    raw = os.path.join(work, "data", "raw")
    test = os.path.join(raw, "helm_test.h5")
    for n in ns:
        data = os.path.join(raw, f"helm_train_{n}.h5")
        b = min(16, n)
        train_and_eval(work, res, f"scratch_defaultnorm_n{n}_s0", data, test, DOWN_STEPS, b, 0,
                       normalize=True, extra={"kind": "scratch_defaultnorm", "n": n})
        train_and_eval(work, res, f"ft_mix3_defaultnorm_n{n}_s0", data, test, DOWN_STEPS, b, 0,
                       init_from=os.path.join(work, "runs", "pretrain_mix3", "latest.fb"),
                       normalize=True, extra={"kind": "ft_mix3_defaultnorm", "n": n})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="/tmp/transfer", help="data and run folder (large files)")
    ap.add_argument("--stages", nargs="+",
                    default=["data", "pretrain_mix3", "down_s0", "down_s1", "pretrain_pad",
                             "down_pad", "defaultnorm", "scratch_long"],
                    help="stages to run, in order")
    args = ap.parse_args()
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    res = load_results()
    res["protocol"].update({
        "resolution": RES, "model": MODEL_SET, "model_source": "experiments/transfer/fno_transfer.mlir",
        "train_config": "mse, adam, lr 1e-3, cosine to 0 over --steps, no warm-up",
        "pretrain_samples_per_pde": N_PRE, "pretrain_seeds": SEEDS_PRE, "pretrain_steps": PRE_STEPS,
        "pretrain_batch": PRE_BATCH, "downstream_n": N_DOWN, "second_seed_and_ablation_n": N_SUBSET, "downstream_steps": DOWN_STEPS,
        "downstream_batch": "min(16, n)", "downstream_pool_seed": SEED_DOWN_TRAIN,
        "test_seed": SEED_TEST, "test_n": N_TEST, "threads": THREADS,
    })
    save_results(res)
    t0 = time.time()
    for st in args.stages:
        log(f"=== stage {st}")
        if st == "data":
            stage_data(work, res)
            save_results(res)
        elif st == "pretrain_mix3":
            stage_pretrain(work, res, "mix3")
        elif st == "pretrain_pad":
            stage_pretrain(work, res, "pad")
        elif st == "down_s0":
            stage_downstream(work, res, [0], ["scratch", "ft_mix3"], N_DOWN)
        elif st == "down_s1":
            stage_downstream(work, res, [1], ["scratch", "ft_mix3"], N_SUBSET)
        elif st == "down_pad":
            stage_downstream(work, res, [0], ["ft_pad"], N_SUBSET)
        elif st == "scratch_long":
            # compute-matched control: scratch for as many steps as pretraining + fine-tuning
            n = max(N_DOWN)
            steps = PRE_STEPS["mix3"] + DOWN_STEPS
            nd = os.path.join(work, "data", "norm")
            train_and_eval(work, res, f"scratch_long_n{n}_s0", os.path.join(nd, f"helm_train_{n}.h5"),
                           os.path.join(nd, "helm_test.h5"), steps, 16, 0,
                           extra={"kind": "scratch_long", "n": n})
        elif st == "defaultnorm":
            stage_defaultnorm(work, res, [32])
        else:
            raise SystemExit(f"unknown stage {st}")
    total = sum(r["wall_s"] + r.get("eval_wall_s", 0) for r in res["runs"])
    res["total_train_eval_wall_s"] = round(total, 1)
    save_results(res)
    log(f"done in {time.time() - t0:.0f} s; recorded training wall time over all runs {total:.0f} s")


if __name__ == "__main__":
    main()
