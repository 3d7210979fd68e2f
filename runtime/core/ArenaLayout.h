//===- ArenaLayout.h - Where a program's arena tensors live ---------------===//
//
// The arena of a program holds its inputs, outputs, activations and
// gradients (every non-persistent tensor it references). `layoutArena` binds
// their shapes under the symbols given to `Session::prepare`, checks the
// program's lifetimes against the calls (a tensor used outside its live range
// would share memory with another one), and plans offsets with `planMemory`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/MemoryPlanner.h"
#include "runtime/format/ModelDesc.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace shodh {

/// Concrete shapes and offsets of the arena tensors of one program.
struct ArenaLayout {
  std::vector<int32_t> tensors; ///< arena tensor ids, ascending
  std::vector<std::vector<int64_t>>
      shapes; ///< concrete shape, per entry of `tensors`
  std::vector<BufferRequest> requests; ///< per entry of `tensors`
  MemoryPlan plan;                     ///< offsets per entry of `tensors`
};

/// Lays out the arena of `program`. Throws `Error` for an unbound symbol, a
/// size overflow, a missing or duplicate lifetime, or a use of a tensor
/// outside its lifetime (program inputs must be live at call 0, outputs at
/// the last call).
ArenaLayout layoutArena(const ModelDesc &model, const ProgramDesc &program,
                        const std::map<std::string, int64_t> &symbols);

} // namespace shodh
