//===- FftwPlanner.cpp - The process-wide lock around FFTW's planner ------===//
#include "runtime/data/gen/FftwPlanner.h"

namespace shodh {

std::mutex &fftwPlannerMutex() {
  static std::mutex m;
  return m;
}

} // namespace shodh
