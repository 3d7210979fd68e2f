//===- RoutingHost.h - Host helpers of the CUDA routing and expert kernels
//-===//
//
// `FaultRecord` owns the `RoutingFault` a launch fills (RoutingLaunch.h):
// `reset` before the launches, `raise*` after them. Raising reads the
// record back (a 24-byte copy that waits for the stream) and, on a fault,
// the offending values, and throws the CPU kernel's message, so a corrupt
// expert id, `source` or `offsets` fails the same way on both backends.
// `checkBlasDims` guards the int arguments of cuBLAS.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Device.h"
#include "runtime/kernels/cuda/RoutingLaunch.h"

#include <initializer_list>
#include <string>

namespace shodh::cuda {

/// Device memory for one RoutingFault and the messages of its faults.
class FaultRecord {
public:
  /// Allocates the record on first use.
  void allocate(Device &device);
  /// The device pointer the launchers fill.
  RoutingFault *data() const {
    return reinterpret_cast<RoutingFault *>(buffer_.data());
  }
  /// Clears the record on the stream (enqueued).
  void reset(Device &device) const;
  /// Waits for the stream; throws "expert id {} of assignment {} is outside
  /// [0, {})" (dispatch, load_balance_loss) or, with `perToken`, "expert id
  /// {} is outside [0, {})" (top_k_grad) if an id was bad.
  void raiseBadId(const std::string &where, const int64_t *ids, int64_t experts,
                  Device &device, bool perToken = false) const;
  /// Waits for the stream; throws invertSource's message for the first bad
  /// offsets entry or source row.
  void raiseBadSource(const std::string &where, const int64_t *source,
                      const int64_t *offsets, int64_t rows, int64_t experts,
                      Device &device) const;

private:
  RoutingFault read(Device &device) const;
  DeviceBuffer buffer_;
};

/// Throws "{where}: dimension {v} exceeds the cuBLAS limit of {INT_MAX}"
/// for the first value past INT_MAX.
void checkBlasDims(const std::string &where,
                   std::initializer_list<int64_t> values);

/// `buffer` holds at least `bytes` (reallocated, zero-filled, if smaller).
void ensureBytes(DeviceBuffer &buffer, uint64_t bytes, Device &device);

} // namespace shodh::cuda
