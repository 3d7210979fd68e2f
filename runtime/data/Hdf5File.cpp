//===- Hdf5File.cpp - HDF5 reader and atomic writer -----------------------===//
//
// Implementation notes: the HDF5 library's own error printing is switched off
// (we report errors with file and dataset names instead); every handle is
// closed by a small RAII guard; sizes read from files are checked before any
// allocation so a hostile file cannot request absurd amounts of memory.
//
//===----------------------------------------------------------------------===//
#include "runtime/data/Hdf5File.h"
#include "runtime/data/Hdf5Checks.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <hdf5.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace shodh {
namespace {

using hdf5::checkedNumel;
using hdf5::Handle;
using hdf5::openObject;
using hdf5::silenceHdf5;

/// An open attribute with its type and dataspace.
struct OpenAttribute {
  explicit OpenAttribute(hid_t a)
      : attr(a, H5Aclose), type(H5Aget_type(a), H5Tclose), space(H5Aget_space(a), H5Sclose) {}
  Handle attr, type, space;
};

/// Opens attribute `attr` of `object` ("/" or a dataset name); null if either
/// does not exist.
std::unique_ptr<OpenAttribute> openAttribute(hid_t file, const std::string &object,
                                             const std::string &attr) {
  if (object != "/" && H5Lexists(file, object.c_str(), H5P_DEFAULT) <= 0)
    return nullptr;
  Handle obj(openObject(file, object), H5Oclose);
  if (!obj.valid() || H5Aexists(obj.get(), attr.c_str()) <= 0)
    return nullptr;
  return std::make_unique<OpenAttribute>(H5Aopen(obj.get(), attr.c_str(), H5P_DEFAULT));
}

/// Bytes one element of attribute `a` takes in `file`: a variable-length
/// string is a 4-byte length, a global-heap address and a 4-byte index
/// (H5Tget_size gives the 8-byte char* of memory instead); 0 if unknown.
size_t storedElementSize(hid_t file, const OpenAttribute &a) {
  if (H5Tis_variable_str(a.type.get()) <= 0)
    return H5Tget_size(a.type.get());
  Handle plist(H5Fget_create_plist(file), H5Pclose);
  size_t addressSize = 0, lengthSize = 0;
  if (!plist.valid() || H5Pget_sizes(plist.get(), &addressSize, &lengthSize) < 0)
    return 0;
  return 4 + addressSize + 4;
}

/// Whether attribute `a` of `file` stores all `n` elements its dataspace
/// promises. libhdf5 1.10 trusts the dataspace and reads past the stored
/// data of a malformed attribute (fuzz/known-issues/libhdf5-attribute-overread.h5).
bool storageHolds(hid_t file, const OpenAttribute &a, hssize_t n) {
  size_t element = storedElementSize(file, a);
  return element > 0 && H5Aget_storage_size(a.attr.get()) >= static_cast<hsize_t>(n) * element;
}

/// Reads `n` variable-length strings of attribute `attr` into `out`.
bool readVariableStrings(hid_t attr, hid_t memType, hid_t space, hssize_t n,
                         std::vector<std::string> &out) {
  std::vector<char *> raw(static_cast<size_t>(n), nullptr);
  H5Tset_size(memType, H5T_VARIABLE);
  if (H5Aread(attr, memType, raw.data()) < 0)
    return false;
  for (char *s : raw)
    out.emplace_back(s ? s : "");
  H5Dvlen_reclaim(memType, space, H5P_DEFAULT, raw.data());
  return true;
}

/// Reads `n` fixed-length strings of `size` bytes (NUL-padded or not) into
/// NUL-terminated slots of size + 1, so no character is cut off.
bool readFixedStrings(hid_t attr, hid_t memType, size_t size, hssize_t n,
                      std::vector<std::string> &out) {
  if (size == 0 || size > (1 << 16))
    return false;
  const size_t slot = size + 1;
  std::vector<char> raw(static_cast<size_t>(n) * slot);
  H5Tset_size(memType, slot);
  if (H5Aread(attr, memType, raw.data()) < 0)
    return false;
  for (hssize_t i = 0; i < n; ++i) {
    const char *s = raw.data() + i * slot;
    out.emplace_back(s, strnlen(s, slot));
  }
  return true;
}

} // namespace

int64_t FloatArray::numel() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

// ---- Reader ----------------------------------------------------------------

Hdf5Reader::Hdf5Reader(const std::string &path) : path_(path) {
  silenceHdf5();
  if (access(path.c_str(), R_OK) != 0)
    throw Error(fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  // A pipe or device would block HDF5's first read (a FIFO with no writer
  // forever) or feed it garbage.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    throw Error(fmt::format("cannot open '{}': not a regular file", path));
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw Error(fmt::format("'{}' is not an HDF5 file", path));
  file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file_ < 0) {
    std::string advice = hdf5::openFailureAdvice();
    throw Error(fmt::format("cannot open HDF5 file '{}'{}", path,
                            advice.empty() ? std::string() : ": " + advice));
  }
}

Hdf5Reader::~Hdf5Reader() {
  for (const auto &[name, ds] : datasets_)
    H5Dclose(ds.id);
  if (file_ >= 0)
    H5Fclose(file_);
}

Hdf5Reader::OpenDataset &
Hdf5Reader::openDataset(const std::string &name) const {
  if (auto it = datasets_.find(name); it != datasets_.end())
    return it->second;
  std::vector<int64_t> shape = datasetShape(name); // throws if missing
  hid_t dapl = H5P_DEFAULT;
  {
    Handle probe(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose);
    if (probe.valid())
      dapl = hdf5::rowBandAccessList(probe.get(), shape);
  }
  hid_t ds = H5Dopen2(file_, name.c_str(), dapl);
  if (dapl != H5P_DEFAULT)
    H5Pclose(dapl);
  if (ds < 0)
    throw Error(fmt::format("'{}': cannot open dataset '{}'", path_, name));
  return datasets_[name] = OpenDataset{ds, false};
}

bool Hdf5Reader::hasDataset(const std::string &name) const {
  if (H5Lexists(file_, name.c_str(), H5P_DEFAULT) <= 0)
    return false;
  Handle obj(openObject(file_, name), H5Oclose);
  return obj.valid() && H5Iget_type(obj.get()) == H5I_DATASET;
}

std::vector<std::string> Hdf5Reader::rootDatasets() const {
  std::vector<std::string> links;
  auto collect = [](hid_t, const char *name, const H5L_info_t *,
                    void *out) -> herr_t {
    static_cast<std::vector<std::string> *>(out)->push_back(name);
    return 0;
  };
  hsize_t index = 0;
  H5Literate(file_, H5_INDEX_NAME, H5_ITER_INC, &index, collect, &links);
  std::vector<std::string> names;
  for (const std::string &link : links)
    if (hasDataset(link))
      names.push_back(link);
  return names;
}

std::string Hdf5Reader::missingDataset(const std::string &name) const {
  if (std::string why = hdf5::notADataset(file_, name); !why.empty())
    return fmt::format("'{}': no dataset '{}': {}", path_, name, why);
  std::vector<std::string> names = rootDatasets();
  if (!names.empty())
    return fmt::format("'{}': no dataset '{}' (the file has {})", path_, name,
                       fmt::join(names, ", "));
  std::vector<std::string> nested = hdf5::datasetPaths(file_, 8);
  if (nested.empty())
    return fmt::format("'{}': no dataset '{}' (the file has no datasets)",
                       path_, name);
  return fmt::format(
      "'{}': no dataset '{}' (the file has no datasets at its root; inside "
      "groups it has {}{})",
      path_, name, fmt::join(nested, ", "), nested.size() == 8 ? ", ..." : "");
}

std::vector<int64_t> Hdf5Reader::datasetShape(const std::string &name) const {
  if (!hasDataset(name))
    throw Error(missingDataset(name));
  Handle ds(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose);
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0 || rank > 16)
    throw Error(fmt::format("'{}': dataset '{}' has an unsupported rank", path_, name));
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return std::vector<int64_t>(dims.begin(), dims.end());
}

FloatArray Hdf5Reader::readFloats(const std::string &name) const {
  std::vector<int64_t> shape = datasetShape(name);
  return readRows(name, 0, shape.empty() ? 1 : shape[0]);
}

bool Hdf5Reader::datasetIsInteger(const std::string &name) const {
  datasetShape(name); // throws if missing
  Handle ds(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose);
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  return H5Tget_class(type.get()) == H5T_INTEGER;
}

std::string Hdf5Reader::datasetTypeName(const std::string &name) const {
  datasetShape(name); // throws if missing
  Handle ds(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose);
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  const std::string bits = std::to_string(8 * H5Tget_size(type.get()));
  switch (H5Tget_class(type.get())) {
  case H5T_FLOAT:
    return "f" + bits;
  case H5T_INTEGER:
    return (H5Tget_sign(type.get()) == H5T_SGN_NONE ? "u" : "i") + bits;
  case H5T_STRING:
    return "string";
  default:
    return "other";
  }
}

std::vector<int64_t> Hdf5Reader::readInts(const std::string &name,
                                          std::vector<int64_t> &shape) const {
  std::string what = fmt::format("'{}': dataset '{}'", path_, name);
  if (!datasetIsInteger(name))
    throw Error(fmt::format("{} must hold integers", what));
  shape = datasetShape(name);
  Handle ds(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose);
  std::vector<int64_t> out(static_cast<size_t>(checkedNumel(shape, what)));
  if (!out.empty())
    hdf5::checkValuesStored(ds.get(), shape, 0, shape.empty() ? 1 : shape[0],
                            what, path_);
  if (!out.empty() && H5Dread(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                              out.data()) < 0)
    throw Error(hdf5::readFailure(ds.get(), what));
  return out;
}

template <typename T>
std::vector<int64_t> Hdf5Reader::readRowsAs(const std::string &name, int64_t first,
                                            int64_t count, int64_t memType,
                                            std::vector<T> &values) const {
  std::vector<int64_t> shape = datasetShape(name);
  std::string what = fmt::format("'{}': dataset '{}'", path_, name);
  OpenDataset &entry =
      openDataset(name); // its chunk cache serves the next rows
  const hid_t ds = entry.id;
  Handle type(H5Dget_type(ds), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_FLOAT)
    throw Error(fmt::format("{} must hold floating-point values (f32 or f64)", what));
  if (!entry.complete)
    entry.complete = hdf5::checkValuesStored(
        ds, shape, first, shape.empty() ? 1 : count, what, path_);
  Handle fileSpace(H5Dget_space(ds), H5Sclose);
  if (shape.empty()) {
    values.resize(1);
  } else {
    if (first < 0 || count < 0 || first > shape[0] || count > shape[0] - first)
      throw Error(fmt::format("{}: rows [{}, {}) out of range (it has {})", what, first,
                              first + count, shape[0]));
    shape[0] = count;
    values.resize(static_cast<size_t>(checkedNumel(shape, what)));
    std::vector<hsize_t> start(shape.size(), 0), cnt(shape.begin(), shape.end());
    start[0] = static_cast<hsize_t>(first);
    H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start.data(), nullptr, cnt.data(),
                        nullptr);
  }
  if (values.empty())
    return shape;
  Handle memSpace(shape.empty() ? H5Screate(H5S_SCALAR)
                                : H5Screate_simple(static_cast<int>(shape.size()),
                                                   std::vector<hsize_t>(shape.begin(), shape.end()).data(),
                                                   nullptr),
                  H5Sclose);
  if (H5Dread(ds, memType, memSpace.get(), fileSpace.get(), H5P_DEFAULT,
              values.data()) < 0)
    throw Error(hdf5::readFailure(ds, what));
  return shape;
}

FloatArray Hdf5Reader::readRows(const std::string &name, int64_t first, int64_t count) const {
  FloatArray out;
  out.shape = readRowsAs(name, first, count, H5T_NATIVE_FLOAT, out.values);
  return out;
}

std::vector<double> Hdf5Reader::readRowsF64(const std::string &name, int64_t first,
                                            int64_t count) const {
  std::vector<double> values;
  readRowsAs(name, first, count, H5T_NATIVE_DOUBLE, values);
  return values;
}

std::vector<std::string> Hdf5Reader::readStringsAttr(const std::string &object,
                                                     const std::string &attr) const {
  std::unique_ptr<OpenAttribute> a = openAttribute(file_, object, attr);
  if (!a)
    return {};
  const Handle &type = a->type, &space = a->space;
  hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n == 0)
    return {}; // an empty list, whatever its element type (h5py's [] is f64)
  if (H5Tget_class(type.get()) != H5T_STRING)
    throw Error(fmt::format("'{}': attribute '{}' of '{}' must be strings",
                            path_, attr, object));
  if (n < 0 || n > (1 << 20) || !storageHolds(file_, *a, n))
    throw Error(fmt::format("'{}': attribute '{}' of '{}' is malformed", path_, attr, object));
  // Read in the attribute's own character set (h5py writes UTF-8).
  Handle memType(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_cset(memType.get(), H5Tget_cset(type.get()));
  std::vector<std::string> out;
  bool ok = H5Tis_variable_str(type.get()) > 0
                ? readVariableStrings(a->attr.get(), memType.get(), space.get(), n, out)
                : readFixedStrings(a->attr.get(), memType.get(), H5Tget_size(type.get()), n, out);
  if (!ok)
    throw Error(fmt::format("'{}': cannot read attribute '{}' of '{}'", path_, attr, object));
  return out;
}

std::vector<int64_t> Hdf5Reader::readIntsAttr(const std::string &object,
                                              const std::string &attr) const {
  std::unique_ptr<OpenAttribute> a = openAttribute(file_, object, attr);
  if (!a)
    return {};
  const Handle &type = a->type, &space = a->space;
  hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (H5Tget_class(type.get()) != H5T_INTEGER || n < 0 || n > (1 << 20))
    throw Error(fmt::format("'{}': attribute '{}' of '{}' must be an integer array", path_, attr,
                            object));
  if (!storageHolds(file_, *a, n))
    throw Error(fmt::format("'{}': attribute '{}' of '{}' is malformed", path_, attr, object));
  std::vector<int64_t> out(static_cast<size_t>(n));
  if (n > 0 && H5Aread(a->attr.get(), H5T_NATIVE_INT64, out.data()) < 0)
    throw Error(fmt::format("'{}': cannot read attribute '{}' of '{}'", path_, attr, object));
  return out;
}

} // namespace shodh
