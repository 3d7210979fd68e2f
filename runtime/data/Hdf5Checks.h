//===- Hdf5Checks.h - What went wrong with an HDF5 file, in words ---------===//
//
// Internal to runtime/data: the RAII handle of Hdf5File.cpp and the checks
// that turn a foreign file's quirks into clear errors instead of silent
// zeros or "corrupted?": values never written (a dataset created and not
// filled, chunks a stopped writer never wrote, a virtual dataset whose
// source files are missing), compression filters this libhdf5 cannot
// decode (h5py's LZF), files locked by a writer or left open by a crashed
// one, names that are groups or dangling links, not datasets. Also the
// dataset access list that gives row-band reads of chunked data a chunk
// cache large enough to decompress each chunk once.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace shodh::hdf5 {

/// Closes an HDF5 handle with the matching close function on scope exit.
class Handle {
public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0)
      close_(id_);
  }
  Handle(const Handle &) = delete;
  Handle &operator=(const Handle &) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

/// Turns off HDF5's automatic error stack printing and its clean-up at
/// exit, once per process (before any other HDF5 call).
void silenceHdf5();

/// Element count of a shape, with overflow and size limits (2^34 values);
/// throws `Error` prefixed with `what`.
int64_t checkedNumel(const std::vector<int64_t> &shape,
                     const std::string &what);

/// Opens object `name` (a dataset, or the root group for "/").
hid_t openObject(hid_t file, const std::string &name);

/// Throws `Error` ("<what>: ...") if rows [first, first + count) of dataset
/// `ds` (shape `shape`) include values that were never written, which HDF5
/// would return as the fill value; `file` is the file's path (a virtual
/// dataset's sources are looked up beside it). Returns true when every value
/// of the dataset is stored, so later reads need no check (asking HDF5
/// walks the chunk index: per batch it cost more than the reads).
bool checkValuesStored(hid_t ds, const std::vector<int64_t> &shape,
                       int64_t first, int64_t count, const std::string &what,
                       const std::string &file);

/// The message for a failed read of dataset `ds`: names a compression filter
/// this libhdf5 cannot decode, else "read failed (file truncated or
/// corrupted?)"; prefixed with `what`.
std::string readFailure(hid_t ds, const std::string &what);

/// Advice for a failed H5Fopen from HDF5's error stack (a lock held by a
/// writer, a file a crashed writer left open), or "" if nothing known.
std::string openFailureAdvice();

/// Why `name` in `file` is not a dataset ("'inputs' is a group (holding
/// ...)", "'inputs' is a soft link to '/x', which does not exist"), or "" if
/// nothing is there.
std::string notADataset(hid_t file, const std::string &name);

/// Paths of up to `limit` datasets anywhere in `file` ("train/inputs").
std::vector<std::string> datasetPaths(hid_t file, size_t limit);

/// A dataset access property list for reading rows of `ds`: its chunk
/// cache holds the whole dataset, capped at 256 MiB but never less than one
/// band of rows (a chunk's extent along axis 0 times the rest of the
/// shape), so rows read in order or at random decompress each chunk once;
/// H5P_DEFAULT for contiguous data. The caller closes a list that is not
/// H5P_DEFAULT.
hid_t rowBandAccessList(hid_t ds, const std::vector<int64_t> &shape);

} // namespace shodh::hdf5
