#!/usr/bin/python3
"""Plot and tabulate results/transfer_results.json (written by run.py).

Writes docs/img/transfer.png (test relative L2 vs downstream n, log-log),
results/transfer_table.csv, and prints a Markdown table for docs/results.md.

Usage: experiments/transfer/plot.py [--json results/transfer_results.json] [--png docs/img/transfer.png]
"""
import argparse
import csv
import json
import os
from collections import defaultdict

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

ARMS = [("scratch", "from scratch", "C0", "o", "-"),
        ("ft_mix3", "pretrained on P+AD+H, fine-tuned", "C3", "s", "-"),
        ("ft_pad", "pretrained on P+AD only, fine-tuned", "C2", "^", "--")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", default=os.path.join(HERE, "results", "transfer_results.json"))
    ap.add_argument("--png", default=os.path.join(REPO, "docs", "img", "transfer.png"))
    ap.add_argument("--csv", default=os.path.join(HERE, "results", "transfer_table.csv"))
    args = ap.parse_args()
    with open(args.json) as f:
        res = json.load(f)
    runs = res["runs"]

    # per arm: n -> {seed: rel}
    by = defaultdict(lambda: defaultdict(dict))
    for r in runs:
        if "n" in r:
            by[r["kind"]][r["n"]][r["seed"]] = r["test_rel_l2"]
    zero = {r["pretrain"]: r["test_rel_l2"] for r in runs if r.get("kind") == "pretrain"}

    def mean(d):
        return sum(d.values()) / len(d)

    fig, ax = plt.subplots(figsize=(6.0, 4.2), dpi=100)
    for kind, label, color, marker, ls in ARMS:
        if kind not in by:
            continue
        ns = sorted(by[kind])
        ax.plot(ns, [mean(by[kind][n]) for n in ns], ls, color=color, marker=marker, label=label)
        for n in ns:  # individual seeds
            if len(by[kind][n]) > 1:
                ax.scatter([n] * len(by[kind][n]), list(by[kind][n].values()), s=10,
                           color=color, alpha=0.5, zorder=3)
    if "scratch_long" in by:
        for n, d in by["scratch_long"].items():
            steps = [r["steps"] for r in runs if r.get("kind") == "scratch_long"][0]
            ax.scatter([n], [mean(d)], marker="*", s=90, color="C0", zorder=4,
                       label=f"from scratch, {steps} steps (compute-matched)")
    if "mix3" in zero:
        ax.axhline(zero["mix3"], color="C3", lw=0.8, ls=":", label="P+AD+H pretrained, zero-shot")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("downstream Helmholtz training examples n")
    ax.set_ylabel("test relative L2 (256 Helmholtz samples)")
    p = res["protocol"]
    ax.set_title(f"FNO transfer, {p['resolution']}², width {p['model']['width']}, "
                 f"modes {p['model']['modes']}, {p['downstream_steps']} steps each", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    os.makedirs(os.path.dirname(args.png), exist_ok=True)
    fig.savefig(args.png)
    print(f"wrote {args.png} ({os.path.getsize(args.png)} bytes)")

    # table
    ns = sorted(by["scratch"])
    rows = []
    for n in ns:
        s, ft = by["scratch"].get(n, {}), by["ft_mix3"].get(n, {})
        pad = by["ft_pad"].get(n, {}) if "ft_pad" in by else {}
        rows.append({
            "n": n,
            "scratch_rel_l2": mean(s) if s else None,
            "finetuned_rel_l2": mean(ft) if ft else None,
            "ratio_ft_over_scratch": (mean(ft) / mean(s)) if s and ft else None,
            "seeds": len(s),
            "scratch_seeds": ";".join(f"{v:.4f}" for _, v in sorted(s.items())),
            "finetuned_seeds": ";".join(f"{v:.4f}" for _, v in sorted(ft.items())),
            "ft_pad_rel_l2": mean(pad) if pad else None,
        })
    with open(args.csv, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {args.csv}")

    def fmt(v):
        return "—" if v is None else f"{v:.4f}"
    print()
    print("| n | scratch rel-L2 | fine-tuned rel-L2 (P+AD+H) | ratio ft/scratch | seeds (scratch / ft values) | fine-tuned rel-L2 (P+AD only) |")
    print("|---:|---:|---:|---:|---|---:|")
    for r in rows:
        seeds = (f"{r['scratch_seeds'].replace(';', ', ')} / {r['finetuned_seeds'].replace(';', ', ')}"
                 if r["seeds"] > 1 else "1")
        print(f"| {r['n']} | {fmt(r['scratch_rel_l2'])} | {fmt(r['finetuned_rel_l2'])} | "
              f"{fmt(r['ratio_ft_over_scratch'])} | {seeds} | {fmt(r['ft_pad_rel_l2'])} |")
    for k, v in zero.items():
        print(f"zero-shot (pretrained {k}, no fine-tuning): {v:.4f}")
    for r in runs:
        if "defaultnorm" in r.get("kind", ""):
            print(f"{r['name']}: {r['test_rel_l2']:.4f}")
    tot = sum(r["wall_s"] + r.get("eval_wall_s", 0) for r in runs)
    print(f"total training+eval wall time: {tot:.0f} s over {len(runs)} runs")


if __name__ == "__main__":
    main()
