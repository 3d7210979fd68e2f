//===- ProfileTable.cpp - The per-kernel timing table of bench --profile --===//
#include "tools/shodh-run/ProfileTable.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <numeric>

namespace shodh {
namespace {

/// "infer.h1 [16, 8, 64, 64]" for the first output of a call ("+N" more).
std::string outputText(const ModelDesc &m, const KernelCall &c,
                       const std::map<std::string, int64_t> &symbols) {
  if (c.outputs.empty())
    return "-";
  const TensorDesc &t = m.tensors[c.outputs[0]];
  std::string s =
      fmt::format("{} [{}]", t.name, fmt::join(bindShape(t, symbols), ", "));
  if (c.outputs.size() > 1)
    s += fmt::format(" (+{})", c.outputs.size() - 1);
  return s;
}

/// Percentage of `part` in `total` (0 when the total is 0).
double percent(double part, double total) {
  return total > 0 ? 100.0 * part / total : 0.0;
}

} // namespace

void printProfileTable(const Session &session, const std::string &program,
                       const std::map<std::string, int64_t> &symbols) {
  const ModelDesc &m = session.model();
  const ProgramDesc &p = *m.findProgram(program);
  const CallProfile &prof = session.callProfile(program);
  const double runs = double(std::max<int64_t>(prof.invocations, 1));
  const double total =
      std::accumulate(prof.seconds.begin(), prof.seconds.end(), 0.0);
  std::vector<size_t> order(prof.seconds.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return prof.seconds[a] > prof.seconds[b];
  });
  std::vector<std::string> outputs;
  size_t width = 6;
  for (const KernelCall &c : p.calls)
    width =
        std::max(width, outputs.emplace_back(outputText(m, c, symbols)).size());
  fmt::print("profile of {}: {:.3f} ms/run in {} calls (mean over {} runs)\n",
             program, 1e3 * total / runs, order.size(), prof.invocations);
  fmt::print("  {:>5}  {:<20} {:<{}} {:>10} {:>6}\n", "call", "kernel",
             "output", width, "ms/run", "%");
  for (size_t i : order)
    fmt::print("  {:>5}  {:<20} {:<{}} {:>10.4f} {:>6.1f}\n",
               fmt::format("#{}", i), p.calls[i].kernel, outputs[i], width,
               1e3 * prof.seconds[i] / runs, percent(prof.seconds[i], total));
  std::map<std::string, std::pair<int, double>> byKernel;
  for (size_t i = 0; i < order.size(); ++i) {
    auto &[calls, seconds] = byKernel[p.calls[i].kernel];
    ++calls, seconds += prof.seconds[i];
  }
  std::vector<std::pair<std::string, std::pair<int, double>>> kernels(
      byKernel.begin(), byKernel.end());
  std::stable_sort(kernels.begin(), kernels.end(), [](auto &a, auto &b) {
    return a.second.second > b.second.second;
  });
  fmt::print("by kernel:\n  {:<20} {:>5} {:>10} {:>6}\n", "kernel", "calls",
             "ms/run", "%");
  for (const auto &[name, v] : kernels)
    fmt::print("  {:<20} {:>5} {:>10.4f} {:>6.1f}\n", name, v.first,
               1e3 * v.second / runs, percent(v.second, total));
}

} // namespace shodh
