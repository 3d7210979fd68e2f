"""Tables and the routing plot of experiments/shodh_moe/run.sh.

usage: summarize.py RESULTS_DIR LATENT_TEST.h5 TEST.h5

Reads the eval JSON files (shodh-run eval --metrics-json / --routing-json)
and /usr/bin/time logs in RESULTS_DIR, computes the persistence baselines
(z(t+1) = z(t), u(t+1) = u(t)) per domain from the test files, writes
RESULTS_DIR/summary.md and docs/img/shodh-moe-routing.png and, for the
long run, docs/img/shodh-moe-routing_long.png (the share of each domain's
tokens routed to each expert over training, per block).
"""
import glob
import json
import os
import re
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

RUNS = ["moe_joint", "dense_joint", "moe_channel", "dense_channel", "moe_porous", "dense_porous",
        "moe_joint_long"]
DOMAINS = ["open-channel", "porous"]


def load(path):
    with open(path) as f:
        return json.load(f)


def domain_metric(ev, name, key="mse"):
    for d in ev["domains"]:
        if d["name"] == name:
            return d[key]
    return float("nan")


def persistence(path):
    f = h5py.File(path, "r")
    x, y = f["inputs"][...].astype(np.float64), f["targets"][...].astype(np.float64)
    dom = f["domain"][...]
    out = {}
    for i, name in enumerate(DOMAINS):
        sel = dom == i
        out[name] = float(((x[sel] - y[sel]) ** 2).mean())
    return out


def cpu_seconds(res, name):
    path = os.path.join(res, f"time_{name}.txt")
    if not os.path.exists(path):
        return float("nan")
    text = open(path).read()
    user = float(re.search(r"User time \(seconds\): ([0-9.]+)", text).group(1))
    system = float(re.search(r"System time \(seconds\): ([0-9.]+)", text).group(1))
    return user + system


def routing_fractions(routing):
    """{block: {domain name: [share to e0, e1, ...]}}"""
    out = {}
    for layer in routing["layers"]:
        rows = {}
        for d in layer["domains"]:
            total = sum(d["assigned"])
            rows[d.get("name", str(d["domain"]))] = [a / total for a in d["assigned"]]
        out[layer["name"]] = rows
    return out


def plot_steps(res, folder, image):
    """Plots the routing JSON files of RES/FOLDER to docs/img/IMAGE."""
    steps = []
    for path in glob.glob(os.path.join(res, folder, "step_*.json")):
        step = int(re.search(r"step_(\d+)", path).group(1))
        steps.append((step, routing_fractions(load(path))))
    steps.sort()
    if not steps:
        return []
    blocks = list(steps[0][1].keys())
    fig, axes = plt.subplots(1, len(blocks), figsize=(5 * len(blocks), 3.6), squeeze=False)
    for ax, block in zip(axes[0], blocks):
        xs = [s for s, _ in steps]
        for name, style in zip(DOMAINS, ["-", "--"]):
            for e, color in zip(range(2), ["tab:blue", "tab:orange"]):
                ys = [fr[block].get(name, [np.nan] * 2)[e] for _, fr in steps]
                ax.plot(xs, ys, style, color=color, label=f"{name} → e{e}")
        ax.set_title(f"{block} (held-out latent tokens)")
        ax.set_xlabel("training step")
        ax.set_ylabel("share of the domain's tokens")
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(res))))
    out = os.path.join(root, "docs", "img", image)
    fig.savefig(out, dpi=110)
    return ["", f"routing fractions over training: {os.path.relpath(out, root)} "
            f"({len(steps)} checkpoints, steps {steps[0][0]}–{steps[-1][0]})"]


def bifurcation(rows):
    """The share of the tokens of each domain that go to 'its' expert when
    each domain takes the expert it uses most and the two differ; 0 when
    both domains lean to the same expert."""
    a, b = rows.get(DOMAINS[0]), rows.get(DOMAINS[1])
    if not a or not b:
        return float("nan")
    ea, eb = int(np.argmax(a)), int(np.argmax(b))
    return min(a[ea], b[eb]) if ea != eb else 0.0


def variants_table(res):
    """One row per router variant of run.sh (STAGES=variants)."""
    rows = []
    for rj in sorted(glob.glob(os.path.join(res, "routing_moe_joint_*.json"))):
        name = re.search(r"routing_moe_joint_(.+)\.json", rj).group(1)
        lp = os.path.join(res, f"eval_latent_moe_joint_{name}.json")
        if name == "long" or not os.path.exists(lp):
            continue
        lat, shares = load(lp), routing_fractions(load(rj))
        cells = []
        for block, r in shares.items():
            cells.append(f"{block}: " + " vs ".join(
                "/".join(f"{100 * x:.0f}" for x in r.get(d, [])) for d in DOMAINS) +
                f" ({100 * bifurcation(r):.0f} %)")
        rows.append(f"| {name} | {domain_metric(lat, DOMAINS[0]):.3e} | "
                    f"{domain_metric(lat, DOMAINS[1]):.3e} | {'; '.join(cells)} | "
                    f"{cpu_seconds(res, 'moe_joint_' + name):.0f} |")
    if not rows:
        return []
    return ["", "## Router variants (joint MoE, held-out latent tokens)", "",
            "routing: open-channel e0/e1 vs porous e0/e1 in %, per block; in brackets the "
            "bifurcation (the smaller of the two domains' shares to their own expert; "
            "0 when both lean to one expert)", "",
            "| variant | latent MSE open-channel | latent MSE porous | routing | train CPU s |",
            "|---|---|---|---|---|"] + rows


def main():
    res, lat_test, test = sys.argv[1:4]
    lines = ["# Shodh-MoE results (generated by summarize.py)", ""]
    lat_p, phys_p = persistence(lat_test), persistence(test)
    lines += ["## Per-domain MSE on held-out flows", "",
              "| run | latent open-channel | latent porous | decoded open-channel | decoded porous | "
              "spectral divergence max | train CPU s |", "|---|---|---|---|---|---|---|",
              f"| persistence | {lat_p['open-channel']:.3e} | {lat_p['porous']:.3e} | "
              f"{phys_p['open-channel']:.3e} | {phys_p['porous']:.3e} | | |"]
    for r in RUNS:
        lp, fp = os.path.join(res, f"eval_latent_{r}.json"), os.path.join(res, f"eval_full_{r}.json")
        if not (os.path.exists(lp) and os.path.exists(fp)):
            continue
        lat, full = load(lp), load(fp)
        lines.append(
            f"| {r} | {domain_metric(lat, 'open-channel'):.3e} | {domain_metric(lat, 'porous'):.3e} | "
            f"{domain_metric(full, 'open-channel'):.3e} | {domain_metric(full, 'porous'):.3e} | "
            f"{full['all']['divergence_max']:.2e} | {cpu_seconds(res, r):.0f} |")
    ae = os.path.join(res, "eval_ae.json")
    if os.path.exists(ae):
        ev = load(ae)
        lines += ["", "## Autoencoder reconstruction (held-out snapshots)", "",
                  "| domain | MSE | relative L2 | spectral divergence max |", "|---|---|---|---|"]
        for d in ev["domains"]:
            lines.append(f"| {d['name']} | {d['mse']:.3e} | {d['relative_l2']:.4f} | {d['divergence_max']:.2e} |")
        lines.append(f"\nautoencoder training CPU time: {cpu_seconds(res, 'ae'):.0f} s")

    for run, suffix in [("moe_joint", ""), ("moe_joint_long", "_long")]:
        rj = os.path.join(res, f"routing_{run}.json")
        if os.path.exists(rj):
            lines += ["", f"## Routing of the {run} run (held-out latent tokens)", ""]
            for block, rows in routing_fractions(load(rj)).items():
                lines += [f"{block}:", "", "| domain | e0 | e1 |", "|---|---|---|"]
                for name, shares in rows.items():
                    lines.append(f"| {name} | " + " | ".join(f"{s:.3f}" for s in shares) + " |")
                lines.append("")
        lines += plot_steps(res, f"routing_steps{suffix}", f"shodh-moe-routing{suffix}.png")
    if os.path.isdir(os.path.join(res, "routing_steps_onset")):
        lines += plot_steps(res, "routing_steps_onset", "shodh-moe-routing_onset.png")
    lines += variants_table(res)
    with open(os.path.join(res, "summary.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
