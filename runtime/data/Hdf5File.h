//===- Hdf5File.h - Reading and writing Shodh's HDF5 data files -----------===//
//
// Thin RAII layer over the HDF5 C API for the data layout documented in
// docs/data-format.md: float datasets shaped (N, [T,] C, spatial...) plus
// string/int/float attributes. Every failure throws `shodh::Error` with a
// message naming the file and dataset/attribute and what was expected.
//
// `Hdf5Writer` writes to a temporary file next to the destination and renames
// it into place on `commit()`; a writer destroyed without commit removes the
// temporary file, so no half-written output is ever left behind.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/support/OutputFile.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace shodh {

/// A dense row-major float array with its shape.
struct FloatArray {
  std::vector<int64_t> shape;
  std::vector<float> values;

  /// Number of elements implied by `shape`.
  int64_t numel() const;
};

/// Formats a shape as "(8, 3, 16, 16)".
std::string formatShape(const std::vector<int64_t> &shape);

/// Read access to an existing HDF5 file.
class Hdf5Reader {
  friend class Hdf5Writer; // copyDataset reads the file directly
public:
  /// Opens `path` read-only; throws if missing or not HDF5.
  explicit Hdf5Reader(const std::string &path);
  ~Hdf5Reader();
  Hdf5Reader(const Hdf5Reader &) = delete;
  Hdf5Reader &operator=(const Hdf5Reader &) = delete;

  const std::string &path() const { return path_; }
  /// True if a dataset `name` exists at the root.
  bool hasDataset(const std::string &name) const;
  /// The names of the root's datasets, in name order.
  std::vector<std::string> rootDatasets() const;
  /// The message for a missing dataset `name`, listing those the file has.
  std::string missingDataset(const std::string &name) const;
  /// Shape of dataset `name`; throws if it does not exist.
  std::vector<int64_t> datasetShape(const std::string &name) const;
  /// Reads a whole float dataset (f32 or f64, converted to f32).
  FloatArray readFloats(const std::string &name) const;
  /// Reads rows [first, first+count) along axis 0 of a float dataset.
  FloatArray readRows(const std::string &name, int64_t first, int64_t count) const;
  /// The values of rows [first, first+count) of a float dataset in double
  /// (f32 data widened exactly).
  std::vector<double> readRowsF64(const std::string &name, int64_t first, int64_t count) const;
  /// True if dataset `name` holds integers; throws if it does not exist.
  bool datasetIsInteger(const std::string &name) const;
  /// Stored element type of dataset `name` as "f32", "f64", "i8"…"i64",
  /// "u8"…"u64", "string" or "other"; throws if it does not exist.
  std::string datasetTypeName(const std::string &name) const;
  /// Reads a whole integer dataset as int64 (its shape in `shape`); throws
  /// if it is missing or not integer.
  std::vector<int64_t> readInts(const std::string &name, std::vector<int64_t> &shape) const;
  /// Reads a string-array attribute of `object` ("/" or a dataset name); empty if absent.
  std::vector<std::string> readStringsAttr(const std::string &object, const std::string &attr) const;
  /// Reads an integer-array attribute; empty if absent.
  std::vector<int64_t> readIntsAttr(const std::string &object, const std::string &attr) const;

private:
  /// Reads rows [first, first+count) of float dataset `name` into `values`
  /// as HDF5 memory type `memType` (T's); returns their shape.
  template <typename T>
  std::vector<int64_t> readRowsAs(const std::string &name, int64_t first, int64_t count,
                                  int64_t memType, std::vector<T> &values) const;

  /// A dataset kept open, and whether every value of it is stored (then
  /// no read checks again).
  struct OpenDataset {
    int64_t id = -1;
    bool complete = false;
  };
  /// Dataset `name` (throws if missing), opened once and kept open with a
  /// chunk cache that holds a band of rows (Hdf5Checks.h): reading a
  /// chunked, compressed dataset a batch at a time then decompresses each
  /// chunk once, not once per batch.
  OpenDataset &openDataset(const std::string &name) const;

  std::string path_;
  int64_t file_ = -1;
  mutable std::map<std::string, OpenDataset> datasets_; ///< by name
};

/// Writes a new HDF5 file atomically through an `OutputFile` (a fresh
/// temporary file, renamed over the target on commit).
class Hdf5Writer {
public:
  /// Creates a temporary file next to `path`; throws if the directory is not
  /// writable or `path` names something other than a (new) regular file.
  explicit Hdf5Writer(const std::string &path);
  /// Removes the temporary file unless `commit()` succeeded.
  ~Hdf5Writer();
  Hdf5Writer(const Hdf5Writer &) = delete;
  Hdf5Writer &operator=(const Hdf5Writer &) = delete;

  /// Writes a float dataset at the root.
  void writeFloats(const std::string &name, const FloatArray &array);
  /// Creates an f32 dataset of `shape` to be filled by `writeFloatRows`
  /// (streaming: the whole array never has to be in memory).
  void createFloats(const std::string &name, const std::vector<int64_t> &shape);
  /// Writes `rows` (shape (k, rest...), rest equal to the dataset's) into rows
  /// [first, first + k) along axis 0 of a dataset made by `createFloats`.
  void writeFloatRows(const std::string &name, int64_t first, const FloatArray &rows);
  /// Writes a float dataset in double precision.
  void writeDoubles(const std::string &name, const std::vector<int64_t> &shape,
                    const std::vector<double> &values);
  /// Writes a 64-bit integer dataset at the root (e.g. per-sample labels).
  void writeInts(const std::string &name, const std::vector<int64_t> &shape,
                 const std::vector<int64_t> &values);
  /// Copies dataset `name` of `from` as it is stored: its type, shape,
  /// values and attributes (H5Ocopy).
  void copyDataset(const Hdf5Reader &from, const std::string &name);
  /// Attaches a string-array attribute to `object` ("/" or a dataset name).
  void writeStringsAttr(const std::string &object, const std::string &attr,
                        const std::vector<std::string> &values);
  /// Attaches an integer-array attribute.
  void writeIntsAttr(const std::string &object, const std::string &attr,
                     const std::vector<int64_t> &values);
  /// Attaches a double-array attribute.
  void writeDoublesAttr(const std::string &object, const std::string &attr,
                        const std::vector<double> &values);
  /// Flushes, closes and renames the temporary file onto the destination.
  void commit();

private:
  void writeDataset(const std::string &name, const std::vector<int64_t> &shape, int64_t memType,
                    const void *values);
  void writeNumericAttr(const std::string &object, const std::string &attr, int64_t fileType,
                        int64_t memType, size_t count, const void *values);
  std::string path_;
  OutputFile output_;
  int64_t file_ = -1;
};

} // namespace shodh
