//===- FftwPlanner.h - The process-wide lock around FFTW's planner --------===//
//
// FFTW's planner (plan creation and destruction) is not thread-safe, while
// executing a plan is. Every data generator that plans double-precision
// transforms takes this one mutex, so generators can run on many threads.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <mutex>

namespace shodh {

/// The mutex to hold while calling fftw_plan_* or fftw_destroy_plan.
std::mutex &fftwPlannerMutex();

} // namespace shodh
