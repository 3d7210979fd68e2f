//===- roofline.cpp - Machine peaks and the FNO-2D roofline ---------------===//
//
// `shodh-roofline` measures the two ceilings of a roofline on this machine
// and puts the FNO-2D model under them (docs/benchmarks.md § Roofline):
//   - compute: OpenBLAS sgemm on square f32 matrices (--gemm-sizes), on one
//     thread, on N threads that each run single-threaded sgemm on their own
//     matrices at the same time (how Shodh's thread pool uses OpenBLAS, the
//     roofline's peak), and, for comparison, OpenBLAS's own N threads;
//   - memory: STREAM-like copy (b = a) and triad (a = b + s c) over float
//     arrays of --stream-mib MiB each (far larger than the last-level
//     cache), on N threads with first-touch placement, best of --reps;
//     bytes counted as STREAM does (2 and 3 arrays, no write-allocate).
// It then prints the analytic FLOPs and bytes of one inference and one
// training step (bench/FnoCost.h), the roofline bound
// max(flops / peak, bytes / bandwidth), and, for every `--measured
// label=infer_ms,train_ms`, the achieved GFLOP/s and GB/s and measured time
// over the bound; the same for one spectral layer (FnoCost::layer) and every
// `--layer-measured label=ms`. Text first, then one JSON line (for
// bench/run.py).
//
//===----------------------------------------------------------------------===//
#include "bench/FnoCost.h"

#include <CLI/CLI.hpp>
#include <cblas.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <vector>

namespace shodh::bench {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// Runs fn(t) on `threads` threads (t = 0 on the caller) and returns the
/// wall time from a common start to the last one finishing, best of `reps`.
double bestParallelSeconds(int threads, int reps,
                           const std::function<void(int)> &fn) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
      pool.emplace_back([&, t] {
        ready.fetch_add(1);
        while (!go.load(std::memory_order_acquire))
          std::this_thread::yield();
        fn(t);
      });
    while (ready.load() < threads - 1) // every worker started: a common start
      std::this_thread::yield();
    Clock::time_point t0 = Clock::now();
    go.store(true, std::memory_order_release);
    fn(0);
    for (auto &th : pool)
      th.join();
    best = std::min(best, secondsSince(t0));
  }
  return best;
}

/// GFLOP/s of `threads` concurrent single-threaded sgemm calls of size n
/// (each thread on its own matrices), best of `reps`.
double perThreadSgemmGflops(int n, int threads, int reps) {
  openblas_set_num_threads(1);
  size_t elems = size_t(n) * size_t(n);
  std::vector<std::vector<float>> a(threads), b(threads), c(threads);
  auto work = [&](int t) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f,
                a[t].data(), n, b[t].data(), n, 0.0f, c[t].data(), n);
  };
  // Allocate and first-touch on the thread that will use the matrices.
  bestParallelSeconds(threads, 1, [&](int t) {
    a[t].assign(elems, 1.0f / float(n));
    b[t].assign(elems, 0.5f);
    c[t].assign(elems, 0.0f);
    work(t); // warm-up
  });
  double s = bestParallelSeconds(threads, reps, work);
  return threads * 2.0 * n * double(n) * n / s * 1e-9;
}

/// GFLOP/s of one sgemm of size n with OpenBLAS's own `threads` threads.
double openblasThreadedGflops(int n, int threads, int reps) {
  openblas_set_num_threads(threads);
  std::vector<float> a(size_t(n) * n, 1.0f / float(n)), b(size_t(n) * n, 0.5f),
      c(size_t(n) * n);
  double best = 1e300;
  for (int r = 0; r <= reps; ++r) { // r = 0 is a warm-up
    auto t0 = Clock::now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f,
                a.data(), n, b.data(), n, 0.0f, c.data(), n);
    if (r > 0)
      best = std::min(best, secondsSince(t0));
  }
  openblas_set_num_threads(1);
  return 2.0 * n * double(n) * n / best * 1e-9;
}

/// STREAM-like copy and triad bandwidths in GB/s on `threads` threads.
std::pair<double, double> streamGbs(size_t mib, int threads, int reps) {
  size_t n = mib * 1024 * 1024 / sizeof(float);
  std::unique_ptr<float[]> a(new float[n]), b(new float[n]), c(new float[n]);
  auto slice = [&](int t) {
    return std::pair<size_t, size_t>(n * t / threads, n * (t + 1) / threads);
  };
  bestParallelSeconds(threads, 1, [&](int t) { // first touch by the user thread
    auto [lo, hi] = slice(t);
    std::fill(a.get() + lo, a.get() + hi, 1.0f);
    std::fill(b.get() + lo, b.get() + hi, 2.0f);
    std::fill(c.get() + lo, c.get() + hi, 0.5f);
  });
  float *pa = a.get(), *pb = b.get(), *pc = c.get();
  double copy = bestParallelSeconds(threads, reps, [&](int t) {
    auto [lo, hi] = slice(t);
    for (size_t i = lo; i < hi; ++i)
      pb[i] = pa[i];
  });
  double triad = bestParallelSeconds(threads, reps, [&](int t) {
    auto [lo, hi] = slice(t);
    for (size_t i = lo; i < hi; ++i)
      pa[i] = pb[i] + 3.0f * pc[i];
  });
  if (!(pa[n / 2] == 2.5f)) // keeps the loops observable; b = 1 after copy
    throw std::runtime_error(
        fmt::format("stream check failed: a = {}", pa[n / 2]));
  double bytes = double(n) * sizeof(float);
  return {2 * bytes / copy * 1e-9, 3 * bytes / triad * 1e-9};
}

struct Options {
  FnoConfig fno;
  int threads = 2;
  std::vector<int> gemmSizes{1024, 1536, 2048};
  size_t streamMib = 256;
  int reps = 5;
  double peakGflops = 0;   ///< given: skip the sgemm measurement
  double bandwidthGbs = 0; ///< given: skip the stream measurement
  bool costOnly = false;
  std::vector<std::string> measured;
  std::vector<std::string> layerMeasured;
};

/// One measured implementation: label and median ms of infer / train step.
struct Measured {
  std::string label;
  double inferMs, trainMs;
};

Measured parseMeasured(const std::string &s) {
  auto eq = s.find('='), comma = s.find(',');
  if (eq == std::string::npos || comma == std::string::npos || comma < eq ||
      eq == 0)
    throw CLI::ValidationError(
        "--measured",
        "'" + s +
            "': expected label=infer_ms,train_ms (e.g. shodh=79.5,230.5)");
  try {
    size_t used1 = 0, used2 = 0;
    std::string a = s.substr(eq + 1, comma - eq - 1), b = s.substr(comma + 1);
    Measured m{s.substr(0, eq), std::stod(a, &used1), std::stod(b, &used2)};
    if (used1 != a.size() || used2 != b.size() || !(m.inferMs > 0) ||
        !(m.trainMs > 0))
      throw std::invalid_argument("");
    return m;
  } catch (const std::logic_error &) {
    throw CLI::ValidationError(
        "--measured", "'" + s + "': times must be positive numbers in ms");
  }
}

/// label=ms of `--layer-measured`.
std::pair<std::string, double> parseLayerMeasured(const std::string &s) {
  auto eq = s.find('=');
  double ms = 0;
  size_t used = 0;
  try {
    if (eq != std::string::npos && eq > 0)
      ms = std::stod(s.substr(eq + 1), &used);
  } catch (const std::logic_error &) {
  }
  if (eq == std::string::npos || eq == 0 || used == 0 ||
      used != s.size() - eq - 1 || !(ms > 0))
    throw CLI::ValidationError(
        "--layer-measured",
        "'" + s + "': expected label=ms with a positive time (e.g. shodh=9.4)");
  return {s.substr(0, eq), ms};
}

/// Text line and JSON object of one measured time `ms` of cost `c`.
std::pair<std::string, std::string> measuredLine(const std::string &label,
                                                 const char *what,
                                                 const Cost &c, double ms,
                                                 double peak, double bw,
                                                 bool costOnly) {
  double bound = std::max(c.flops() / (peak * 1e9), c.bytes / (bw * 1e9)) * 1e3;
  double over = costOnly ? 0.0 : ms / bound;
  return {fmt::format("{} {}: {:.2f} ms, {:.2f} GFLOP/s, {:.2f} GB/s, {:.1f}x "
                      "the roofline bound\n",
                      label, what, ms, c.flops() / ms * 1e-6,
                      c.bytes / ms * 1e-6, over),
          fmt::format("{{\"label\": \"{}\", \"program\": \"{}\", \"ms\": "
                      "{:.3f}, \"gflops\": {:.3f}, \"gbs\": {:.3f}, "
                      "\"over_bound\": {:.3f}}}",
                      label, what, ms, c.flops() / ms * 1e-6,
                      c.bytes / ms * 1e-6, over)};
}

std::string costJson(const Cost &c, double peak, double bw) {
  std::string bound = "null"; // no peaks with --cost-only
  if (peak > 0 && bw > 0)
    bound = fmt::format(
        "{:.4g}",
        std::max(c.flops() / (peak * 1e9), c.bytes / (bw * 1e9)) * 1e3);
  return fmt::format(
      "{{\"flops\": {:.6g}, \"gemm_flops\": {:.6g}, \"fft_flops\": {:.6g}, "
      "\"contract_flops\": {:.6g}, \"elementwise_flops\": {:.6g}, "
      "\"bytes\": {:.6g}, \"bound_ms\": {}}}",
      c.flops(), c.gemmFlops, c.fftFlops, c.contractFlops, c.elementwiseFlops,
      c.bytes, bound);
}

void printCost(const char *what, const Cost &c, double peak, double bw) {
  double computeMs = c.flops() / (peak * 1e9) * 1e3,
         memMs = c.bytes / (bw * 1e9) * 1e3;
  fmt::print("{}: {:.3f} GFLOP (GEMM {:.3f}, FFT {:.3f}, contraction {:.3f}, "
             "elementwise "
             "{:.3f}), {:.1f} MB, intensity {:.1f} FLOP/B\n",
             what, c.flops() * 1e-9, c.gemmFlops * 1e-9, c.fftFlops * 1e-9,
             c.contractFlops * 1e-9, c.elementwiseFlops * 1e-9, c.bytes * 1e-6,
             c.flops() / c.bytes);
  if (peak > 0)
    fmt::print("  roofline bound {:.2f} ms ({}-bound: compute {:.2f} ms, "
               "memory {:.2f} ms)\n",
               std::max(computeMs, memMs),
               computeMs >= memMs ? "compute" : "memory", computeMs, memMs);
}

void run(const Options &o) {
  const FnoConfig &f = o.fno;
  if (std::string err = checkFnoConfig(f); !err.empty())
    throw CLI::ValidationError("shodh-roofline", err);
  std::vector<Measured> measured;
  for (const std::string &s : o.measured)
    measured.push_back(parseMeasured(s));
  std::vector<std::pair<std::string, double>> layerMeasured;
  for (const std::string &s : o.layerMeasured)
    layerMeasured.push_back(parseLayerMeasured(s));
  FnoCost cost = fnoCost(f);
  fmt::print("FNO-2D B={} {}x{} cin {} cout {} width {} modes {} layers {} "
             "proj {}: {} params\n",
             f.batch, f.res, f.res, f.cin, f.cout, f.width, f.modes, f.layers,
             f.proj, cost.params);
  double peak = o.peakGflops, bw = o.bandwidthGbs, copyGbs = 0;
  std::string gemmJson;
  if (!o.costOnly && peak <= 0) {
    for (int n : o.gemmSizes) {
      double one = perThreadSgemmGflops(n, 1, o.reps);
      double many = perThreadSgemmGflops(n, o.threads, o.reps);
      double blas = openblasThreadedGflops(n, o.threads, o.reps);
      fmt::print("sgemm {0}x{0}: 1 thread {1:.1f} GFLOP/s, {2} threads x "
                 "1-thread sgemm "
                 "{3:.1f} GFLOP/s, OpenBLAS {2} threads {4:.1f} GFLOP/s\n",
                 n, one, o.threads, many, blas);
      gemmJson += fmt::format(
          "{}{{\"n\": {}, \"gflops_1t\": {:.2f}, \"gflops_per_thread_nt\": "
          "{:.2f}, \"gflops_openblas_nt\": {:.2f}}}",
          gemmJson.empty() ? "" : ", ", n, one, many, blas);
      peak = std::max(peak, many);
    }
  }
  if (!o.costOnly && bw <= 0) {
    auto [copy, triad] = streamGbs(o.streamMib, o.threads, o.reps);
    fmt::print("stream {} MiB arrays, {} threads: copy {:.1f} GB/s, triad "
               "{:.1f} GB/s\n",
               o.streamMib, o.threads, copy, triad);
    copyGbs = copy;
    bw = triad;
  }
  if (!o.costOnly)
    fmt::print("roofline peaks: {:.1f} GFLOP/s ({} threads x 1-thread sgemm), "
               "{:.1f} GB/s "
               "(triad); ridge {:.1f} FLOP/B\n",
               peak, o.threads, bw, peak / bw);
  printCost("infer", cost.infer, o.costOnly ? 0 : peak, bw);
  printCost("train_step", cost.trainStep, o.costOnly ? 0 : peak, bw);
  printCost("spectral_layer", cost.layer, o.costOnly ? 0 : peak, bw);
  auto join = [](std::string &list, const std::string &item) {
    list += (list.empty() ? "" : ", ") + item;
  };
  std::string measuredJson, layerJson;
  for (const Measured &m : measured)
    for (auto [what, c, ms] :
         {std::tuple{"infer", &cost.infer, m.inferMs},
          std::tuple{"train_step", &cost.trainStep, m.trainMs}}) {
      auto [text, json] =
          measuredLine(m.label, what, *c, ms, peak, bw, o.costOnly);
      fmt::print("{}", text);
      join(measuredJson, json);
    }
  for (const auto &[label, ms] : layerMeasured) {
    auto [text, json] = measuredLine(label, "spectral_layer", cost.layer, ms,
                                     peak, bw, o.costOnly);
    fmt::print("{}", text);
    join(layerJson, json);
  }
  fmt::print("{{\"params\": {}, \"threads\": {}, \"peak_gflops\": {:.2f}, "
             "\"triad_gbs\": {:.2f}, "
             "\"copy_gbs\": {:.2f}, \"sgemm\": [{}], \"infer\": {}, "
             "\"train_step\": {}, \"spectral_layer\": {}, "
             "\"measured\": [{}], \"layer_measured\": [{}]}}\n",
             cost.params, o.threads, peak, bw, copyGbs, gemmJson,
             costJson(cost.infer, peak, bw), costJson(cost.trainStep, peak, bw),
             costJson(cost.layer, peak, bw), measuredJson, layerJson);
}

} // namespace
} // namespace shodh::bench

int main(int argc, char **argv) {
  using namespace shodh::bench;
  Options o;
  CLI::App app{
      "shodh-roofline: machine peaks (sgemm, stream) and the FNO-2D roofline"};
  auto positive = CLI::Range(int64_t(1), int64_t(1) << 24);
  app.add_option("--batch", o.fno.batch, "batch size")->check(positive);
  app.add_option("--res", o.fno.res, "grid points per side")->check(positive);
  app.add_option("--cin", o.fno.cin, "input channels")->check(positive);
  app.add_option("--cout", o.fno.cout, "output channels")->check(positive);
  app.add_option("--width", o.fno.width, "hidden channels")->check(positive);
  app.add_option("--modes", o.fno.modes, "Fourier modes per axis")
      ->check(positive);
  app.add_option("--layers", o.fno.layers, "Fourier layers")->check(positive);
  app.add_option("--proj", o.fno.proj, "projection width")->check(positive);
  app.add_option("--threads", o.threads, "threads for the peaks")
      ->check(CLI::Range(1, 256));
  app.add_option("--gemm-sizes", o.gemmSizes, "square sgemm sizes")
      ->check(CLI::Range(16, 8192))
      ->delimiter(',');
  app.add_option("--stream-mib", o.streamMib, "MiB per stream array")
      ->check(CLI::Range(8, 8192));
  app.add_option("--reps", o.reps, "repetitions per measurement (best kept)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--peak-gflops", o.peakGflops,
                 "use this compute peak instead of measuring")
      ->check(CLI::PositiveNumber);
  app.add_option("--bandwidth-gbs", o.bandwidthGbs,
                 "use this bandwidth instead of measuring")
      ->check(CLI::PositiveNumber);
  app.add_flag("--cost-only", o.costOnly,
               "print the analytic counts only, measure nothing");
  app.add_option("--measured", o.measured,
                 "label=infer_ms,train_ms of an implementation");
  app.add_option("--layer-measured", o.layerMeasured,
                 "label=ms of one spectral layer (bench/spectral_layer.mlir)");
  try {
    app.parse(argc, argv);
    run(o);
  } catch (const CLI::ParseError &e) {
    return app.exit(e);
  } catch (const std::exception &e) {
    fmt::print(stderr, "shodh-roofline: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
