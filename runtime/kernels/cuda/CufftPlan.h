//===- CufftPlan.h - Batched real cuFFT transforms in f32 and f64 ---------===//
//
// `CufftPlan` owns one cuFFT plan of `batch` contiguous real grids
// N_1 x .. x N_d to their half spectra (r2c: R2C/D2Z) or back (c2r:
// C2R/Z2D, unnormalised), bound to a stream. Plans are made in a kernel's
// `prepare`; `execute` only enqueues. Every cuFFT failure becomes `Error`
// naming the call site, the routine and the status. Leading axes of
// extent 1 are left out of the plan (same layout and values). c2r overwrites
// its input: callers pass scratch. A batch of 0 makes no plan and executes
// nothing.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shodh::cuda {

/// The name of a cuFFT status (cuFFT has no string function).
const char *cufftStatusName(int status);
/// Throws `Error` "WHERE: cuFFT ROUTINE failed: NAME (CODE)" unless
/// `status` is CUFFT_SUCCESS.
void checkCufft(int status, const std::string &where, const char *routine);

/// One batched r2c or c2r plan (see the file comment).
class CufftPlan {
public:
  /// Plans `batch` transforms of `grid`, double precision if `f64`,
  /// forward (r2c) if `forward`, on `stream` (a cudaStream_t).
  CufftPlan(const std::vector<int64_t> &grid, int64_t batch, bool f64,
            bool forward, void *stream, std::string where);
  ~CufftPlan();
  CufftPlan(const CufftPlan &) = delete;
  CufftPlan &operator=(const CufftPlan &) = delete;

  /// r2c: real -> half; c2r: half -> real (half is destroyed).
  void execute(void *real, void *half) const;

private:
  int handle_ = 0;
  bool valid_ = false, f64_, forward_;
  std::string where_;
};

} // namespace shodh::cuda
