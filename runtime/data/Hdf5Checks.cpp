//===- Hdf5Checks.cpp - What went wrong with an HDF5 file, in words -------===//
#include "runtime/data/Hdf5Checks.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <unistd.h>

namespace shodh::hdf5 {
namespace {

/// Number of chunk cells of `chunk` along an axis of `size` elements.
hsize_t cellsAlong(hsize_t size, hsize_t chunk) {
  return (size + chunk - 1) / chunk;
}

/// The chunk dims of a chunked dataset's creation list (empty otherwise).
std::vector<hsize_t> chunkDims(hid_t dcpl, size_t rank) {
  if (H5Pget_layout(dcpl) != H5D_CHUNKED)
    return {};
  std::vector<hsize_t> dims(rank);
  if (H5Pget_chunk(dcpl, static_cast<int>(rank), dims.data()) !=
      static_cast<int>(rank))
    return {};
  return dims;
}

/// `path` of a virtual dataset's source resolved as HDF5 does by default:
/// absolute, or relative to the folder of the file holding the dataset.
std::string besideFile(const std::string &file, const std::string &path) {
  if (!path.empty() && path[0] == '/')
    return path;
  size_t slash = file.find_last_of('/');
  return slash == std::string::npos ? path : file.substr(0, slash + 1) + path;
}

/// Throws if a source file of virtual dataset `dcpl` is missing.
void checkVirtualSources(hid_t dcpl, const std::string &what,
                         const std::string &file) {
  size_t n = 0;
  if (H5Pget_virtual_count(dcpl, &n) < 0)
    return;
  for (size_t i = 0; i < n; ++i) {
    ssize_t len = H5Pget_virtual_filename(dcpl, i, nullptr, 0);
    if (len <= 0)
      continue;
    std::string name(static_cast<size_t>(len) + 1, '\0');
    H5Pget_virtual_filename(dcpl, i, name.data(), name.size());
    name.resize(static_cast<size_t>(len));
    if (name == ".")
      continue; // a source in the same file
    std::string resolved = besideFile(file, name);
    if (access(resolved.c_str(), R_OK) != 0)
      throw Error(fmt::format(
          "{} is a virtual dataset whose source file '{}' cannot be read "
          "(looked for '{}'); HDF5 would return the fill value for its part",
          what, name, resolved));
  }
}

} // namespace

/// Largest dataset (in elements) we agree to read in one piece: 2^34 floats.
constexpr int64_t kMaxElements = int64_t(1) << 34;

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
int64_t checkedNumel(const std::vector<int64_t> &shape,
                     const std::string &what) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && n > kMaxElements / d))
      throw Error(
          fmt::format("{}: shape {} is too large", what, formatShape(shape)));
    n *= d;
  }
  return n;
}

/// Opens object `name` (a dataset, or the root group for "/").
hid_t openObject(hid_t file, const std::string &name) {
  return H5Oopen(file, name.c_str(), H5P_DEFAULT);
}

bool checkValuesStored(hid_t ds, const std::vector<int64_t> &shape,
                       int64_t first, int64_t count, const std::string &what,
                       const std::string &file) {
  Handle dcpl(H5Dget_create_plist(ds), H5Pclose);
  if (!dcpl.valid())
    return true;
  if (H5Pget_layout(dcpl.get()) == H5D_VIRTUAL) {
    checkVirtualSources(dcpl.get(), what, file);
    return true;
  }
  H5D_space_status_t status;
  if (H5Dget_space_status(ds, &status) < 0 ||
      status == H5D_SPACE_STATUS_ALLOCATED)
    return true;
  if (status == H5D_SPACE_STATUS_NOT_ALLOCATED)
    throw Error(fmt::format(
        "{} holds no values: it was created but never written (HDF5 would "
        "return its fill value everywhere); rewrite the file",
        what));
  // Partly allocated (chunked): look up every chunk cell the rows cover
  // (H5Dget_num_chunks ignores its selection in libhdf5 1.10: it counts the
  // dataset's stored chunks).
  std::vector<hsize_t> chunk = chunkDims(dcpl.get(), shape.size());
  if (chunk.empty() || shape.empty() || count <= 0)
    return false;
  const size_t rank = shape.size();
  std::vector<hsize_t> cells(rank), offset(rank, 0);
  hsize_t all = 1, stored = 0;
  for (size_t i = 0; i < rank; ++i)
    all *= cells[i] = cellsAlong(hsize_t(shape[i]), chunk[i]);
  // "Partly allocated" is also what compressed chunks report (their bytes
  // fall short of the full size): every chunk there means every value.
  {
    Handle whole(H5Dget_space(ds), H5Sclose);
    if (H5Dget_num_chunks(ds, whole.get(), &stored) >= 0 && stored >= all)
      return true;
  }
  const hsize_t c0 = hsize_t(first) / chunk[0],
                c1 = hsize_t(first + count - 1) / chunk[0];
  hsize_t missing = 0, total = 0, firstMissingRow = 0;
  for (hsize_t r = c0; r <= c1; ++r) {
    std::vector<hsize_t> at(rank, 0);
    at[0] = r;
    for (;;) { // every cell of chunk row r, odometer over axes 1..rank-1
      for (size_t i = 0; i < rank; ++i)
        offset[i] = at[i] * chunk[i];
      unsigned mask = 0;
      haddr_t addr = HADDR_UNDEF;
      hsize_t bytes = 0;
      ++total;
      if (H5Dget_chunk_info_by_coord(ds, offset.data(), &mask, &addr, &bytes) <
              0 ||
          addr == HADDR_UNDEF)
        if (missing++ == 0)
          firstMissingRow = std::max(offset[0], hsize_t(first));
      size_t i = rank - 1;
      while (i >= 1 && ++at[i] == cells[i])
        at[i--] = 0;
      if (i == 0)
        break;
    }
  }
  if (missing == 0)
    return false;
  throw Error(fmt::format(
      "{}: {} of the {} chunks over rows [{}, {}) were never written, the "
      "first at row {} (a writer that stopped part way?); HDF5 would return "
      "the fill value there",
      what, missing, total, first, first + count, firstMissingRow));
}

std::string readFailure(hid_t ds, const std::string &what) {
  Handle dcpl(H5Dget_create_plist(ds), H5Pclose);
  int filters = dcpl.valid() ? H5Pget_nfilters(dcpl.get()) : 0;
  for (int i = 0; i < filters; ++i) {
    unsigned flags = 0, config = 0;
    size_t values = 0;
    char name[128] = {0};
    H5Z_filter_t id = H5Pget_filter2(dcpl.get(), unsigned(i), &flags, &values,
                                     nullptr, sizeof name, name, &config);
    if (id >= 0 && H5Zfilter_avail(id) <= 0)
      return fmt::format(
          "{}: stored with compression filter {} ('{}'), which this HDF5 "
          "library cannot decode (h5py's 'lzf' is one); rewrite it without "
          "it (h5repack -f NONE in.h5 out.h5) or with gzip (h5repack -f "
          "GZIP=4 in.h5 out.h5)",
          what, id, name);
  }
  return fmt::format("{}: read failed (file truncated or corrupted?)", what);
}

std::string openFailureAdvice() {
  std::vector<std::string> descs;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t *e, void *out) -> herr_t {
        if (e && e->desc)
          static_cast<std::vector<std::string> *>(out)->push_back(e->desc);
        return 0;
      },
      &descs);
  auto says = [&](const char *text) {
    return std::any_of(descs.begin(), descs.end(), [&](const std::string &d) {
      return d.find(text) != std::string::npos;
    });
  };
  if (says("already open for write"))
    return "it is marked as open for writing (by a writer with libver "
           "'latest' or SWMR that is still running, or crashed before "
           "closing it); if none is running, clear the mark with 'h5clear -s "
           "FILE'";
  if (says("lock"))
    return "another process holds a lock on it (one writing it, e.g. h5py "
           "in 'a' or 'w' mode): close that first, or, if the file is not "
           "being changed, read it with HDF5_USE_FILE_LOCKING=FALSE";
  if (says("truncated"))
    return "it is truncated: its end is missing (an interrupted copy or "
           "write?)";
  return {};
}

std::string notADataset(hid_t file, const std::string &name) {
  if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0)
    return {};
  H5L_info_t info;
  if (H5Lget_info(file, name.c_str(), &info, H5P_DEFAULT) < 0)
    return {};
  if (H5Oexists_by_name(file, name.c_str(), H5P_DEFAULT) <= 0) {
    std::string value(info.u.val_size + 1, '\0');
    H5Lget_val(file, name.c_str(), value.data(), value.size(), H5P_DEFAULT);
    if (info.type == H5L_TYPE_SOFT)
      return fmt::format("'{}' is a soft link to '{}', which does not exist",
                         name, value.c_str());
    if (info.type == H5L_TYPE_EXTERNAL) {
      const char *target = nullptr, *object = nullptr;
      unsigned flags = 0;
      if (H5Lunpack_elink_val(value.data(), info.u.val_size, &flags, &target,
                              &object) >= 0)
        return fmt::format("'{}' is an external link to '{}' in '{}', which "
                           "cannot be opened (is that file beside this one?)",
                           name, object ? object : "?", target ? target : "?");
    }
    return fmt::format("'{}' is a link that does not resolve", name);
  }
  Handle obj(H5Oopen(file, name.c_str(), H5P_DEFAULT), H5Oclose);
  if (!obj.valid())
    return {};
  switch (H5Iget_type(obj.get())) {
  case H5I_GROUP: {
    std::vector<std::string> inside = datasetPaths(obj.get(), 8);
    return fmt::format("'{}' is a group, not a dataset{}", name,
                       inside.empty()
                           ? std::string(" (it holds no datasets)")
                           : fmt::format(" (it holds {}{})",
                                         fmt::join(inside, ", "),
                                         inside.size() == 8 ? ", ..." : ""));
  }
  case H5I_DATATYPE:
    return fmt::format("'{}' is a named datatype, not a dataset", name);
  default:
    return {};
  }
}

std::vector<std::string> datasetPaths(hid_t file, size_t limit) {
  struct Visit {
    hid_t file;
    size_t limit;
    std::vector<std::string> paths;
  } visit{file, limit, {}};
  H5Lvisit(
      file, H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t group, const char *name, const H5L_info_t *info,
         void *data) -> herr_t {
        auto *v = static_cast<Visit *>(data);
        if (info->type != H5L_TYPE_HARD)
          return 0;
        Handle obj(H5Oopen(group, name, H5P_DEFAULT), H5Oclose);
        if (obj.valid() && H5Iget_type(obj.get()) == H5I_DATASET)
          v->paths.push_back(name);
        return v->paths.size() >= v->limit ? 1 : 0; // 1 stops the walk
      },
      &visit);
  return visit.paths;
}

hid_t rowBandAccessList(hid_t ds, const std::vector<int64_t> &shape) {
  Handle dcpl(H5Dget_create_plist(ds), H5Pclose);
  std::vector<hsize_t> chunk = dcpl.valid()
                                   ? chunkDims(dcpl.get(), shape.size())
                                   : std::vector<hsize_t>();
  if (chunk.empty() || shape.empty())
    return H5P_DEFAULT;
  Handle type(H5Dget_type(ds), H5Tclose);
  // The whole dataset when it fits under the cap (rows read in any order,
  // as `merge --shuffle` does, decompress each chunk once), else at least
  // one band: the chunk cells of one chunk row along axis 0 (rows read in
  // order, as infer does).
  double chunks = 1, band = double(chunk[0]) * double(H5Tget_size(type.get()));
  for (size_t i = 1; i < shape.size(); ++i) {
    hsize_t cells = cellsAlong(hsize_t(shape[i]), chunk[i]);
    chunks *= double(cells);
    band *= double(cells * chunk[i]);
  }
  const double rows = double(cellsAlong(hsize_t(shape[0]), chunk[0]));
  double bytes = std::max(band, band * rows);
  chunks *= rows;
  constexpr double kCap = 256.0 * 1024 * 1024, kFloor = 1024.0 * 1024;
  hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
  if (dapl < 0)
    return H5P_DEFAULT;
  size_t slots = size_t(std::min(std::max(20.0 * chunks, 521.0), 1e7)) | 1;
  H5Pset_chunk_cache(dapl, slots, size_t(std::clamp(bytes * 1.1, kFloor, kCap)),
                     0.75);
  return dapl;
}

} // namespace shodh::hdf5
