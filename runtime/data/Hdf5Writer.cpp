//===- Hdf5Writer.cpp - Atomic HDF5 writer --------------------------------===//
//
// Writes a new HDF5 file through an `OutputFile` (temporary name, fsync,
// rename on commit); the reader's notes on error printing and handles
// (Hdf5File.cpp, Hdf5Checks.h) apply.
//
//===----------------------------------------------------------------------===//
#include "runtime/data/Hdf5Checks.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <hdf5.h>

#include <cstring>

namespace shodh {

using hdf5::checkedNumel;
using hdf5::Handle;
using hdf5::openObject;
using hdf5::silenceHdf5;

// ---- Writer ----------------------------------------------------------------

Hdf5Writer::Hdf5Writer(const std::string &path) : path_(path) {
  silenceHdf5();
  if (Status s = output_.open(path, /*allowStream=*/false); !s.ok())
    throw Error(s.message());
  file_ = H5Fcreate(output_.closeForLibrary().c_str(), H5F_ACC_EXCL,
                    H5P_DEFAULT, H5P_DEFAULT);
  if (file_ < 0)
    throw Error(fmt::format("cannot write '{}': HDF5 could not create the file",
                            path_));
}

Hdf5Writer::~Hdf5Writer() {
  if (file_ >= 0)
    H5Fclose(file_);
}

void Hdf5Writer::writeDataset(const std::string &name,
                              const std::vector<int64_t> &shape,
                              int64_t memType, const void *values) {
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  Handle space(
      H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
      H5Sclose);
  hid_t fileType = memType == H5T_NATIVE_DOUBLE  ? H5T_IEEE_F64LE
                   : memType == H5T_NATIVE_INT64 ? H5T_STD_I64LE
                                                 : H5T_IEEE_F32LE;
  Handle ds(H5Dcreate2(file_, name.c_str(), fileType, space.get(), H5P_DEFAULT,
                       H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose);
  if (!ds.valid() ||
      H5Dwrite(ds.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0)
    throw Error(fmt::format("cannot write dataset '{}' to '{}' (disk full?)",
                            name, path_));
}

void Hdf5Writer::writeFloats(const std::string &name, const FloatArray &array) {
  if (static_cast<int64_t>(array.values.size()) != array.numel())
    throw Error(fmt::format("dataset '{}': {} values do not match shape {}",
                            name, array.values.size(),
                            formatShape(array.shape)));
  writeDataset(name, array.shape, H5T_NATIVE_FLOAT, array.values.data());
}

void Hdf5Writer::createFloats(const std::string &name,
                              const std::vector<int64_t> &shape) {
  checkedNumel(shape, fmt::format("dataset '{}' of '{}'", name, path_));
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  Handle space(
      H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
      H5Sclose);
  Handle ds(H5Dcreate2(file_, name.c_str(), H5T_IEEE_F32LE, space.get(),
                       H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose);
  if (!ds.valid())
    throw Error(fmt::format("cannot create dataset '{}' in '{}'", name, path_));
}

void Hdf5Writer::writeFloatRows(const std::string &name, int64_t first,
                                const FloatArray &rows) {
  std::string what = fmt::format("dataset '{}' of '{}'", name, path_);
  Handle ds(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid())
    throw Error(fmt::format("{}: not created", what));
  Handle fileSpace(H5Dget_space(ds.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(fileSpace.get());
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(fileSpace.get(), dims.data(), nullptr);
  std::vector<int64_t> expected(dims.begin(), dims.end());
  if (rows.shape.empty() || expected.empty() ||
      static_cast<int64_t>(rows.values.size()) != rows.numel())
    throw Error(fmt::format("{}: bad row block of shape {}", what,
                            formatShape(rows.shape)));
  expected[0] = rows.shape[0];
  if (rows.shape != expected || first < 0 ||
      first + rows.shape[0] > static_cast<int64_t>(dims[0]))
    throw Error(fmt::format(
        "{}: rows [{}, {}) of shape {} do not fit shape {}", what, first,
        first + rows.shape[0], formatShape(rows.shape),
        formatShape(std::vector<int64_t>(dims.begin(), dims.end()))));
  if (rows.values.empty())
    return;
  std::vector<hsize_t> start(dims.size(), 0),
      count(rows.shape.begin(), rows.shape.end());
  start[0] = static_cast<hsize_t>(first);
  H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start.data(), nullptr,
                      count.data(), nullptr);
  Handle memSpace(
      H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
      H5Sclose);
  if (H5Dwrite(ds.get(), H5T_NATIVE_FLOAT, memSpace.get(), fileSpace.get(),
               H5P_DEFAULT, rows.values.data()) < 0)
    throw Error(fmt::format("cannot write {} (disk full?)", what));
}

void Hdf5Writer::writeInts(const std::string &name,
                           const std::vector<int64_t> &shape,
                           const std::vector<int64_t> &values) {
  int64_t numel = 1;
  for (int64_t d : shape)
    numel *= d;
  if (static_cast<int64_t>(values.size()) != numel)
    throw Error(fmt::format("dataset '{}': {} values do not match shape {}",
                            name, values.size(), formatShape(shape)));
  writeDataset(name, shape, H5T_NATIVE_INT64, values.data());
}

void Hdf5Writer::copyDataset(const Hdf5Reader &from, const std::string &name) {
  if (!from.hasDataset(name))
    throw Error(from.missingDataset(name));
  if (H5Ocopy(from.file_, name.c_str(), file_, name.c_str(), H5P_DEFAULT,
              H5P_DEFAULT) < 0)
    throw Error(fmt::format("cannot copy dataset '{}' of '{}' to '{}'", name,
                            from.path(), path_));
}

void Hdf5Writer::writeDoubles(const std::string &name,
                              const std::vector<int64_t> &shape,
                              const std::vector<double> &values) {
  writeDataset(name, shape, H5T_NATIVE_DOUBLE, values.data());
}

void Hdf5Writer::writeStringsAttr(const std::string &object,
                                  const std::string &attr,
                                  const std::vector<std::string> &values) {
  Handle obj(openObject(file_, object), H5Oclose);
  hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  std::vector<const char *> ptrs;
  for (const std::string &v : values)
    ptrs.push_back(v.c_str());
  Handle a(H5Acreate2(obj.get(), attr.c_str(), type.get(), space.get(),
                      H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose);
  if (!obj.valid() || !a.valid() ||
      H5Awrite(a.get(), type.get(), ptrs.data()) < 0)
    throw Error(fmt::format("cannot write attribute '{}' of '{}' to '{}'", attr,
                            object, path_));
}

void Hdf5Writer::writeNumericAttr(const std::string &object,
                                  const std::string &attr, int64_t fileType,
                                  int64_t memType, size_t count,
                                  const void *values) {
  Handle obj(openObject(file_, object), H5Oclose);
  hsize_t n = count;
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle a(H5Acreate2(obj.get(), attr.c_str(), fileType, space.get(),
                      H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose);
  if (!obj.valid() || !a.valid() || H5Awrite(a.get(), memType, values) < 0)
    throw Error(fmt::format("cannot write attribute '{}' of '{}' to '{}'", attr,
                            object, path_));
}

void Hdf5Writer::writeIntsAttr(const std::string &object,
                               const std::string &attr,
                               const std::vector<int64_t> &values) {
  writeNumericAttr(object, attr, H5T_STD_I64LE, H5T_NATIVE_INT64, values.size(),
                   values.data());
}

void Hdf5Writer::writeDoublesAttr(const std::string &object,
                                  const std::string &attr,
                                  const std::vector<double> &values) {
  writeNumericAttr(object, attr, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                   values.size(), values.data());
}

void Hdf5Writer::commit() {
  if (H5Fflush(file_, H5F_SCOPE_GLOBAL) < 0 || H5Fclose(file_) < 0) {
    file_ = -1;
    throw Error(fmt::format("cannot write '{}' (disk full?)", path_));
  }
  file_ = -1;
  if (Status s = output_.commit(); !s.ok())
    throw Error(s.message());
}

} // namespace shodh
