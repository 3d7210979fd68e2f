//===- hdf5_reader_fuzzer.cpp - libFuzzer target: HDF5 data reader --------===//
//
// Writes arbitrary bytes to a temporary file and reads it as a Shodh data
// file (docs/data-format.md) with `Hdf5Reader`: shapes of the standard
// datasets, their values (whole and by rows) and the documented attributes.
// Every rejection must be a `shodh::Error`. The HDF5 library itself is not
// instrumented; crashes inside it are reported, not fixed here. Seeds:
// shodh-data outputs (fuzz/make-corpus.sh). See docs/reliability.md.
//
//===----------------------------------------------------------------------===//
#include "runtime/data/Hdf5File.h"
#include "runtime/support/Status.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace {

/// A file name private to this process.
const std::string &tempPath() {
  static const std::string path =
      "/tmp/shodh-hdf5-fuzz." + std::to_string(getpid()) + ".h5";
  return path;
}

/// Reads everything a consumer of `name` would read; sizes are bounded so
/// that a valid but huge dataset does not exhaust memory.
void readDataset(const shodh::Hdf5Reader &r, const std::string &name) {
  if (!r.hasDataset(name))
    return;
  std::vector<int64_t> shape = r.datasetShape(name);
  int64_t numel = 1;
  for (int64_t d : shape) {
    if (d <= 0 || numel > (int64_t(1) << 24) / d)
      return;
    numel *= d;
  }
  r.readFloats(name);
  if (!shape.empty())
    r.readRows(name, 0, 1);
  try {
    r.readStringsAttr(name, "fields");
  } catch (const shodh::Error &) {
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FILE *f = std::fopen(tempPath().c_str(), "wb");
  if (!f)
    return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    shodh::Hdf5Reader r(tempPath());
    for (const char *name : {"inputs", "targets", "fields", "tensor"}) {
      try {
        readDataset(r, name);
      } catch (const shodh::Error &) {
      }
    }
    for (const char *attr : {"pde", "generator"}) {
      try {
        r.readStringsAttr("/", attr);
      } catch (const shodh::Error &) {
      }
    }
    r.readIntsAttr("/", "grid");
  } catch (const shodh::Error &) {
  }
  return 0;
}
