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

/// Largest dataset (in elements) we agree to read in one piece: 2^34 floats.
constexpr int64_t kMaxElements = int64_t(1) << 34;

using hdf5::Handle;

/// Turns off HDF5's automatic error stack printing once per process.
void silenceHdf5() {
  static bool done = [] {
    // No library clean-up at exit (must precede every other HDF5 call): every
    // file is closed explicitly, and after a failed write (EFBIG, EIO) libhdf5
    // 1.10 crashes in H5_term_library on the file it could not close.
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

/// Element count of a shape, with overflow and size limits.
int64_t checkedNumel(const std::vector<int64_t> &shape, const std::string &what) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && n > kMaxElements / d))
      throw Error(fmt::format("{}: shape {} is too large", what, formatShape(shape)));
    n *= d;
  }
  return n;
}

/// Opens object `name` (a dataset, or the root group for "/").
hid_t openObject(hid_t file, const std::string &name) {
  return H5Oopen(file, name.c_str(), H5P_DEFAULT);
}

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
    H5Dclose(ds);
  if (file_ >= 0)
    H5Fclose(file_);
}

int64_t Hdf5Reader::openDataset(const std::string &name) const {
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
  datasets_[name] = ds;
  return ds;
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
  const hid_t ds =
      openDataset(name); // kept open: its chunk cache serves the next rows
  Handle type(H5Dget_type(ds), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_FLOAT)
    throw Error(fmt::format("{} must hold floating-point values (f32 or f64)", what));
  if (!complete_.count(name) &&
      hdf5::checkValuesStored(ds, shape, first, shape.empty() ? 1 : count, what,
                              path_))
    complete_.insert(name);
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

void Hdf5Writer::writeDataset(const std::string &name, const std::vector<int64_t> &shape,
                              int64_t memType, const void *values) {
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  hid_t fileType = memType == H5T_NATIVE_DOUBLE  ? H5T_IEEE_F64LE
                   : memType == H5T_NATIVE_INT64 ? H5T_STD_I64LE
                                                 : H5T_IEEE_F32LE;
  Handle ds(H5Dcreate2(file_, name.c_str(), fileType, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT),
            H5Dclose);
  if (!ds.valid() || H5Dwrite(ds.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0)
    throw Error(fmt::format("cannot write dataset '{}' to '{}' (disk full?)", name, path_));
}

void Hdf5Writer::writeFloats(const std::string &name, const FloatArray &array) {
  if (static_cast<int64_t>(array.values.size()) != array.numel())
    throw Error(fmt::format("dataset '{}': {} values do not match shape {}", name,
                            array.values.size(), formatShape(array.shape)));
  writeDataset(name, array.shape, H5T_NATIVE_FLOAT, array.values.data());
}

void Hdf5Writer::createFloats(const std::string &name, const std::vector<int64_t> &shape) {
  checkedNumel(shape, fmt::format("dataset '{}' of '{}'", name, path_));
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Handle ds(H5Dcreate2(file_, name.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT,
                       H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose);
  if (!ds.valid())
    throw Error(fmt::format("cannot create dataset '{}' in '{}'", name, path_));
}

void Hdf5Writer::writeFloatRows(const std::string &name, int64_t first, const FloatArray &rows) {
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
    throw Error(fmt::format("{}: bad row block of shape {}", what, formatShape(rows.shape)));
  expected[0] = rows.shape[0];
  if (rows.shape != expected || first < 0 ||
      first + rows.shape[0] > static_cast<int64_t>(dims[0]))
    throw Error(fmt::format("{}: rows [{}, {}) of shape {} do not fit shape {}", what, first,
                            first + rows.shape[0], formatShape(rows.shape),
                            formatShape(std::vector<int64_t>(dims.begin(), dims.end()))));
  if (rows.values.empty())
    return;
  std::vector<hsize_t> start(dims.size(), 0), count(rows.shape.begin(), rows.shape.end());
  start[0] = static_cast<hsize_t>(first);
  H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                      nullptr);
  Handle memSpace(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                  H5Sclose);
  if (H5Dwrite(ds.get(), H5T_NATIVE_FLOAT, memSpace.get(), fileSpace.get(), H5P_DEFAULT,
               rows.values.data()) < 0)
    throw Error(fmt::format("cannot write {} (disk full?)", what));
}

void Hdf5Writer::writeInts(const std::string &name, const std::vector<int64_t> &shape,
                           const std::vector<int64_t> &values) {
  int64_t numel = 1;
  for (int64_t d : shape)
    numel *= d;
  if (static_cast<int64_t>(values.size()) != numel)
    throw Error(fmt::format("dataset '{}': {} values do not match shape {}", name, values.size(),
                            formatShape(shape)));
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

void Hdf5Writer::writeDoubles(const std::string &name, const std::vector<int64_t> &shape,
                              const std::vector<double> &values) {
  writeDataset(name, shape, H5T_NATIVE_DOUBLE, values.data());
}

void Hdf5Writer::writeStringsAttr(const std::string &object, const std::string &attr,
                                  const std::vector<std::string> &values) {
  Handle obj(openObject(file_, object), H5Oclose);
  hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  std::vector<const char *> ptrs;
  for (const std::string &v : values)
    ptrs.push_back(v.c_str());
  Handle a(H5Acreate2(obj.get(), attr.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose);
  if (!obj.valid() || !a.valid() || H5Awrite(a.get(), type.get(), ptrs.data()) < 0)
    throw Error(fmt::format("cannot write attribute '{}' of '{}' to '{}'", attr, object, path_));
}

void Hdf5Writer::writeNumericAttr(const std::string &object, const std::string &attr,
                                  int64_t fileType, int64_t memType, size_t count,
                                  const void *values) {
  Handle obj(openObject(file_, object), H5Oclose);
  hsize_t n = count;
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle a(H5Acreate2(obj.get(), attr.c_str(), fileType, space.get(), H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose);
  if (!obj.valid() || !a.valid() || H5Awrite(a.get(), memType, values) < 0)
    throw Error(fmt::format("cannot write attribute '{}' of '{}' to '{}'", attr, object, path_));
}

void Hdf5Writer::writeIntsAttr(const std::string &object, const std::string &attr,
                               const std::vector<int64_t> &values) {
  writeNumericAttr(object, attr, H5T_STD_I64LE, H5T_NATIVE_INT64, values.size(), values.data());
}

void Hdf5Writer::writeDoublesAttr(const std::string &object, const std::string &attr,
                                  const std::vector<double> &values) {
  writeNumericAttr(object, attr, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.size(),
                   values.data());
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
