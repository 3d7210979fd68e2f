//===- model_file_fuzzer.cpp - libFuzzer target: model-file loader --------===//
//
// Feeds arbitrary bytes to the model-file reader (`parseModel`), then to the
// verifier (`verifyModel`), and, for models the verifier accepts whose
// persistent tensors are small, constructs a `Session` (kernel validation,
// initialisation of parameters and state). Every rejection must be a
// `Status` or a `shodh::Error`; anything else (crash, sanitizer report,
// other exception, hang) is a bug. Seeds: compiled models and checkpoints
// (fuzz/make-corpus.sh). See docs/reliability.md.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Session.h"
#include "runtime/format/ModelFile.h"
#include "runtime/format/ModelVerifier.h"
#include "runtime/support/Status.h"

#include <cstddef>
#include <cstdint>

namespace {

/// Bytes of parameters, state and constants, or UINT64_MAX if unknown.
uint64_t persistentBytes(const shodh::ModelDesc &model) {
  uint64_t total = 0;
  for (const shodh::TensorDesc &t : model.tensors) {
    std::optional<uint64_t> size = shodh::format::staticByteSize(t);
    if (!size)
      continue;
    total += *size;
    if (total > (uint64_t(1) << 40))
      return UINT64_MAX;
  }
  return total;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  shodh::ModelDesc model;
  if (!shodh::parseModel(data, size, "fuzz.fb", model).ok())
    return 0;
  if (!shodh::verifyModel(model, "fuzz.fb").ok())
    return 0;
  // Valid models may legitimately declare huge tensors; constructing a
  // session for them only measures the allocator.
  if (persistentBytes(model) > (uint64_t(64) << 20))
    return 0;
  try {
    shodh::Session session(model, {});
  } catch (const shodh::Error &) {
  }
  return 0;
}
