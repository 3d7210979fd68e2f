//===- EvalReport.cpp - The numbers of `shodh-run eval` -------------------===//
#include "tools/shodh-run/EvalReport.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/support/JsonText.h"
#include "tools/shodh-run/RoutingEval.h"

#include <fmt/format.h>

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

EvalGroup &EvalReport::addFile(std::string name, std::string path) {
  files_.push_back(EvalGroup{std::move(name), std::move(path), {}, {}});
  return files_.back();
}

EvalGroup &EvalReport::domain(int64_t id, const std::string &label) {
  EvalGroup &g = domains_[{id, label}];
  g.name = label;
  return g;
}

EvalGroup EvalReport::all() const {
  EvalGroup all{"all", "", {}, {}};
  for (const EvalGroup &f : files_) {
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

std::string EvalReport::summary() const {
  std::string out = files_.size() > 1 ? line(all()) : "";
  for (const auto &[key, g] : domains_)
    out += "  " + line(g);
  return out;
}

std::string EvalReport::groupJson(const EvalGroup &g,
                                  const std::string &extra) const {
  bool measured = !divergence_.empty();
  return fmt::format("{{{}\"samples\": {}, \"relative_l2\": {}, \"mse\": {}, "
                     "\"divergence_max\": {}, \"divergence_mean\": {}}}",
                     extra, g.error.samples(), jsonNumber(g.error.relL2()),
                     jsonNumber(g.error.mse()),
                     measured ? jsonNumber(g.divergence.max) : "null",
                     measured ? jsonNumber(g.divergence.mean()) : "null");
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
