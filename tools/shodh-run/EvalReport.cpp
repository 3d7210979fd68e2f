//===- EvalReport.cpp - The numbers of `shodh-run eval` -------------------===//
#include "tools/shodh-run/EvalReport.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/support/JsonText.h"
#include "tools/shodh-run/RoutingEval.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

namespace shodh {

void DivergenceTally::add(double figure) {
  max = std::max(max, figure);
  sum += figure;
  ++samples;
}

DomainLabels DomainLabels::read(const std::string &path, int64_t samples) {
  DomainLabels d;
  d.ids = readDomainLabels(path, samples);
  if (!d.ids.empty())
    d.names = Hdf5Reader(path).readStringsAttr("domain", "labels");
  return d;
}

std::string DomainLabels::name(int64_t id) const {
  if (id >= 0 && id < int64_t(names.size()) && !names[id].empty())
    return names[id];
  return fmt::format("domain {}", id);
}

void EvalGroup::addChannels(const float *prediction, const float *target,
                            int64_t inner) {
  for (size_t c = 0; c < channels.size(); ++c)
    channels[c].addSample(prediction + c * inner, target + c * inner, inner);
}

std::string EvalGroup::channelName(size_t c) const {
  return c < channelNames.size() ? channelNames[c] : std::to_string(c);
}

EvalGroup &EvalReport::addFile(std::string name, std::string path) {
  EvalGroup g;
  g.name = std::move(name), g.path = std::move(path);
  files_.push_back(std::move(g));
  return files_.back();
}

EvalGroup &EvalReport::domain(int64_t id, const std::string &label) {
  EvalGroup &g = domains_[{id, label}];
  g.name = label;
  return g;
}

EvalGroup EvalReport::all() const {
  EvalGroup all;
  all.name = "all";
  // Per channel only when every file has the same channels.
  if (!files_.empty()) {
    all.channels.resize(files_.front().channels.size());
    all.channelNames = files_.front().channelNames;
  }
  for (const EvalGroup &f : files_)
    if (f.channels.size() != all.channels.size() ||
        f.channelNames != all.channelNames)
      all.channels.clear(), all.channelNames.clear();
  for (const EvalGroup &f : files_) {
    for (size_t c = 0; c < all.channels.size(); ++c)
      all.channels[c].merge(f.channels[c]);
    all.error.merge(f.error);
    all.divergence.max = std::max(all.divergence.max, f.divergence.max);
    all.divergence.sum += f.divergence.sum;
    all.divergence.samples += f.divergence.samples;
  }
  return all;
}

std::string EvalReport::line(const EvalGroup &g) const {
  std::string div =
      divergence_.empty()
          ? ""
          : fmt::format(", {} divergence max {:.3g} (mean {:.3g})", divergence_,
                        g.divergence.max, g.divergence.mean());
  return fmt::format("{}: {} samples, relative L2 {:.6g}, MSE {:.6g}{}\n",
                     g.name, g.error.samples(), g.error.relL2(), g.error.mse(),
                     div);
}

std::string EvalReport::channelLines(const EvalGroup &g) const {
  if (g.channels.size() < 2)
    return "";
  std::vector<std::string> parts;
  for (size_t c = 0; c < g.channels.size() && c < kMaxChannelLines; ++c)
    parts.push_back(
        fmt::format("{} {:.4g}", g.channelName(c), g.channels[c].relL2()));
  if (g.channels.size() > kMaxChannelLines)
    parts.push_back(fmt::format("... ({} more in --metrics-json)",
                                g.channels.size() - kMaxChannelLines));
  return fmt::format("  per channel relative L2: {}\n", fmt::join(parts, ", "));
}

std::string EvalReport::summary() const {
  std::string out;
  if (files_.size() > 1) {
    EvalGroup a = all();
    out = line(a) + channelLines(a);
  }
  for (const auto &[key, g] : domains_)
    out += "  " + line(g);
  return out;
}

std::string EvalReport::groupJson(const EvalGroup &g,
                                  const std::string &extra) const {
  bool measured = !divergence_.empty();
  std::vector<std::string> channels;
  for (size_t c = 0; c < g.channels.size(); ++c)
    channels.push_back(fmt::format(
        "{{\"channel\": {}, \"name\": {}, \"relative_l2\": {}, \"mse\": {}}}",
        c, c < g.channelNames.size() ? jsonQuoted(g.channelNames[c]) : "null",
        jsonNumber(g.channels[c].relL2()), jsonNumber(g.channels[c].mse())));
  return fmt::format("{{{}\"samples\": {}, \"relative_l2\": {}, \"mse\": {}, "
                     "\"divergence_max\": {}, \"divergence_mean\": {}, "
                     "\"channels\": [{}]}}",
                     extra, g.error.samples(), jsonNumber(g.error.relL2()),
                     jsonNumber(g.error.mse()),
                     measured ? jsonNumber(g.divergence.max) : "null",
                     measured ? jsonNumber(g.divergence.mean()) : "null",
                     fmt::join(channels, ", "));
}

std::string EvalReport::json(const std::string &routingJson) const {
  std::vector<std::string> files, domains;
  for (const EvalGroup &f : files_)
    files.push_back(groupJson(f, fmt::format("\"name\": {}, \"path\": {}, ",
                                             jsonQuoted(f.name), jsonQuoted(f.path))));
  for (const auto &[key, g] : domains_)
    domains.push_back(groupJson(g, fmt::format("\"domain\": {}, \"name\": {}, ",
                                               key.first, jsonQuoted(g.name))));
  std::string routing = routingJson;
  while (!routing.empty() && routing.back() == '\n')
    routing.pop_back();
  return fmt::format(
      "{{\"divergence\": {},\n \"files\": [{}],\n \"all\": {},\n "
      "\"domains\": [{}],\n \"routing\": {}}}\n",
      divergence_.empty() ? "null" : jsonQuoted(divergence_),
      fmt::join(files, ",\n   "), groupJson(all(), ""),
      fmt::join(domains, ",\n   "), routing.empty() ? "null" : routing);
}

} // namespace shodh
