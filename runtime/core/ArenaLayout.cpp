//===- ArenaLayout.cpp - Where a program's arena tensors live -------------===//
#include "runtime/core/ArenaLayout.h"
#include "runtime/core/AlignedBuffer.h"
#include "runtime/core/KernelInstantiation.h"
#include "runtime/core/Session.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace shodh {

namespace {

/// Non-persistent tensors referenced by the program, ascending.
std::vector<int32_t> arenaTensors(const ModelDesc &model,
                                  const ProgramDesc &program) {
  std::set<int32_t> ids(program.inputs.begin(), program.inputs.end());
  ids.insert(program.outputs.begin(), program.outputs.end());
  for (const KernelCall &c : program.calls) {
    ids.insert(c.inputs.begin(), c.inputs.end());
    ids.insert(c.outputs.begin(), c.outputs.end());
  }
  std::vector<int32_t> out;
  for (int32_t id : ids)
    if (!isPersistent(model.tensors[id].role))
      out.push_back(id);
  return out;
}

/// The lifetimes of `program` by tensor id, after checking ids and ranges.
std::map<int32_t, Lifetime> lifetimesById(const ModelDesc &model,
                                          const ProgramDesc &program) {
  std::map<int32_t, Lifetime> byId;
  for (const Lifetime &l : program.lifetimes) {
    std::string where = fmt::format("program '{}'", program.name);
    if (l.tensor < 0 || static_cast<size_t>(l.tensor) >= model.tensors.size())
      throw Error(fmt::format(
          "{}: lifetime refers to tensor {} but the model has {} tensors",
          where, l.tensor, model.tensors.size()));
    const std::string &name = model.tensors[l.tensor].name;
    if (l.first > l.last)
      throw Error(fmt::format("{}: lifetime of tensor '{}' is empty ([{}, {}])",
                              where, name, l.first, l.last));
    if (!byId.emplace(l.tensor, l).second)
      throw Error(
          fmt::format("{}: tensor '{}' has two lifetimes", where, name));
  }
  return byId;
}

/// Throws unless tensor `id` is live at call `at`.
void expectLive(const ModelDesc &model, const Lifetime &l, int32_t at,
                const std::string &where, const char *use) {
  if (at < l.first || at > l.last)
    throw Error(fmt::format(
        "{}: tensor '{}' is {} at call {} but its lifetime is [{}, {}]", where,
        model.tensors[l.tensor].name, use, at, l.first, l.last));
}

/// Checks that every use of an arena tensor lies inside its lifetime.
void checkUses(const ModelDesc &model, const ProgramDesc &p,
               const std::map<int32_t, Lifetime> &life) {
  auto check = [&](int32_t id, int32_t at, const std::string &where,
                   const char *use) {
    if (!isPersistent(model.tensors[id].role))
      expectLive(model, life.at(id), at, where, use);
  };
  std::string prog = fmt::format("program '{}'", p.name);
  int32_t lastCall = static_cast<int32_t>(p.calls.size()) - 1;
  for (int32_t id : p.inputs)
    check(id, 0, prog, "a program input, needed");
  for (int32_t id : p.outputs)
    check(id, std::max(lastCall, 0), prog, "a program output, needed");
  for (size_t i = 0; i < p.calls.size(); ++i) {
    for (int32_t id : p.calls[i].inputs)
      check(id, static_cast<int32_t>(i), callSite(p, i), "read");
    for (int32_t id : p.calls[i].outputs)
      check(id, static_cast<int32_t>(i), callSite(p, i), "written");
  }
}

} // namespace

ArenaLayout layoutArena(const ModelDesc &model, const ProgramDesc &program,
                        const std::map<std::string, int64_t> &symbols) {
  checkTensorIds(model, program);
  ArenaLayout layout;
  layout.tensors = arenaTensors(model, program);
  std::map<int32_t, Lifetime> life = lifetimesById(model, program);
  for (int32_t id : layout.tensors)
    if (!life.count(id))
      throw Error(fmt::format("program '{}': tensor '{}' has no lifetime",
                              program.name, model.tensors[id].name));
  checkUses(model, program, life);
  for (int32_t id : layout.tensors) {
    const TensorDesc &t = model.tensors[id];
    layout.shapes.push_back(bindShape(t, symbols));
    uint64_t bytes =
        byteSize(t.dtype, layout.shapes.back(), "tensor '" + t.name + "'");
    layout.requests.push_back(
        BufferRequest{id, bytes, life[id].first, life[id].last});
  }
  layout.plan = planMemory(layout.requests, kTensorAlignment);
  return layout;
}

} // namespace shodh
