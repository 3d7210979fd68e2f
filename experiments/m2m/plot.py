#!/usr/bin/python3
"""Summarise and plot the M²M vs FNO runs of experiments/m2m/run.sh.

Reads, from results/: eval_*.log (test relative L2), time_*.txt
(/usr/bin/time -v), metrics_*.jsonl, routing_*.json; from --work: the test
set ms_test.h5 (inputs, targets, region_map), routing_*.h5 (per-sample expert
ids from `shodh-run eval --routing-dump`) and pred_*.h5 (`shodh-run infer
--weights`). Writes results/summary.json and results/table.md, and
docs/img/m2m-routing.png, docs/img/m2m-curves.png. A run without pred_*.h5
in --work (e.g. FNO when only the M²M runs were redone, RUNS="m2m
m2m_const") keeps its per-region errors from the previous summary.json.
"""
import argparse
import json
import os
import re

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

RUNS = [("m2m", "M²M (PI-controlled λ, hard-allocation KL)"), ("m2m_const", "M²M, constant λ = 0.01"),
        ("fno", "FNO (width 32, modes 14)")]
MODES = [4, 8, 16]  # the experts' mode counts (models/m2m.mlir defaults)


def m2m_params(cin=4, cout=1, width=32, experts=3, modes=MODES, gmodes=12, proj=128):
    """(stored, used) parameter values; a complex value counts as one, as in
    `shodh-run inspect`."""
    real = (width * cin + width) + (experts * 4 + experts) \
        + 2 * experts * (width * width + width) + (width * width + width) \
        + (proj * width + proj) + (cout * proj + cout)
    spec_g = width * width * 2 * gmodes * gmodes
    stored = real + spec_g + 2 * experts * width * width * 2 * max(modes) ** 2
    used = real + spec_g + 2 * sum(width * width * 2 * m * m for m in modes)
    return stored, used


def fno_params(cin=4, cout=1, width=32, modes=14, layers=4, proj=128):
    return (width * cin + width) + layers * (width * width * 2 * modes * modes
                                             + width * width + width) \
        + (proj * width + proj) + (cout * proj + cout)


def read_time(path):
    text = open(path).read()
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", text).group(1))
    sys_ = float(re.search(r"System time \(seconds\): ([\d.]+)", text).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text).group(1)
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    return {"user_s": user, "sys_s": sys_, "cpu_s": user + sys_, "wall_s": secs}


def read_eval(path):
    m = re.search(r"relative L2 ([\d.eE+-]+), MSE ([\d.eE+-]+)", open(path).read())
    return float(m.group(1)), float(m.group(2))


def patch_errors(targets, preds, region):
    """Relative L2 over the high-frequency and over the smooth patches."""
    p = region.shape[1]
    s = targets.shape[-1] // p
    num = {0: 0.0, 1: 0.0}
    den = {0: 0.0, 1: 0.0}
    for i in range(p):
        for j in range(p):
            t = targets[:, 0, i * s:(i + 1) * s, j * s:(j + 1) * s].astype(np.float64)
            d = preds[:, 0, i * s:(i + 1) * s, j * s:(j + 1) * s] - t
            for r in (0, 1):
                sel = region[:, i, j] == r
                num[r] += float((d[sel] ** 2).sum())
                den[r] += float((t[sel] ** 2).sum())
    return {"smooth": np.sqrt(num[0] / den[0]), "high_freq": np.sqrt(num[1] / den[1])}


def ns_table(results):
    """Rows of the NS-2D table (run_ns2d.sh), empty if it has not run."""
    rows = []
    for nu in ("1e-3", "1e-4"):
        for run, label, params in (("m2m", "M²M", m2m_params(cin=1)[1]),
                                   ("fno", "FNO (width 32, modes 14)", fno_params(cin=1))):
            ev = os.path.join(results, f"eval_ns_{run}_{nu}.log")
            if not os.path.exists(ev):
                continue
            rel, _ = read_eval(ev)
            t = read_time(os.path.join(results, f"time_ns_{run}_{nu}.txt"))
            rows.append(f"| {nu} | {label} | {params:,} | {rel:.4f} | {t['cpu_s']:.0f} s | {t['wall_s']:.0f} s |")
    if rows:
        rows = ["| ν | model | params (used) | test rel. L2 (one step) | train CPU (user+sys) | train wall |",
                "|---|---|---|---|---|---|"] + rows + [""]
    return rows


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/m2m")
    ap.add_argument("--results", default=os.path.join(here, "results"))
    ap.add_argument("--img", default=os.path.join(here, "..", "..", "docs", "img"))
    a = ap.parse_args()

    with h5py.File(os.path.join(a.work, "ms_test.h5"), "r") as f:
        inputs, targets = f["inputs"][...], f["targets"][...]
        region = f["region_map"][...].astype(int)
    stored, used = m2m_params()
    old_path = os.path.join(a.results, "summary.json")
    old = json.load(open(old_path)) if os.path.exists(old_path) else {}
    summary = {"params": {"m2m_stored": stored, "m2m_used": used, "fno": fno_params()}}
    for run, _ in RUNS:
        r = {}
        r["test_rel_l2"], r["test_mse"] = read_eval(os.path.join(a.results, f"eval_{run}.log"))
        r["train_time"] = read_time(os.path.join(a.results, f"time_{run}.txt"))
        metrics = [json.loads(l) for l in open(os.path.join(a.results, f"metrics_{run}.jsonl"))]
        last = metrics[-1]
        r["steps"] = last["step"]
        r["steps_per_s_wall"] = last["step"] / last["seconds"]
        r["final_loss_avg"] = last["loss_avg"]
        r["val"] = [(m["step"], m["val_rel_l2"]) for m in metrics if m.get("val_rel_l2") is not None]
        if "pi.router" in last:
            lam = [m["pi.router"] for m in metrics]
            r["lambda"] = {"min": min(lam), "max": max(lam), "final": lam[-1]}
            # λ(t) every 50 steps (the log has every 10th step).
            r["lambda_trajectory"] = [(m["step"], m["pi.router"]) for m in metrics
                                      if m["step"] % 50 == 0 or m["step"] == 10]
        pred_path = os.path.join(a.work, f"pred_{run}.h5")
        if os.path.exists(pred_path):
            with h5py.File(pred_path, "r") as f:
                r["patch_rel_l2"] = patch_errors(targets, f["outputs"][...], region)
        elif "patch_rel_l2" in old.get(run, {}):
            r["patch_rel_l2"] = old[run]["patch_rel_l2"]
        dump = os.path.join(a.results, f"routing_{run}.h5")
        if os.path.exists(dump):
            with h5py.File(dump, "r") as f:
                ids = f["routing.0.experts"][..., 0]  # (N, P*P), patches row-major
            conf = np.zeros((2, len(MODES)), dtype=int)
            flat = region.reshape(len(region), -1)
            for reg, e in zip(flat.reshape(-1), ids.reshape(-1)):
                conf[reg, e] += 1
            r["confusion"] = conf.tolist()  # rows: smooth, high-frequency
            # Hard allocation on the test set and its KL to uniform (what
            # shodh.allocation_kl measures per training batch).
            share = conf.sum(axis=0) / conf.sum()
            r["expert_share"] = share.tolist()
            r["allocation_kl"] = float(sum(f * np.log(f * len(share)) for f in share if f > 0))
            r["ids"] = ids
        summary[run] = r
        summary[run + "_curve"] = [(m["step"], m["loss_avg"]) for m in metrics]

    # Table for docs/results.md.
    rows = ["| model | params (used / stored) | test rel. L2 | rel. L2 smooth / high-freq. patches | train CPU (user+sys) | train wall | steps/s (wall) |",
            "|---|---|---|---|---|---|---|"]
    for run, label in RUNS:
        r = summary[run]
        p = (f"{used:,} / {stored:,}" if run != "fno" else f"{summary['params']['fno']:,}")
        pe = r.get("patch_rel_l2", {})
        t = r["train_time"]
        rows.append(f"| {label} | {p} | {r['test_rel_l2']:.4f} | "
                    f"{pe.get('smooth', float('nan')):.4f} / {pe.get('high_freq', float('nan')):.4f} | "
                    f"{t['cpu_s']:.0f} s ({t['user_s']:.0f} + {t['sys_s']:.0f}) | {t['wall_s']:.0f} s | "
                    f"{r['steps_per_s_wall']:.2f} |")
    rows.append("")
    for run, label in RUNS[:2]:
        c = summary[run].get("confusion")
        if c is None:
            continue
        rows.append(f"{label}: test patches, region × expert")
        rows.append("")
        rows.append("| region | " + " | ".join(f"e{e} ({m} modes)" for e, m in enumerate(MODES)) + " |")
        rows.append("|---|" + "---|" * len(MODES))
        for name, row in zip(("smooth", "high-frequency"), c):
            rows.append(f"| {name} | " + " | ".join(str(v) for v in row) + " |")
        rows.append("")
    rows += ns_table(a.results)
    open(os.path.join(a.results, "table.md"), "w").write("\n".join(rows) + "\n")

    # Routing map: source, region map and expert per patch for a few samples.
    if "ids" in summary["m2m"]:
        show = [0, 1, 2, 3]
        cmap = plt.get_cmap("viridis", len(MODES))
        fig, ax = plt.subplots(len(show), 5, figsize=(13.5, 2.7 * len(show)))
        for row, n in enumerate(show):
            ax[row, 0].imshow(inputs[n, 0], cmap="RdBu_r", origin="upper")
            ax[row, 0].set_title(f"test sample {n}: source f")
            ax[row, 1].imshow(targets[n, 0], cmap="RdBu_r", origin="upper")
            ax[row, 1].set_title("solution u")
            ax[row, 2].imshow(region[n], cmap="Greys", vmin=0, vmax=1, origin="upper")
            ax[row, 2].set_title("region map (black: high-freq.)")
            for col, run, name in ((3, "m2m", "M²M"), (4, "m2m_const", "const. λ")):
                ids = summary[run]["ids"][n].reshape(region.shape[1:])
                ax[row, col].imshow(ids, cmap=cmap, vmin=-0.5, vmax=len(MODES) - 0.5, origin="upper")
                for (i, j), e in np.ndenumerate(ids):
                    ax[row, col].text(j, i, f"e{e}\n{MODES[e]} modes", ha="center", va="center",
                                      color="w" if e == 0 else "k")
                ax[row, col].set_title(f"{name}: expert per patch")
            for c in range(5):
                ax[row, c].set_xticks([])
                ax[row, c].set_yticks([])
        fig.tight_layout()
        fig.savefig(os.path.join(a.img, "m2m-routing.png"), dpi=64)
        plt.close(fig)

    # Training curves.
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.6))
    for run, label in RUNS:
        s, l = zip(*summary[run + "_curve"])
        ax[0].semilogy(s, l, label=label)
        if summary[run]["val"]:
            vs, vl = zip(*summary[run]["val"])
            ax[1].semilogy(vs, vl, "o-", label=label)
    ax[0].set_xlabel("step"), ax[0].set_ylabel("train MSE (normalised, running mean)")
    ax[1].set_xlabel("step"), ax[1].set_ylabel("test relative L2")
    ax[0].legend(fontsize=8), ax[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(a.img, "m2m-curves.png"), dpi=80)
    plt.close(fig)

    for run, _ in RUNS:
        summary[run].pop("ids", None)
    with open(os.path.join(a.results, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1, default=float)
    print("\n".join(rows))
    for run, _ in RUNS:
        print(run, {k: v for k, v in summary[run].items() if k in ("lambda", "val", "patch_rel_l2")})


if __name__ == "__main__":
    main()
