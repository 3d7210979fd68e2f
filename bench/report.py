"""Tables and Markdown rows of bench/run.py (docs/benchmarks.md formats)."""
import datetime
import platform


def machine():
    """'AMD EPYC (2 cores)': the CPU model name and the logical CPU count."""
    name, cpus = platform.processor() or platform.machine(), 0
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    name = line.split(":", 1)[1].strip()
                    cpus += 1
    except OSError:
        pass
    return f"{name} ({cpus} cores)" if cpus else name


def today():
    return datetime.date.today().isoformat()


def fmt_ms(v):
    return "n/a" if v is None else f"{v:.2f}"


def fmt_mib(kib):
    return "n/a" if kib is None else f"{kib / 1024:.1f}"


def fastest_peer(results, attr):
    """(result, ms) of the peer with the smallest `attr`, or (None, None)."""
    peers = [r for r in results if r.key != "shodh" and getattr(r, attr) is not None]
    if not peers:
        return None, None
    best = min(peers, key=lambda r: getattr(r, attr))
    return best, getattr(best, attr)


def speedup(shodh_ms, peer_ms):
    """peer / shodh, or None when either is missing."""
    if shodh_ms is None or peer_ms is None or shodh_ms <= 0:
        return None
    return peer_ms / shodh_ms


def fmt_x(v):
    return "n/a" if v is None else f"{v:.2f}×"


def comparison_text(cfg, results, memory):
    """The human-readable table of one configuration."""
    lines = [f"{cfg.headline()}, {cfg.threads} threads, "
             f"median of {cfg.iters} runs after 3 warm-up runs"]
    wid = max([len("implementation")] + [len(r.label) for r in results])
    head = f"{'implementation':{wid}} {'params':>9} {'infer ms':>9} {'train ms':>9}"
    if memory:
        head += (f" {'RSS load MiB':>12} {'RSS after MiB':>13} {'peak MiB':>9} "
                 f"{'peak-after':>10} {'peak-load':>9}")
    lines.append(head)
    for r in results:
        row = (f"{r.label:{wid}} {r.params if r.params is not None else 'n/a':>9} "
               f"{fmt_ms(r.infer_ms):>9} {fmt_ms(r.train_ms):>9}")
        if memory:
            row += (f" {fmt_mib(r.rss_load_kib):>12} {fmt_mib(r.rss_after_kib):>13} "
                    f"{fmt_mib(r.peak_rss_kib):>9} {fmt_mib(r.mem_delta_kib):>10} "
                    f"{fmt_mib(r.growth_kib):>9}")
        lines.append(row)
    shodh = next((r for r in results if r.key == "shodh"), None)
    if shodh:
        parts = []
        for what, attr in (("infer", "infer_ms"), ("train step", "train_ms")):
            best, ms = fastest_peer(results, attr)
            if best:
                parts.append(f"{what} {fmt_x(speedup(getattr(shodh, attr), ms))} "
                             f"(vs {best.label})")
        if parts:
            lines.append("shodh-run speed-up vs the fastest peer: " + ", ".join(parts))
        growth = [r.growth_kib for r in results if r.key != "shodh" and r.growth_kib]
        if memory and shodh.growth_kib is not None and growth:
            lines.append(f"shodh-run peak - after loading: {shodh.growth_kib / min(growth):.2f}x "
                         f"the smallest peer's (issue target <= 0.5x)")
    for r in results:
        for n in r.notes:
            lines.append(f"note ({r.label}): {n}")
    return "\n".join(lines)


PEER_COLUMNS = (("torch-debian", "torch (Debian)"), ("torch-venv", "torch (PyPI)"),
                ("neuralop", "neuralop"))


def comparison_markdown(cfg, results):
    """Rows of the 'Shodh and its peers' table: one per program, a column per
    peer that has the model."""
    by_key = {r.key: r for r in results}
    shodh = by_key.get("shodh")
    rows = []
    for what, attr in (("infer", "infer_ms"), ("train step", "train_ms")):
        cells = []
        for key, _ in PEER_COLUMNS:
            if key not in cfg.peers:  # neuralop: FNO only
                continue
            r = by_key.get(key)
            cells.append(f"{r.label}: {fmt_ms(getattr(r, attr))}" if r else "—")
        best, ms = fastest_peer(results, attr)
        x = speedup(getattr(shodh, attr), ms) if shodh else None
        rows.append(f"| {today()} | {machine()} | {cfg.title} {what} {cfg.describe()} | "
                    f"{cfg.threads} | {fmt_ms(getattr(shodh, attr) if shodh else None)} | "
                    + " | ".join(cells) + f" | {fmt_x(x)} |")
    return rows


def memory_markdown(cfg, results):
    """Rows of the memory table: one per implementation."""
    return [f"| {today()} | {machine()} | {cfg.title} train step {cfg.describe()} | "
            f"{cfg.threads} | {r.label} | {fmt_mib(r.rss_load_kib)} | {fmt_mib(r.rss_after_kib)} | "
            f"{fmt_mib(r.peak_rss_kib)} | {fmt_mib(r.mem_delta_kib)} | {fmt_mib(r.growth_kib)} |"
            for r in results]


def roofline_markdown(cfg, roof):
    """Rows of the roofline table: one per program and implementation, and
    one per timed spectral layer (program `spectral_layer`)."""
    rows = []
    for m in roof["measured"] + roof.get("layer_measured", []):
        c = roof[m["program"]]
        rows.append(f"| {today()} | {machine()} | {cfg.title} {m['program']} {cfg.describe()} | "
                    f"{cfg.threads} | {roof['peak_gflops']:.1f} / {roof['triad_gbs']:.1f} | "
                    f"{c['flops'] / 1e9:.2f} | {c['bytes'] / 1e6:.0f} | {c['bound_ms']:.1f} | "
                    f"{m['label']} | {m['ms']:.1f} | {m['gflops']:.1f} | {m['gbs']:.2f} | "
                    f"{m['over_bound']:.2f}× |")
    return rows


def scaling_markdown(sweep, cfg, results):
    """One row of a scaling table: per-sample ms of each side, and the
    speed-up over the fastest peer."""
    by_key = {r.key: r for r in results}
    cells = []
    for attr in ("infer_ms", "train_ms"):
        for key in ("shodh", "torch-debian", "torch-venv"):
            r = by_key.get(key)
            v = getattr(r, attr) if r else None
            cells.append("—" if r is None else fmt_ms(None if v is None else v / cfg.batch))
        shodh = by_key.get("shodh")
        _, ms = fastest_peer(results, attr)
        cells.append(fmt_x(speedup(getattr(shodh, attr) if shodh else None, ms)))
    return (f"| {today()} | {sweep} | {cfg.batch} | {cfg.res}² | {cfg.threads} | "
            + " | ".join(cells) + " |")
