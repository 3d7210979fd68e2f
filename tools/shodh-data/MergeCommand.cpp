//===- MergeCommand.cpp - shodh-data merge: concatenate training files ----===//
//
//   shodh-data merge ch.h5 po.h5 --out mixed.h5 [--shuffle --seed S]
//
// Concatenates `inputs`, `targets` and (when every file has it) the integer
// `domain` labels of several files along axis 0, e.g. channel3d and porous3d
// `--pairs` files into Shodh-MoE's mixed set. All files are checked before
// anything is written: both datasets present, floating-point, the same
// per-row shape and element type and the same `fields` in every file, as many
// `inputs` as `targets` rows, `domain` in all files or none, one label per
// row, and the same `labels` attribute everywhere (labels are not remapped).
// Rows are then streamed in runs of consecutive rows (at most kRunBytes at a
// time), so memory stays small whatever the file sizes. `--shuffle` writes
// output row k from concatenated row epochOrder(M, seed, 0)[k] (the
// training loader's Fisher–Yates, runtime/train/Shuffle.h), the same
// permutation for every dataset. Layout: docs/data-format.md ("Merging").
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/support/Status.h"
#include "runtime/train/Shuffle.h"
#include "tools/common/CliChecks.h"
#include "tools/common/Progress.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <numeric>

namespace shodh {
namespace {

/// Largest block of rows read and written in one piece.
constexpr int64_t kRunBytes = int64_t(64) << 20;

/// Options of `shodh-data merge`.
struct MergeOptions {
  std::vector<std::string> files;
  std::string out;
  bool shuffle = false;
  uint64_t seed = 0;
  std::string commandLine;
};

/// The checked input files and what the output needs from them.
struct MergePlan {
  std::vector<std::unique_ptr<Hdf5Reader>> files;
  std::vector<int64_t> rows;    ///< rows per file
  std::vector<int64_t> offsets; ///< first concatenated row of each file
  int64_t total = 0;
  bool domain = false;
  std::vector<int64_t> labels; ///< concatenated `domain`
};

/// Shape and element type of dataset `name`, e.g. "(6, 3, 16, 16, 16) f32".
std::string describe(const Hdf5Reader &f, const std::string &name) {
  return formatShape(f.datasetShape(name)) + " " + f.datasetTypeName(name);
}

/// Checks `inputs` or `targets` of `f` against the first file `ref`.
void checkRows(const Hdf5Reader &f, const Hdf5Reader &ref,
               const std::string &name) {
  if (!f.hasDataset(name))
    throw Error(fmt::format("'{}': no dataset '{}' (merge needs 'inputs' and "
                            "'targets' in every file)",
                            f.path(), name));
  const std::string type = f.datasetTypeName(name);
  if (type != "f32" && type != "f64")
    throw Error(fmt::format("'{}': dataset '{}' must hold floating-point "
                            "values (f32 or f64), not {}",
                            f.path(), name, type));
  std::vector<int64_t> shape = f.datasetShape(name);
  if (shape.empty())
    throw Error(fmt::format("'{}': dataset '{}' is a scalar; merge needs a "
                            "leading row axis",
                            f.path(), name));
  if (&f == &ref)
    return;
  std::vector<int64_t> refShape = ref.datasetShape(name);
  if (!std::equal(shape.begin() + 1, shape.end(), refShape.begin() + 1,
                  refShape.end()) ||
      type != ref.datasetTypeName(name))
    throw Error(fmt::format("'{}': dataset '{}' has shape {} but '{}' has {}; "
                            "all axes but the first and the type must agree",
                            f.path(), name, describe(f, name), ref.path(),
                            describe(ref, name)));
  std::vector<std::string> fields = f.readStringsAttr(name, "fields");
  std::vector<std::string> refFields = ref.readStringsAttr(name, "fields");
  if (fields != refFields)
    throw Error(fmt::format("'{}': attribute 'fields' of '{}' is [{}] but "
                            "'{}' has [{}]",
                            f.path(), name, fmt::join(fields, ", "), ref.path(),
                            fmt::join(refFields, ", ")));
}

/// Checks `domain` of `f` (`rows` rows) against `ref` and appends its labels.
void checkDomain(const Hdf5Reader &f, const Hdf5Reader &ref, int64_t rows,
                 MergePlan &plan) {
  if (f.hasDataset("domain") != plan.domain) {
    const Hdf5Reader &with = plan.domain ? ref : f;
    const Hdf5Reader &without = plan.domain ? f : ref;
    throw Error(fmt::format("'{}' has no dataset 'domain' but '{}' has one: "
                            "'domain' must be in every file or in none",
                            without.path(), with.path()));
  }
  if (!plan.domain)
    return;
  std::vector<int64_t> shape;
  std::vector<int64_t> labels = f.readInts("domain", shape);
  if (shape != std::vector<int64_t>{rows})
    throw Error(fmt::format("'{}': dataset 'domain' has shape {} but "
                            "'inputs' has {} rows (one label per row)",
                            f.path(), formatShape(shape), rows));
  std::vector<std::string> names = f.readStringsAttr("domain", "labels");
  std::vector<std::string> refNames = ref.readStringsAttr("domain", "labels");
  if (names != refNames)
    throw Error(fmt::format("'{}': attribute 'labels' of 'domain' is [{}] but "
                            "'{}' has [{}]; labels are not remapped",
                            f.path(), fmt::join(names, ", "), ref.path(),
                            fmt::join(refNames, ", ")));
  plan.labels.insert(plan.labels.end(), labels.begin(), labels.end());
}

/// Opens and checks every input file; writes nothing.
MergePlan planMerge(const MergeOptions &o) {
  std::error_code ec;
  for (const std::string &path : o.files)
    if (std::filesystem::equivalent(path, o.out, ec))
      throw Error(fmt::format("--out '{}' is also an input file", o.out));
  MergePlan plan;
  for (const std::string &path : o.files)
    plan.files.push_back(std::make_unique<Hdf5Reader>(path));
  const Hdf5Reader &ref = *plan.files.front();
  plan.domain = ref.hasDataset("domain");
  for (const auto &file : plan.files) {
    const Hdf5Reader &f = *file;
    checkRows(f, ref, "inputs");
    checkRows(f, ref, "targets");
    const int64_t rows = f.datasetShape("inputs")[0];
    if (f.datasetShape("targets")[0] != rows)
      throw Error(fmt::format("'{}': dataset 'inputs' has {} rows but "
                              "'targets' has {}",
                              f.path(), rows, f.datasetShape("targets")[0]));
    checkDomain(f, ref, rows, plan);
    plan.offsets.push_back(plan.total);
    plan.rows.push_back(rows);
    plan.total += rows;
  }
  return plan;
}

/// Copies dataset `name` of every file into `w` in the order `order`
/// (output row k = concatenated row order[k]), a run of consecutive source
/// rows of one file at a time.
void copyRows(const MergePlan &plan, const std::vector<int64_t> &order,
              const std::string &name, Hdf5Writer &w, Progress &progress) {
  const Hdf5Reader &ref = *plan.files.front();
  std::vector<int64_t> shape = ref.datasetShape(name);
  const int64_t rowBytes =
      4 * std::accumulate(shape.begin() + 1, shape.end(), int64_t(1),
                          std::multiplies<int64_t>());
  const int64_t maxRun =
      std::max<int64_t>(1, kRunBytes / std::max<int64_t>(rowBytes, 1));
  shape[0] = plan.total;
  w.createFloats(name, shape);
  for (int64_t k = 0; k < plan.total;) {
    const int64_t src = order[k];
    const size_t f = static_cast<size_t>(
        std::upper_bound(plan.offsets.begin(), plan.offsets.end(), src) -
        plan.offsets.begin() - 1);
    const int64_t fileEnd = plan.offsets[f] + plan.rows[f];
    int64_t run = 1;
    while (k + run < plan.total && run < maxRun &&
           order[k + run] == src + run && src + run < fileEnd)
      ++run;
    w.writeFloatRows(name, k,
                     plan.files[f]->readRows(name, src - plan.offsets[f], run));
    progress.advance(run);
    k += run;
  }
  for (const char *attr : {"fields", "axes"}) {
    std::vector<std::string> values = ref.readStringsAttr(name, attr);
    if (!values.empty())
      w.writeStringsAttr(name, attr, values);
  }
}

/// Writes `domain` in output order, and the root attributes.
void writeLabelsAndAttributes(const MergeOptions &o, const MergePlan &plan,
                              const std::vector<int64_t> &order,
                              Hdf5Writer &w) {
  const Hdf5Reader &ref = *plan.files.front();
  if (plan.domain) {
    std::vector<int64_t> labels(order.size());
    for (size_t k = 0; k < order.size(); ++k)
      labels[k] = plan.labels[static_cast<size_t>(order[k])];
    w.writeInts("domain", {plan.total}, labels);
    std::vector<std::string> names = ref.readStringsAttr("domain", "labels");
    if (!names.empty())
      w.writeStringsAttr("domain", "labels", names);
  }
  w.writeStringsAttr("/", "merged_from", o.files);
  w.writeIntsAttr("/", "rows_per_file", plan.rows);
  if (o.shuffle)
    w.writeIntsAttr("/", "shuffle_seed", {static_cast<int64_t>(o.seed)});
  w.writeStringsAttr("/", "generator", {o.commandLine});
  // Descriptive attributes that every file agrees on carry over.
  auto same = [&](auto read) {
    auto value = read(ref);
    for (const auto &f : plan.files)
      if (read(*f) != value)
        return decltype(value){};
    return value;
  };
  auto pde =
      same([](const Hdf5Reader &f) { return f.readStringsAttr("/", "pde"); });
  if (!pde.empty())
    w.writeStringsAttr("/", "pde", pde);
  auto grid =
      same([](const Hdf5Reader &f) { return f.readIntsAttr("/", "grid"); });
  if (!grid.empty())
    w.writeIntsAttr("/", "grid", grid);
}

/// "4 open-channel (0), 6 porous (1)": rows per label value, named by the
/// `labels` attribute where it covers the value.
std::string countLabels(std::vector<int64_t> labels,
                        const std::vector<std::string> &names) {
  std::sort(labels.begin(), labels.end());
  std::vector<std::string> counts;
  for (auto it = labels.begin(); it != labels.end();) {
    auto next = std::upper_bound(it, labels.end(), *it);
    const bool named = *it >= 0 && *it < static_cast<int64_t>(names.size());
    counts.push_back(fmt::format(
        "{} {}({})", next - it,
        named ? names[static_cast<size_t>(*it)] + " " : std::string(), *it));
    it = next;
  }
  return fmt::format("{}", fmt::join(counts, ", "));
}

/// Checks, streams, commits and prints a summary.
void runMerge(const MergeOptions &o) {
  MergePlan plan = planMerge(o);
  Hdf5Writer writer(o.out);
  std::vector<int64_t> order(static_cast<size_t>(plan.total));
  std::iota(order.begin(), order.end(), int64_t(0));
  if (o.shuffle)
    order = epochOrder(plan.total, o.seed, 0);
  Progress progress("shodh-data merge (rows)", 2 * plan.total);
  copyRows(plan, order, "inputs", writer, progress);
  copyRows(plan, order, "targets", writer, progress);
  writeLabelsAndAttributes(o, plan, order, writer);
  writer.commit();

  std::vector<int64_t> in = plan.files.front()->datasetShape("inputs");
  std::vector<int64_t> tg = plan.files.front()->datasetShape("targets");
  in[0] = tg[0] = plan.total;
  std::string domain;
  if (plan.domain)
    domain = fmt::format(
        ", domain ({},) = {}", plan.total,
        countLabels(plan.labels,
                    plan.files.front()->readStringsAttr("domain", "labels")));
  std::printf("wrote %s: inputs %s, targets %s%s from %zu files (%s), %s\n",
              o.out.c_str(), formatShape(in).c_str(), formatShape(tg).c_str(),
              domain.c_str(), o.files.size(),
              fmt::format("{}", fmt::join(plan.rows, " + ")).c_str(),
              o.shuffle ? fmt::format("shuffled with seed {}", o.seed).c_str()
                        : "in file order");
}

} // namespace

void addMergeCommand(CLI::App &app, const std::string &commandLine) {
  auto o = std::make_shared<MergeOptions>();
  o->commandLine = commandLine;
  CLI::App *cmd = app.add_subcommand(
      "merge", "concatenate the inputs, targets and domain datasets of "
               "several files along the row axis (e.g. channel3d and porous3d "
               "--pairs files into one mixed set)");
  cmd->add_option("files", o->files, "input HDF5 files")->required();
  cmd->add_option("--out", o->out, "output HDF5 file")->required();
  CLI::Option *shuffle =
      cmd->add_flag("--shuffle", o->shuffle,
                    "permute the rows (the same permutation for inputs, "
                    "targets and domain)");
  cmd->add_option("--seed", o->seed, "seed of the --shuffle permutation")
      ->capture_default_str()
      ->check(cli::seedNumber())
      ->needs(shuffle);
  cmd->callback([o] { runMerge(*o); });
}

} // namespace shodh
