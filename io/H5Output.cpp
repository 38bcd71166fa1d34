/// @file H5Output.cpp  Parallel HDF5 writer/reader behind H5Output.h (HDF5 C API, MPI-IO).
///
/// Every rank writes the hyperslab of the DMDA box it owns with collective transfers; small
/// replicated data (mesh nodes, time series, /config) are written by rank 0 inside the same
/// collective call (the other ranks select nothing). Attribute values must be identical on
/// all ranks, so anything that could differ (the creation time) is broadcast first.
///
/// A one-rank communicator opens its files through HDF5's POSIX driver (sec2) instead of
/// MPI-IO: same files, without loading Open MPI's I/O components and without the MPI-IO
/// driver's file sync at every flush (1024^2 steady run: file creation 10 ms against 20 ms,
/// the snapshot's flush 0 against 50 ms). Where the data must be on disk (the result file when
/// a checkpoint counts its contents; a checkpoint and the result file after their close,
/// before their rename), they are synced explicitly under either driver.
#include "io/H5Output.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <hdf5.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thermodrift/Version.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <type_traits>
#include <utility>

#include "core/Broadcast.h"
#include "core/Error.h"
#include "core/ErrorExit.h"
#include "core/Fault.h"
#include "core/Petsc.h"
#include "io/Hdf5.h"
#include "io/TextFile.h"
#include "mesh/Mesh.h"

static_assert(std::is_same_v<PetscScalar, double>, "H5Output writes real double PETSc builds");

namespace td {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void io_fail(const std::string& file, const std::string& what) {
  throw IoError(fmt::format("HDF5 file {}: {}", file, what));
}

/// io_fail after a failed HDF5 call, with HDF5's cause (io/Hdf5.h).
[[noreturn]] void hdf5_fail(const std::string& file, const std::string& what) {
  const std::string cause = hdf5_cause(file);
  io_fail(file, cause.empty() ? what : fmt::format("{}: {}", what, cause));
}

/// @p id, or an IoError when the HDF5 call that returned it failed. HDF5 may now hold a file
/// it cannot close: under MPI-IO the ranks' states may differ (a full disk fails a write on
/// some ranks only) and its collective close inside MPI_Finalize would wait forever; on one
/// rank a close that fails again there crashes. Such a run ends without MPI_Finalize
/// (core/ErrorExit.h).
hid_t ok(hid_t id, const std::string& file, const std::string& what) {
  if (id < 0) {
    ErrorExit::skip_finalize();
    hdf5_fail(file, what);
  }
  return id;
}

int comm_rank(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

int comm_size(MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  return size;
}

/// Run a rank-0 file-system action and raise the same IoError on every rank if it failed.
template <class F>
void rank0_fs(MPI_Comm comm, const std::string& file, const std::string& what, F&& action) {
  std::string err;
  if (comm_rank(comm) == 0) {
    try {
      action();
    } catch (const std::exception& e) {
      err = e.what();
      if (err.empty()) err = "failed";
    }
  }
  err = broadcast_string(comm, err);
  if (!err.empty()) io_fail(file, fmt::format("{}: {}", what, err));
}

/// The checkpoint beside the result file of final name @p path.
std::string checkpoint_path(const std::string& path) { return path + ".checkpoint"; }

/// The final name of a result file given as final or `.partial`.
std::string final_name(const std::string& path) {
  const std::string suffix = ".partial";
  if (path.size() > suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0)
    return path.substr(0, path.size() - suffix.size());
  return path;
}

std::string iso_time_utc() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// File access through MPI-IO on @p comm, or through the POSIX driver when @p comm has one
/// rank. HDF5's own file lock (POSIX driver only) is off, as under MPI-IO: the run's
/// `.partial` file is locked by PartialLock, which it would conflict with.
H5Handle file_access(MPI_Comm comm, const std::string& file) {
  report_hdf5_errors_ourselves();
  H5Handle fapl(ok(H5Pcreate(H5P_FILE_ACCESS), file, "H5Pcreate(fapl)"), H5Pclose);
  if (comm_size(comm) == 1) {
    ok(H5Pset_fapl_sec2(fapl.get()), file, "H5Pset_fapl_sec2");
    // HDF5 1.10 lets HDF5_USE_FILE_LOCKING override the property below: its lock would then
    // conflict with PartialLock's on the same file and refuse every run
    setenv("HDF5_USE_FILE_LOCKING", "FALSE", 1);
    ok(H5Pset_file_locking(fapl.get(), false, true), file, "H5Pset_file_locking");
    // No sieve buffer: raw data go to the file within H5Dwrite, whose status is checked,
    // instead of at the dataset's close, where a failed write (a full disk) went unseen
    ok(H5Pset_sieve_buf_size(fapl.get(), 0), file, "H5Pset_sieve_buf_size");
  } else {
    // before HDF5 opens the file: the handler is a file's from its opening (flush())
    use_write_error_handler();
    ok(H5Pset_fapl_mpio(fapl.get(), comm, MPI_INFO_NULL), file, "H5Pset_fapl_mpio");
  }
  return fapl;
}

/// Transfer properties for a read or write on a file of file_access(@p comm): collective
/// under MPI-IO (every rank calls, with its own selection), the defaults on one rank.
/// Decided by the communicator, not asked of the file: H5Fget_access_plist of an MPI-IO file
/// duplicates its communicator, a collective call that a rank unwinding from an error of its
/// own would not make.
H5Handle collective_xfer(MPI_Comm comm, const std::string& file) {
  H5Handle dxpl(ok(H5Pcreate(H5P_DATASET_XFER), file, "H5Pcreate(dxpl)"), H5Pclose);
  if (comm_size(comm) > 1)
    ok(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE), file, "H5Pset_dxpl_mpio");
  return dxpl;
}

/// Bytes reserved beyond the file's end before a flush on several ranks: the metadata HDF5
/// has allocated since the last flush and writes at this one (object headers, B-tree nodes,
/// in aggregator blocks of 2 KiB; the raw data are written already), with room to spare.
constexpr std::uint64_t kFlushReserveBytes = 64 * 1024;

/// Whether a run whose result file @p file (`.partial`) ends here could be continued: a
/// checkpoint of it exists. Otherwise (a steady run, a transient run before its first
/// checkpoint) the file is removed on an abort, as abandon() removes it on an error.
bool restartable(const std::string& file) {
  return std::filesystem::exists(checkpoint_path(final_name(file)));
}

/// HDF5's collective flush of file @p f, opened by file_access(@p comm) (collective; a
/// @p temporary file, or one that is not restartable(), is removed should a write of the
/// flush fail on one rank: AbortOnWriteError). On
/// several ranks, rank 0 first reserves on disk the file's present size and
/// kFlushReserveBytes more (fallocate, keeping the file's size), and every rank stops
/// with the same error if the disk has no room. Inside the flush HDF5 1.10 shares the
/// metadata writes out among the ranks, and a write that failed there on one rank sent
/// that rank on to the file's truncation (a broadcast) while the others waited in a
/// barrier, for ever: a full disk did that. The reservation lets every rank stop cleanly on
/// a full disk; any other write error on one rank inside the flush (EIO, space taken by
/// another process after the reservation, a file system that cannot reserve: EOPNOTSUPP)
/// aborts every rank with its message (AbortOnWriteError), since HDF5 cannot leave the
/// flush.
void flush(hid_t f, const std::string& file, MPI_Comm comm, bool temporary = false) {
  if (comm_size(comm) > 1) {
    const auto reserve = [&] {
      const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) throw std::runtime_error(std::strerror(errno));
      struct stat st {};
      int rc = ::fstat(fd, &st);
      const off_t want = st.st_size + static_cast<off_t>(kFlushReserveBytes);
      if (rc == 0) rc = ::fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, want);
      const int err = errno;
      ::close(fd);
      if (rc != 0 && err != EOPNOTSUPP)
        throw std::runtime_error(fmt::format("{} bytes: {}", want, std::strerror(err)));
    };
    try {
      rank0_fs(comm, file, "cannot reserve disk space for the flush", reserve);
    } catch (...) {
      // HDF5 still holds what the flush would have written, and would write it at its
      // shut-down inside MPI_Finalize: the run ends without it (see ok())
      ErrorExit::skip_finalize();
      throw;
    }
  }
  const AbortOnWriteError guard(comm, file, "HDF5's collective flush",
                                temporary || !restartable(file));
  ok(H5Fflush(f, H5F_SCOPE_GLOBAL), file, "H5Fflush");
}

/// Flush file @p f, opened by file_access(@p comm), and sync it to disk (collective): the
/// MPI-IO driver syncs at every flush, the POSIX driver at none, so its file descriptor is
/// synced here. For a file that stays open; a file about to be closed and renamed takes
/// flush_before_close, then sync_file by name after its close, which writes too.
/// The file descriptor of file @p f under HDF5's POSIX driver (one rank), or -1 when HDF5
/// gives none.
int posix_descriptor(hid_t f) {
  void* handle = nullptr;
  if (H5Fget_vfd_handle(f, H5P_DEFAULT, &handle) < 0 || handle == nullptr) return -1;
  return *static_cast<int*>(handle);
}

void sync_to_disk(hid_t f, const std::string& file, MPI_Comm comm) {
  flush(f, file, comm);
  if (comm_size(comm) > 1) return;
  const int fd = posix_descriptor(f);
  if (fd < 0) io_fail(file, "cannot sync to disk: HDF5 gives no file descriptor");
  if (::fsync(fd) != 0) io_fail(file, fmt::format("cannot sync to disk: {}", std::strerror(errno)));
}

/// Starts the kernel's writeback of what file @p f (opened by file_access(@p comm)) holds
/// so far, without waiting for it (one rank: the POSIX driver's descriptor). Why: the sync
/// before the rename then waits only for what was written last, while the disk writes the
/// rest as the run computes and writes the next fields. Under MPI-IO the driver syncs at its
/// flushes. Its result is not checked, and need not be: without a wait flag it consumes no
/// writeback error, so the fsync every file takes before its rename still reports them all.
void start_writeback(hid_t f, MPI_Comm comm) {
  if (comm_size(comm) > 1) return;
  const int fd = posix_descriptor(f);
  if (fd >= 0) ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

/// Before the close of file @p f (opened by file_access(@p comm)) that rank 0 then syncs by
/// name (sync_file) and renames: under MPI-IO the flush syncs every rank's writes, which
/// rank 0's sync would not reach on a parallel file system. HDF5 writes again at the close
/// (the superblock, the end of the file), so the sync by name comes after it; on one rank
/// it is all that is needed.
void flush_before_close(hid_t f, const std::string& file, MPI_Comm comm, bool temporary = false) {
  if (comm_size(comm) > 1) flush(f, file, comm, temporary);
}

H5Handle open_file(MPI_Comm comm, const std::string& file, unsigned flags) {
  H5Handle fapl = file_access(comm, file);
  const hid_t id = H5Fopen(file.c_str(), flags, fapl.get());
  if (id < 0) hdf5_fail(file, "cannot open (missing or not an HDF5 file)");
  return H5Handle(id, H5Fclose);
}

H5Handle string_type(const std::string& file, std::size_t n) {
  H5Handle t(ok(H5Tcopy(H5T_C_S1), file, "H5Tcopy"), H5Tclose);
  // Fixed length (parallel HDF5 cannot write variable-length data); zero size is illegal.
  ok(H5Tset_size(t.get(), n == 0 ? 1 : n), file, "H5Tset_size");
  ok(H5Tset_strpad(t.get(), H5T_STR_NULLPAD), file, "H5Tset_strpad");
  ok(H5Tset_cset(t.get(), H5T_CSET_UTF8), file, "H5Tset_cset");
  return t;
}

bool link_exists(hid_t loc, const std::string& name) {
  return H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0;
}

/// Attribute writers replace an existing attribute of the same name.
void write_attr_raw(hid_t obj, const std::string& file, const std::string& name, hid_t type,
                    const void* value) {
  if (H5Aexists(obj, name.c_str()) > 0) ok(H5Adelete(obj, name.c_str()), file, "H5Adelete " + name);
  H5Handle space(ok(H5Screate(H5S_SCALAR), file, "H5Screate"), H5Sclose);
  H5Handle a(ok(H5Acreate2(obj, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT), file,
                "cannot create attribute " + name),
             H5Aclose);
  ok(H5Awrite(a.get(), type, value), file, "cannot write attribute " + name);
}

void write_attr(hid_t obj, const std::string& file, const std::string& name, const std::string& v) {
  H5Handle t = string_type(file, v.size());
  std::string buf = v.empty() ? std::string(1, '\0') : v;
  write_attr_raw(obj, file, name, t.get(), buf.data());
}

void write_attr(hid_t obj, const std::string& file, const std::string& name, double v) {
  write_attr_raw(obj, file, name, H5T_NATIVE_DOUBLE, &v);
}

void write_attr(hid_t obj, const std::string& file, const std::string& name, long v) {
  const long long w = v;
  write_attr_raw(obj, file, name, H5T_NATIVE_LLONG, &w);
}

H5Handle open_attr(hid_t obj, const std::string& file, const std::string& where,
                   const std::string& name) {
  const hid_t a = H5Aopen(obj, name.c_str(), H5P_DEFAULT);
  if (a < 0) io_fail(file, fmt::format("{}: missing attribute '{}'", where, name));
  return H5Handle(a, H5Aclose);
}

double read_attr_double(hid_t obj, const std::string& file, const std::string& where,
                        const std::string& name) {
  H5Handle a = open_attr(obj, file, where, name);
  double v = 0;
  ok(H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v), file,
     fmt::format("{}: read attribute {}", where, name));
  return v;
}

long read_attr_long(hid_t obj, const std::string& file, const std::string& where,
                    const std::string& name) {
  H5Handle a = open_attr(obj, file, where, name);
  long long v = 0;
  ok(H5Aread(a.get(), H5T_NATIVE_LLONG, &v), file,
     fmt::format("{}: read attribute {}", where, name));
  return static_cast<long>(v);
}

std::string read_attr_string(hid_t obj, const std::string& file, const std::string& where,
                             const std::string& name) {
  H5Handle a = open_attr(obj, file, where, name);
  H5Handle t(ok(H5Aget_type(a.get()), file, "H5Aget_type"), H5Tclose);
  if (H5Tget_class(t.get()) != H5T_STRING || H5Tis_variable_str(t.get()) > 0)
    io_fail(file, fmt::format("{}: attribute '{}' is not a fixed-length string", where, name));
  std::string s(H5Tget_size(t.get()), '\0');
  ok(H5Aread(a.get(), t.get(), s.data()), file, fmt::format("{}: read attribute {}", where, name));
  s.resize(s.find_first_of('\0') == std::string::npos ? s.size() : s.find_first_of('\0'));
  return s;
}

H5Handle make_group(hid_t loc, const std::string& file, const std::string& name) {
  if (link_exists(loc, name))
    return H5Handle(ok(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), file, "cannot open group " + name),
                    H5Gclose);
  return H5Handle(ok(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), file,
                     "cannot create group " + name),
                  H5Gclose);
}

H5Handle open_dataset(hid_t loc, const std::string& file, const std::string& name) {
  const hid_t d = H5Dopen2(loc, name.c_str(), H5P_DEFAULT);
  if (d < 0) io_fail(file, fmt::format("dataset '{}' not found", name));
  return H5Handle(d, H5Dclose);
}

std::vector<hsize_t> dataset_shape(hid_t dset, const std::string& file, const std::string& name) {
  H5Handle space(ok(H5Dget_space(dset), file, "H5Dget_space " + name), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) io_fail(file, "cannot read the shape of " + name);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

/// Names of the links in group @p g, in name order.
std::vector<std::string> link_names(hid_t g, const std::string& file, const std::string& where) {
  H5G_info_t info;
  ok(H5Gget_info(g, &info), file, "H5Gget_info " + where);
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t len =
        H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (len < 0) io_fail(file, "cannot list " + where);
    std::string name(static_cast<std::size_t>(len) + 1, '\0');
    H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                       H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(len));
    names.push_back(std::move(name));
  }
  return names;
}

std::string shape_text(const std::vector<hsize_t>& d) {
  return fmt::format("({})", fmt::join(d, ", "));
}

/// Rank-0-only write of a whole (small, replicated) dataset in a collective call.
void write_replicated(hid_t dset, const std::string& file, const std::string& name, hid_t type,
                      const void* data, MPI_Comm comm) {
  H5Handle fspace(ok(H5Dget_space(dset), file, "H5Dget_space " + name), H5Sclose);
  H5Handle mspace(ok(H5Scopy(fspace.get()), file, "H5Scopy"), H5Sclose);
  if (comm_rank(comm) != 0) {
    H5Sselect_none(fspace.get());
    H5Sselect_none(mspace.get());
  }
  H5Handle xfer = collective_xfer(comm, file);
  // A valid pointer even for empty selections: some HDF5 versions reject nullptr.
  const double dummy = 0;
  ok(H5Dwrite(dset, type, mspace.get(), fspace.get(), xfer.get(), data ? data : &dummy), file,
     "cannot write " + name);
}

/// Collective read of a whole (small) dataset of doubles on every rank.
std::vector<double> read_all_doubles(hid_t dset, const std::string& file, const std::string& name,
                                     MPI_Comm comm) {
  const auto shape = dataset_shape(dset, file, name);
  hsize_t n = 1;
  for (hsize_t d : shape) n *= d;
  std::vector<double> v(n);
  H5Handle xfer = collective_xfer(comm, file);
  double dummy = 0;
  ok(H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, xfer.get(), n ? v.data() : &dummy), file,
     "cannot read " + name);
  return v;
}

/// Names become HDF5 link names: no '/', and "time" is taken in /timeseries.
void check_name(const std::string& name, const char* what, bool series) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." ||
      (series && name == "time"))
    throw Error(fmt::format("H5Output: invalid {} name '{}' (empty, contains '/', or reserved)",
                            what, name));
}

/// Owned box and global size of the DMDA of @p v, in (z, y, x) order.
struct Box {
  int dim = 1, dof = 1;
  std::array<hsize_t, 3> global{1, 1, 1};  ///< nz, ny, nx
  std::array<hsize_t, 3> start{0, 0, 0};   ///< zs, ys, xs
  std::array<hsize_t, 3> count{1, 1, 1};   ///< zm, ym, xm
  hsize_t owned() const { return count[0] * count[1] * count[2]; }
};

Box box_of(Vec v) {
  DM dm = nullptr;
  TD_PETSC(VecGetDM(v, &dm));
  if (!dm) throw Error("H5Output: vector has no DMDA attached (VecGetDM returned null)");
  PetscInt dim, M, N, P, dof, xs, ys, zs, xm, ym, zm;
  TD_PETSC(DMDAGetInfo(dm, &dim, &M, &N, &P, nullptr, nullptr, nullptr, &dof, nullptr, nullptr,
                       nullptr, nullptr, nullptr));
  TD_PETSC(DMDAGetCorners(dm, &xs, &ys, &zs, &xm, &ym, &zm));
  // The components per cell are the vector's own (Mesh::create_cell_vector lays out any
  // number over the DMDA's cells); for the DMDA's vectors they are its dof.
  PetscInt n = 0;
  TD_PETSC(VecGetLocalSize(v, &n));
  const PetscInt owned = xm * ym * zm;
  if (owned > 0) {
    if (n % owned != 0)
      throw Error(
          fmt::format("H5Output: vector of local size {} is no whole number of values "
                      "per cell over the {} cells of its DMDA",
                      n, owned));
    dof = n / owned;
  }
  Box b;
  b.dim = static_cast<int>(dim);
  b.dof = static_cast<int>(dof);
  b.global = {static_cast<hsize_t>(P), static_cast<hsize_t>(N), static_cast<hsize_t>(M)};
  b.start = {static_cast<hsize_t>(zs), static_cast<hsize_t>(ys), static_cast<hsize_t>(xs)};
  b.count = {static_cast<hsize_t>(zm), static_cast<hsize_t>(ym), static_cast<hsize_t>(xm)};
  return b;
}

/// File shape of a cell field: the last @c dim entries of (nz, ny, nx).
std::vector<hsize_t> field_shape(const Box& b) { return {b.global.end() - b.dim, b.global.end()}; }

/// File and memory dataspaces selecting this rank's box in a field (extra = 0) or the
/// checkpoint (extra = dof trailing components).
std::pair<H5Handle, H5Handle> box_spaces(hid_t dset, const Box& b, hsize_t extra,
                                         const std::string& file) {
  H5Handle fspace(ok(H5Dget_space(dset), file, "H5Dget_space"), H5Sclose);
  std::vector<hsize_t> start(b.start.end() - b.dim, b.start.end());
  std::vector<hsize_t> count(b.count.end() - b.dim, b.count.end());
  if (extra > 0) {
    start.push_back(0);
    count.push_back(extra);
  }
  hsize_t n = 1;
  for (hsize_t c : count) n *= c;
  if (n > 0)
    ok(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                           nullptr),
       file, "H5Sselect_hyperslab");
  else
    H5Sselect_none(fspace.get());
  const hsize_t mdim = n > 0 ? n : 1;
  H5Handle mspace(ok(H5Screate_simple(1, &mdim, nullptr), file, "H5Screate_simple"), H5Sclose);
  if (n == 0) H5Sselect_none(mspace.get());
  return {std::move(fspace), std::move(mspace)};
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------

/// An exclusive lock (flock) of a run's `.partial` file, held by rank 0 while the run writes
/// it: a restart of that file (or a second restart of a committed one) is refused while the
/// run lives, and the lock goes with the process however it ends. HDF5 opens the file
/// with its own file locking off (file_access), so the lock does not conflict with its opens.
class PartialLock {
 public:
  PartialLock() = default;
  PartialLock(const PartialLock&) = delete;
  PartialLock& operator=(const PartialLock&) = delete;
  ~PartialLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  /// Lock @p file through @p fd (an open descriptor of it, now owned), or through a new
  /// descriptor when @p fd < 0. Throws std::runtime_error if another process holds it. A
  /// file system without flock (Lustre mounted with noflock: ENOSYS; some NFS: ENOLCK)
  /// leaves the file unlocked rather than failing the run: the exclusive creation of the
  /// .partial still refuses a second new run there.
  void take(const std::string& file, int fd = -1) {
    if (fd < 0) fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
      ::close(fd);
      throw std::runtime_error("another run is writing it");
    }
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct H5Output::Impl {
  /// Released after every other member: the file is closed (and renamed) first.
  PartialLock lock;
  /// A cell dataset: a scalar, or a vector of kVectorComponents components.
  struct FieldInfo {
    std::string name;
    int components = 1;
  };
  struct Snapshot {
    std::string group;  ///< "/snapshots/NNNNNN"
    double time = 0;
    long step = 0;
    std::vector<FieldInfo> fields;
  };
  struct Series {
    std::string unit;
    std::vector<double> values;
  };

  MPI_Comm comm = MPI_COMM_NULL;
  int rank = 0;
  int dim = 1;
  std::array<int, 3> cells{1, 1, 1};  ///< nx, ny, nz
  std::array<double, 3> extent{1, 1, 1};
  std::string partial;  ///< `<path>.partial`, the file being written
  // Declaration order matters: the group must close before the file.
  H5Handle file;
  H5Handle snapshot;  ///< open snapshot group, if any
  std::vector<Snapshot> snapshots;
  std::vector<FieldInfo> loose_fields;  ///< datasets under /fields
  long next_snapshot = 0;
  std::vector<double> times;
  std::map<std::string, Series> series;
  std::string time_unit;
  bool committed = false;

  void require_open() const {
    if (!file.valid()) io_fail(partial, "writer already committed or closed");
  }

  /// Write all in-memory series as 1D datasets, resized to the current row count.
  void flush_series() {
    H5Handle g = make_group(file.get(), partial, "timeseries");
    write_series_dataset(g.get(), "time", times, time_unit);
    for (auto& [name, s] : series) {
      s.values.resize(times.size(), std::numeric_limits<double>::quiet_NaN());
      write_series_dataset(g.get(), name, s.values, s.unit);
    }
  }

  void write_series_dataset(hid_t g, const std::string& name, const std::vector<double>& v,
                            const std::string& unit) {
    const std::string where = "/timeseries/" + name;
    const hsize_t n = v.size();
    H5Handle d;
    if (link_exists(g, name)) {
      d = open_dataset(g, partial, name);
      // Extensible chunked datasets grow in place instead of leaking a copy per flush.
      ok(H5Dset_extent(d.get(), &n), partial, "cannot resize " + where);
    } else {
      const hsize_t maxdim = H5S_UNLIMITED, chunk = 256;
      H5Handle space(ok(H5Screate_simple(1, &n, &maxdim), partial, "H5Screate_simple"), H5Sclose);
      H5Handle dcpl(ok(H5Pcreate(H5P_DATASET_CREATE), partial, "H5Pcreate(dcpl)"), H5Pclose);
      ok(H5Pset_chunk(dcpl.get(), 1, &chunk), partial, "H5Pset_chunk");
      d = H5Handle(ok(H5Dcreate2(g, name.c_str(), H5T_NATIVE_DOUBLE, space.get(), H5P_DEFAULT,
                                 dcpl.get(), H5P_DEFAULT),
                      partial, "cannot create " + where),
                   H5Dclose);
      write_attr(d.get(), partial, "units", unit);
    }
    if (n > 0) write_replicated(d.get(), partial, where, H5T_NATIVE_DOUBLE, v.data(), comm);
    // a chunk still cached is written at the close
    ok(d.close(), partial, "cannot write " + where);
  }

  static std::unique_ptr<Impl> create(const Mesh& mesh, const std::string& path);
  /// The XDMF sidecar of the file @p h5_path, written to @p xmf (temporary + rename; synced
  /// to disk before the rename when @p sync).
  void write_xdmf(const std::string& h5_path, const std::string& xmf, bool sync) const;
  /// Fields of group @p group (with their number of components) as stored in the file.
  std::vector<FieldInfo> stored_fields(hid_t g, const std::string& group) const;
  void load_existing();
};

namespace {

std::string xdmf_path(const std::string& path) {
  fs::path p(path);
  if (p.extension() == ".h5")
    p.replace_extension(".xmf");
  else
    p += ".xmf";
  return p.string();
}

/// The sidecar of a run in progress, `<path>.partial.xmf`: it opens the `.partial` file so that
/// a running or interrupted run can be looked at; commit() replaces it with the final one.
std::string partial_xdmf_path(const std::string& path) { return path + ".partial.xmf"; }

}  // namespace

void H5Output::Impl::write_xdmf(const std::string& h5_path, const std::string& xmf,
                                bool sync) const {
  // the HDF5 file sits beside its sidecar
  const std::string h5 = fs::path(h5_path).filename().string();
  const std::string tmp = xmf + ".tmp";
  // XDMF lists the slowest axis first; 1D is shown as a strip one cell thick in y.
  std::string topo, geo, node_dims;
  std::vector<std::string> coords;
  const char* axes = "xyz";
  for (int a = 0; a < dim; ++a)
    coords.push_back(
        fmt::format("          <DataItem Dimensions=\"{}\" NumberType=\"Float\" Precision=\"8\" "
                    "Format=\"HDF\">{}:/mesh/{}</DataItem>\n",
                    cells[a] + 1, xml_escape(h5), axes[a]));
  if (dim == 1) {
    topo = "2DRectMesh";
    geo = "VXVY";
    node_dims = fmt::format("2 {}", cells[0] + 1);
    coords.push_back(
        fmt::format("          <DataItem Dimensions=\"2\" NumberType=\"Float\" Precision=\"8\" "
                    "Format=\"XML\">0 {:.17g}</DataItem>\n",
                    extent[0] / cells[0]));
  } else if (dim == 2) {
    topo = "2DRectMesh";
    geo = "VXVY";
    node_dims = fmt::format("{} {}", cells[1] + 1, cells[0] + 1);
  } else {
    topo = "3DRectMesh";
    geo = "VXVYVZ";
    node_dims = fmt::format("{} {} {}", cells[2] + 1, cells[1] + 1, cells[0] + 1);
  }
  std::string cell_dims;
  for (int a = dim - 1; a >= 0; --a) cell_dims += fmt::format("{}{}", cells[a], a ? " " : "");

  auto grid = [&](const std::string& name, const std::string& group,
                  const std::vector<FieldInfo>& fields, const double* time) {
    std::string g =
        fmt::format("      <Grid Name=\"{}\" GridType=\"Uniform\">\n", xml_escape(name));
    if (time) g += fmt::format("        <Time Value=\"{}\"/>\n", *time);
    g +=
        fmt::format("        <Topology TopologyType=\"{}\" Dimensions=\"{}\"/>\n", topo, node_dims);
    g += fmt::format("        <Geometry GeometryType=\"{}\">\n", geo);
    for (const auto& c : coords) g += c;
    g += "        </Geometry>\n";
    for (const auto& f : fields)
      g += fmt::format(
          "        <Attribute Name=\"{0}\" AttributeType=\"{1}\" Center=\"Cell\">\n"
          "          <DataItem Dimensions=\"{2}\" NumberType=\"Float\" Precision=\"8\" "
          "Format=\"HDF\">{3}:{4}/{0}</DataItem>\n"
          "        </Attribute>\n",
          xml_escape(f.name), f.components == 1 ? "Scalar" : "Vector",
          f.components == 1 ? cell_dims : fmt::format("{} {}", cell_dims, f.components),
          xml_escape(h5), group);
    return g + "      </Grid>\n";
  };

  std::string body;
  if (!snapshots.empty()) {
    body += "    <Grid Name=\"snapshots\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
    for (const auto& s : snapshots)
      body += grid(s.group.substr(s.group.rfind('/') + 1), s.group, s.fields, &s.time);
    body += "    </Grid>\n";
  } else {
    body += grid("fields", "/fields", loose_fields, nullptr);
  }
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) throw std::runtime_error("cannot create " + tmp);
    out << "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n"
        << "<Xdmf Version=\"3.0\">\n  <Domain>\n"
        << body << "  </Domain>\n</Xdmf>\n";
    out.close();
    if (!out) {
      const int err = errno;
      // a full disk: leave no half-written sidecar behind
      std::error_code ec;
      fs::remove(tmp, ec);
      throw std::runtime_error(fmt::format("cannot write {}: {}", tmp, std::strerror(err)));
    }
  }
  // the final sidecar is synced as its file is (its directory by commit(), after the file's
  // rename); the one of a run in progress is rewritten at every snapshot and is not
  try {
    if (sync) sync_file(tmp);
    fs::rename(tmp, xmf);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

/// Rebuild snapshot list and series from a file being resumed (collective reads).
void H5Output::Impl::load_existing() {
  const hid_t f = file.get();
  if (link_exists(f, "snapshots")) {
    H5Handle g(ok(H5Gopen2(f, "snapshots", H5P_DEFAULT), partial, "open /snapshots"), H5Gclose);
    for (const auto& name : link_names(g.get(), partial, "/snapshots")) {
      H5Handle sg(
          ok(H5Gopen2(g.get(), name.c_str(), H5P_DEFAULT), partial, "open snapshot " + name),
          H5Gclose);
      Snapshot s;
      s.group = "/snapshots/" + name;
      s.time = read_attr_double(sg.get(), partial, s.group, "time");
      s.step = read_attr_long(sg.get(), partial, s.group, "step");
      s.fields = stored_fields(sg.get(), s.group);
      next_snapshot = std::max(next_snapshot, std::strtol(name.c_str(), nullptr, 10) + 1);
      snapshots.push_back(std::move(s));
    }
  }
  if (link_exists(f, "timeseries")) {
    H5Handle g(ok(H5Gopen2(f, "timeseries", H5P_DEFAULT), partial, "open /timeseries"), H5Gclose);
    for (const auto& name : link_names(g.get(), partial, "/timeseries")) {
      const std::string where = "/timeseries/" + name;
      H5Handle d = open_dataset(g.get(), partial, name);
      auto values = read_all_doubles(d.get(), partial, where, comm);
      std::string unit = read_attr_string(d.get(), partial, where, "units");
      if (name == "time") {
        times = std::move(values);
        time_unit = unit;
      } else {
        series[name] = Series{unit, std::move(values)};
      }
    }
    for (auto& [name, s] : series)
      if (s.values.size() != times.size())
        io_fail(partial, fmt::format("/timeseries/{} has {} rows but /timeseries/time has {}", name,
                                     s.values.size(), times.size()));
  }
  if (link_exists(f, "fields")) {
    H5Handle g(ok(H5Gopen2(f, "fields", H5P_DEFAULT), partial, "open /fields"), H5Gclose);
    loose_fields = stored_fields(g.get(), "/fields");
  }
}

std::vector<H5Output::Impl::FieldInfo> H5Output::Impl::stored_fields(
    hid_t g, const std::string& group) const {
  std::vector<FieldInfo> out;
  for (const auto& name : link_names(g, partial, group)) {
    H5Handle d = open_dataset(g, partial, name);
    const auto shape = dataset_shape(d.get(), partial, group + "/" + name);
    // a vector field has one trailing axis beyond the mesh's
    const bool vector = static_cast<int>(shape.size()) == dim + 1;
    out.push_back({name, vector ? static_cast<int>(shape.back()) : 1});
  }
  return out;
}

// ---------------------------------------------------------------------------------------

H5Output::H5Output(std::unique_ptr<Impl> impl, std::string path)
    : impl_(std::move(impl)), path_(std::move(path)) {}

std::unique_ptr<H5Output::Impl> H5Output::Impl::create(const Mesh& mesh, const std::string& path) {
  auto im = std::make_unique<H5Output::Impl>();
  im->comm = mesh.comm();
  im->rank = comm_rank(im->comm);
  im->dim = mesh.dim();
  for (int a = 0; a < 3; ++a) {
    im->cells[a] = mesh.cells(a);
    im->extent[a] = a < mesh.dim() ? mesh.axis(a).length() : 1.0;
  }
  im->partial = path + ".partial";
  return im;
}

namespace {
/// Collective. Create /config of file @p f (named @p file in messages) holding rank 0's
/// @p config_toml (the dataset's type size must agree on every rank).
void write_config(MPI_Comm comm, hid_t f, const std::string& file, const std::string& config_toml) {
  const std::string config = broadcast_string(comm, config_toml);
  H5Handle t = string_type(file, config.size());
  H5Handle space(ok(H5Screate(H5S_SCALAR), file, "H5Screate"), H5Sclose);
  H5Handle d(
      ok(H5Dcreate2(f, "config", t.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), file,
         "cannot create /config"),
      H5Dclose);
  write_attr(d.get(), file, "units", std::string());
  const std::string buf = config.empty() ? std::string(1, '\0') : config;
  write_replicated(d.get(), file, "/config", t.get(), buf.data(), comm);
}
}  // namespace

void H5Output::replace_config(const std::string& config_toml) {
  Impl& im = *impl_;
  const hid_t f = im.file.get();
  ok(H5Ldelete(f, "config", H5P_DEFAULT), im.partial, "cannot replace /config");
  write_config(im.comm, f, im.partial, config_toml);
}

H5Output::H5Output(const Mesh& mesh, const std::string& path, const std::string& config_toml,
                   const std::string& units_system, const std::string& length_unit)
    : impl_(Impl::create(mesh, path)), path_(path) {
  Impl& im = *impl_;
  const std::string& file = im.partial;
  im.time_unit = units_system == "SI" ? "s" : "tau";
  // Claim the partial file before HDF5 truncates anything: a second run on the same output,
  // or a new run over an interrupted one's restartable file, is refused here.
  rank0_fs(im.comm, file, "cannot claim", [&] {
    im.lock.take(file, claim_partial_fd(path, fmt::format("a transient run continues with "
                                                          "--restart {}; else remove the file "
                                                          "to start afresh",
                                                          file)));
    // A checkpoint without its partial file belongs to no run: it must not be restarted from.
    std::error_code ec;
    fs::remove(checkpoint_path(path), ec);
    fs::remove(checkpoint_path(path) + ".tmp", ec);
  });
  // From here the partial file is this run's. A failure may strike one rank alone (a full
  // disk): the destructor does not run for a constructor that throws, and the Impl's own
  // collective close would wait for ranks that went on; abandon() leaves without
  // synchronising, as the destructor does while unwinding.
  try {
    {
      H5Handle fapl = file_access(im.comm, file);
      const hid_t id = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
      if (id < 0) hdf5_fail(file, "cannot create file");
      im.file = H5Handle(id, H5Fclose);
    }
    const hid_t f = im.file.get();
    const std::string created = broadcast_string(im.comm, iso_time_utc());
    write_attr(f, file, "version", std::string(kVersion));
    write_attr(f, file, "git", std::string(git_describe()));
    write_attr(f, file, "created", created);
    write_attr(f, file, "units_system", units_system);

    write_config(im.comm, f, file, config_toml);

    H5Handle g = make_group(f, file, "mesh");
    const char* names[3] = {"x", "y", "z"};
    for (int a = 0; a < mesh.dim(); ++a) {
      const auto& nodes = mesh.axis(a).nodes;
      const hsize_t n = nodes.size();
      H5Handle space(ok(H5Screate_simple(1, &n, nullptr), file, "H5Screate_simple"), H5Sclose);
      H5Handle d(ok(H5Dcreate2(g.get(), names[a], H5T_NATIVE_DOUBLE, space.get(), H5P_DEFAULT,
                               H5P_DEFAULT, H5P_DEFAULT),
                    file, fmt::format("cannot create /mesh/{}", names[a])),
                 H5Dclose);
      write_attr(d.get(), file, "units", length_unit);
      write_attr(d.get(), file, "periodic", static_cast<long>(mesh.axis(a).periodic));
      write_replicated(d.get(), file, fmt::format("/mesh/{}", names[a]), H5T_NATIVE_DOUBLE,
                       nodes.data(), im.comm);
    }
    write_attr(g.get(), file, "dim", static_cast<long>(mesh.dim()));
    flush(f, file, im.comm);
  } catch (...) {
    abandon();
    throw;
  }
}

std::unique_ptr<H5Output> H5Output::resume(const Mesh& mesh, const std::string& path) {
  auto im = Impl::create(mesh, path);
  const std::string partial = im->partial;
  // An interrupted run's partial file is its only copy: it is kept should this run fail. A
  // committed file is continued in a copy, claimed as a new run claims its file, so that the
  // committed file stays whole until the new commit and a failed restart leaves no copy.
  bool interrupted = false, copied = false;
  try {
    rank0_fs(im->comm, partial, "cannot resume", [&] {
      interrupted = fs::exists(partial);
      if (interrupted) {
        im->lock.take(partial);
        return;
      }
      if (!fs::exists(path))
        throw std::runtime_error(fmt::format("neither {} nor {} exists", partial, path));
      const int fd = claim_partial_fd(path, "a restart of the same file began meanwhile");
      copied = true;
      im->lock.take(partial, fd);
      // a checkpoint beside a committed file is stale: the committed file holds its own
      std::error_code ec;
      fs::remove(checkpoint_path(path), ec);
      fs::remove(checkpoint_path(path) + ".tmp", ec);
      fs::copy_file(path, partial, fs::copy_options::overwrite_existing);
      // the copy takes the committed file's permissions; the run writes it
      fs::permissions(partial, fs::perms::owner_read | fs::perms::owner_write,
                      fs::perm_options::add);
    });
    int flag = interrupted ? 1 : 0;
    MPI_Bcast(&flag, 1, MPI_INT, 0, im->comm);
    interrupted = flag != 0;
    im->file = open_file(im->comm, partial, H5F_ACC_RDWR);
    const hid_t f = im->file.get();
    const char* names[3] = {"x", "y", "z"};
    for (int a = 0; a < mesh.dim(); ++a) {
      const std::string ds = fmt::format("/mesh/{}", names[a]);
      H5Handle d = open_dataset(f, partial, ds);
      const auto shape = dataset_shape(d.get(), partial, ds);
      if (shape.size() != 1 || shape[0] != static_cast<hsize_t>(mesh.cells(a) + 1))
        io_fail(partial, fmt::format("{} has shape {}, the mesh has {} nodes on this axis", ds,
                                     shape_text(shape), mesh.cells(a) + 1));
    }
    if (mesh.dim() < 3 && link_exists(f, fmt::format("/mesh/{}", names[mesh.dim()])))
      io_fail(partial, fmt::format("file has a mesh of more than {} dimensions", mesh.dim()));
    const std::string us = read_attr_string(f, partial, "/", "units_system");
    im->time_unit = us == "SI" ? "s" : "tau";
    im->load_existing();
  } catch (...) {
    // The error may be this rank's alone (a read): on several ranks no collective close
    // while unwinding (see abandon()); HDF5 keeps the file, and the run ends without
    // MPI_Finalize, where HDF5 would close it collectively.
    if (comm_size(im->comm) > 1) {
      im->file.release();
      ErrorExit::skip_finalize();
    } else {
      im->file.close();
    }
    // before the writer exists nothing else removes the copy
    if (copied) discard_partial(path);
    throw;
  }
  std::unique_ptr<H5Output> out(new H5Output(std::move(im), path));
  out->keep_partial_ = interrupted;
  return out;
}

void H5Output::keep_partial() {
  keep_partial_ = true;
  forget_partial(path_);
}

std::vector<std::string> H5Output::companion_files(const std::string& path) {
  const std::string xmf = xdmf_path(path), partial_xmf = partial_xdmf_path(path),
                    ckpt = checkpoint_path(path);
  return {path + ".partial",    xmf,  xmf + ".tmp", partial_xmf,
          partial_xmf + ".tmp", ckpt, ckpt + ".tmp"};
}

void H5Output::abandon() noexcept {
  Impl& im = *impl_;
  // Unwinding after an error that may have struck this rank alone: a collective close and
  // barriers would wait for ranks that are blocked elsewhere. Leave the file to HDF5's
  // shutdown and remove the partial file from whichever rank gets here, without
  // synchronising; the run ends through core/ErrorExit.h on every rank. Alone on its
  // communicator the rank can test whether the file still flushes; if not (a full disk),
  // HDF5 would close it again inside MPI_Finalize and crash there, so the run must end
  // without MPI_Finalize.
  if (comm_size(im.comm) == 1 && im.file.valid()) {
    if (H5Fflush(im.file.get(), H5F_SCOPE_LOCAL) < 0) ErrorExit::skip_finalize();
  }
  im.snapshot.release();
  im.file.release();
  std::error_code ec;
  // a checkpoint's temporary file is never worth keeping: the previous checkpoint stands
  fs::remove(checkpoint_path(path_) + ".tmp", ec);
  if (keep_partial_) return;
  fs::remove(im.partial, ec);
  forget_partial(path_);
  fs::remove(checkpoint_path(path_), ec);
  fs::remove(partial_xdmf_path(path_), ec);
}

H5Output::~H5Output() {
  if (!impl_) return;
  Impl& im = *impl_;
  if (im.committed) return;
  if (std::uncaught_exceptions() > 0) {
    abandon();
    return;
  }
  im.snapshot.close();
  {
    // HDF5 writes at the close (an interrupted run's file, kept for a restart): see flush()
    const AbortOnWriteError guard(im.comm, im.partial, "HDF5's collective close",
                                  !restartable(im.partial));
    im.file.close();
  }
  if (keep_partial_) return;
  // Every rank must have closed the file before it disappears.
  MPI_Barrier(im.comm);
  if (im.rank == 0) {
    std::error_code ec;
    fs::remove(im.partial, ec);
    forget_partial(path_);
    fs::remove(checkpoint_path(path_), ec);
    fs::remove(partial_xdmf_path(path_), ec);
  }
  // ...and no rank may return while the file is still visible.
  MPI_Barrier(im.comm);
}

void H5Output::set_time_unit(const std::string& unit) { impl_->time_unit = unit; }

void H5Output::attribute(const std::string& name, double value) {
  Impl& im = *impl_;
  im.require_open();
  write_attr(im.file.get(), im.partial, name, value);
}

void H5Output::attribute(const std::string& name, const std::string& value) {
  Impl& im = *impl_;
  im.require_open();
  write_attr(im.file.get(), im.partial, name, broadcast_string(im.comm, value));
}

std::optional<std::string> H5Output::read_attribute(MPI_Comm comm, const std::string& path,
                                                    const std::string& name) {
  H5Handle f = open_file(comm, path, H5F_ACC_RDONLY);
  if (H5Aexists(f.get(), name.c_str()) <= 0) return std::nullopt;
  return read_attr_string(f.get(), path, "/", name);
}

void H5Output::begin_snapshot(double time, long step) {
  Impl& im = *impl_;
  im.require_open();
  if (im.snapshot.valid()) io_fail(im.partial, "begin_snapshot while a snapshot is open");
  H5Handle root = make_group(im.file.get(), im.partial, "snapshots");
  const std::string name = fmt::format("{:06d}", im.next_snapshot);
  im.snapshot =
      H5Handle(ok(H5Gcreate2(root.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                  im.partial, "cannot create /snapshots/" + name),
               H5Gclose);
  write_attr(im.snapshot.get(), im.partial, "time", time);
  write_attr(im.snapshot.get(), im.partial, "step", step);
  im.snapshots.push_back({"/snapshots/" + name, time, step, {}});
  ++im.next_snapshot;
}

void H5Output::end_snapshot() {
  Impl& im = *impl_;
  im.require_open();
  if (!im.snapshot.valid()) io_fail(im.partial, "end_snapshot without begin_snapshot");
  im.snapshot.close();
  flush(im.file.get(), im.partial, im.comm);
  rank0_fs(im.comm, im.partial, "cannot write the XDMF sidecar",
           [&] { im.write_xdmf(im.partial, partial_xdmf_path(path_), false); });
}

namespace {

/// Refuse to write a field with a NaN or infinite value (collective): unless components
/// [first, first + used) of every owned cell of @p a (dof values per cell, cells x fastest) are
/// finite on every rank, every rank throws SolverError naming the dataset, the snapshot time,
/// the number of such values and the first one; nothing of the dataset is written.
void check_finite(MPI_Comm comm, const std::string& partial, const std::string& where,
                  const std::string& when, const Box& b, const PetscScalar* a, std::size_t dof,
                  std::size_t first, std::size_t used) {
  long bad = 0;
  std::size_t first_cell = 0;
  double first_value = 0.0;
  for (std::size_t cell = 0; cell < b.owned(); ++cell)
    for (std::size_t k = 0; k < used; ++k) {
      const double x = a[cell * dof + first + k];
      if (!std::isfinite(x) && bad++ == 0) {
        first_cell = cell;
        first_value = x;
      }
    }
  long total = 0;
  MPI_Allreduce(&bad, &total, 1, MPI_LONG, MPI_SUM, comm);
  if (total == 0) return;
  std::string cell = "on another rank";
  if (bad > 0) {
    // owned cells: x fastest, then y, then z (box counts are nz, ny, nx)
    const hsize_t nx = b.count[2], ny = b.count[1];
    cell = fmt::format("cell ({}, {}, {}) = {}", b.start[2] + first_cell % nx,
                       b.start[1] + first_cell / nx % ny, b.start[0] + first_cell / (nx * ny),
                       first_value);
  }
  throw SolverError(fmt::format("{}{}: {} non-finite value(s), first {}; not written to {}", where,
                                when, total, cell, partial));
}

}  // namespace

void H5Output::write_field(const std::string& name, Vec v, int component, const std::string& unit) {
  write_cell_data(name, v, component, 0, unit);
}

void H5Output::write_vector_field(const std::string& name, Vec v, int first_component,
                                  const std::string& unit) {
  write_cell_data(name, v, first_component, impl_->dim, unit);
}

void H5Output::write_cell_data(const std::string& name, Vec v, int component, int vector_dim,
                               const std::string& unit) {
  Impl& im = *impl_;
  im.require_open();
  check_name(name, "field", false);
  const Box b = box_of(v);
  const std::string group = im.snapshot.valid() ? im.snapshots.back().group : "/fields";
  const std::string where = group + "/" + name;
  if (b.dim != im.dim || b.global[2] != static_cast<hsize_t>(im.cells[0]) ||
      b.global[1] != static_cast<hsize_t>(im.cells[1]) ||
      b.global[0] != static_cast<hsize_t>(im.cells[2]))
    io_fail(im.partial, fmt::format("{}: vector layout {}D {} does not match the mesh", where,
                                    b.dim, shape_text(field_shape(b))));
  const int used = std::max(vector_dim, 1);
  if (component < 0 || component + used > b.dof)
    io_fail(im.partial,
            fmt::format("{}: component {} out of range (dof {})", where, component, b.dof));

  // A vector is stored with kVectorComponents components whatever the mesh's dimension (the
  // missing ones zero): XDMF readers take a vector attribute as three components.
  const int stored = vector_dim > 0 ? H5Output::kVectorComponents : 1;
  const auto n_stored = static_cast<std::size_t>(stored);
  const auto n_dof = static_cast<std::size_t>(b.dof);
  const ReadArray values(v);
  check_finite(im.comm, im.partial, where,
               im.snapshot.valid() ? fmt::format(" at t = {:.6g}", im.snapshots.back().time) : "",
               b, values.get(), n_dof, static_cast<std::size_t>(component),
               static_cast<std::size_t>(used));
  // A field that is the whole vector (a scalar of a one-component vector, say) is written
  // from the vector's array; others go through a buffer of the stored components, zero-padded
  // (HDF5's own gather of a strided memory selection took longer than this copy).
  const bool whole = n_dof == n_stored && used == stored;
  std::vector<double> packed;
  if (!whole) {
    packed.assign(b.owned() * n_stored, 0.0);
    for (std::size_t i = 0; i < b.owned(); ++i)
      for (int k = 0; k < used; ++k)
        packed[i * n_stored + static_cast<std::size_t>(k)] =
            values.get()[i * n_dof + static_cast<std::size_t>(component + k)];
  }

  H5Handle loose;
  hid_t g = im.snapshot.get();
  if (!im.snapshot.valid()) {
    loose = make_group(im.file.get(), im.partial, "fields");
    g = loose.get();
  }
  auto shape = field_shape(b);
  if (vector_dim > 0) shape.push_back(H5Output::kVectorComponents);
  H5Handle d;
  if (link_exists(g, name)) {
    d = open_dataset(g, im.partial, name);
    if (dataset_shape(d.get(), im.partial, where) != shape)
      io_fail(im.partial, fmt::format("{} exists with another shape", where));
    write_attr(d.get(), im.partial, "units", unit);
  } else {
    H5Handle space(ok(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                      im.partial, "H5Screate_simple"),
                   H5Sclose);
    H5Handle dcpl(ok(H5Pcreate(H5P_DATASET_CREATE), im.partial, "H5Pcreate"), H5Pclose);
    // Every element is written right away; skip the fill pass.
    H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER);
    d = H5Handle(ok(H5Dcreate2(g, name.c_str(), H5T_NATIVE_DOUBLE, space.get(), H5P_DEFAULT,
                               dcpl.get(), H5P_DEFAULT),
                    im.partial, "cannot create " + where),
                 H5Dclose);
    write_attr(d.get(), im.partial, "units", unit);
    if (im.snapshot.valid())
      im.snapshots.back().fields.push_back({name, stored});
    else
      im.loose_fields.push_back({name, stored});
  }

  auto [fspace, mspace] = box_spaces(d.get(), b, vector_dim > 0 ? n_stored : 0, im.partial);
  const double dummy = 0;
  const double* data = whole ? values.get() : packed.data();
  if (b.owned() == 0) data = &dummy;
  H5Handle xfer = collective_xfer(im.comm, im.partial);
  ok(H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), xfer.get(), data), im.partial,
     "cannot write " + where);
  ok(d.close(), im.partial, "cannot write " + where);
  start_writeback(im.file.get(), im.comm);
}

void H5Output::append_time(double t) {
  Impl& im = *impl_;
  im.times.push_back(t);
  for (auto& [name, s] : im.series)
    s.values.resize(im.times.size(), std::numeric_limits<double>::quiet_NaN());
}

void H5Output::append_series(const std::string& name, double value, const std::string& unit) {
  Impl& im = *impl_;
  check_name(name, "time series", true);
  if (im.times.empty())
    throw Error(fmt::format("H5Output: append_series('{}') before append_time()", name));
  auto& s = im.series[name];
  if (s.unit.empty()) s.unit = unit;
  s.values.resize(im.times.size(), std::numeric_limits<double>::quiet_NaN());
  s.values.back() = value;
}

namespace {

/// Write @p state as dataset "state" of group @p g (created, or replaced when its shape
/// differs) with attributes time and step written last, so that a state without them is
/// recognisably incomplete.
void write_state(hid_t g, const std::string& file, Vec state, double time, long step) {
  const Box b = box_of(state);
  std::vector<hsize_t> shape = field_shape(b);
  shape.push_back(static_cast<hsize_t>(b.dof));
  H5Handle d;
  if (link_exists(g, "state")) {
    d = open_dataset(g, file, "/checkpoint/state");
    if (dataset_shape(d.get(), file, "/checkpoint/state") != shape) {
      d.close();
      ok(H5Ldelete(g, "state", H5P_DEFAULT), file, "cannot replace /checkpoint/state");
    }
  }
  if (!d.valid()) {
    H5Handle space(ok(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                      file, "H5Screate_simple"),
                   H5Sclose);
    H5Handle dcpl(ok(H5Pcreate(H5P_DATASET_CREATE), file, "H5Pcreate"), H5Pclose);
    H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER);
    d = H5Handle(ok(H5Dcreate2(g, "state", H5T_NATIVE_DOUBLE, space.get(), H5P_DEFAULT,
                               dcpl.get(), H5P_DEFAULT),
                    file, "cannot create /checkpoint/state"),
                 H5Dclose);
    write_attr(d.get(), file, "units", std::string("case units (see /config)"));
  }
  // The owned part of a DMDA global vector is exactly the (z, y, x, dof) box: no copy.
  auto [fspace, mspace] = box_spaces(d.get(), b, static_cast<hsize_t>(b.dof), file);
  H5Handle xfer = collective_xfer(PetscObjectComm(reinterpret_cast<PetscObject>(state)), file);
  {
    // released however the write ends (box_spaces and collective_xfer may throw as well)
    const ReadArray values(state);
    ok(H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), xfer.get(), values.get()),
       file, "cannot write /checkpoint/state");
  }
  write_attr(d.get(), file, "time", time);
  write_attr(d.get(), file, "step", step);
  ok(d.close(), file, "cannot write /checkpoint/state");
}

}  // namespace

void H5Output::write_checkpoint(Vec state, double time, long step, long index) {
  Impl& im = *impl_;
  im.require_open();
  fault_point("checkpoint_begin", im.comm, index);
  // 1. The result file: the state (kept for extending a committed run) and every snapshot and
  // row so far, flushed, so that the checkpoint below never counts data that are not on disk.
  {
    H5Handle g = make_group(im.file.get(), im.partial, "checkpoint");
    write_state(g.get(), im.partial, state, time, step);
  }
  im.flush_series();
  sync_to_disk(im.file.get(), im.partial, im.comm);
  fault_point("checkpoint_file", im.comm, index);
  // 2. The checkpoint, complete in a temporary file...
  const std::string ckpt = checkpoint_path(path_), tmp = ckpt + ".tmp";
  {
    H5Handle fapl = file_access(im.comm, tmp);
    const hid_t id = H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
    if (id < 0) hdf5_fail(tmp, "cannot create checkpoint file");
    H5Handle f(id, H5Fclose);
    H5Handle g = make_group(f.get(), tmp, "checkpoint");
    try {
      write_state(g.get(), tmp, state, time, step);
      write_attr(g.get(), tmp, "snapshots", static_cast<long>(im.snapshots.size()));
      write_attr(g.get(), tmp, "rows", static_cast<long>(im.times.size()));
      g.close();
      flush_before_close(f.get(), tmp, im.comm, true);
    } catch (...) {
      // possibly this rank alone: no collective close while unwinding (see abandon())
      ErrorExit::skip_finalize();
      g.release();
      f.release();
      throw;
    }
    {
      // HDF5 writes at the close (superblock, end of file) as in a flush: see flush()
      const AbortOnWriteError guard(im.comm, tmp, "HDF5's collective close", true);
      ok(f.close(), tmp, "cannot close checkpoint file");
    }
  }
  fault_point("checkpoint_written", im.comm, index);
  // 3. ...renamed over the previous one: rename is atomic, so a crash leaves one or the other.
  MPI_Barrier(im.comm);
  rank0_fs(im.comm, ckpt, "cannot replace checkpoint", [&] {
    try {
      // on disk before the rename makes it the checkpoint
      sync_file(tmp);
      fs::rename(tmp, ckpt);
      sync_directory(ckpt);
    } catch (...) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw;
    }
  });
  fault_point("checkpoint_renamed", im.comm, index);
}

H5Output::Checkpoint H5Output::read_checkpoint_info(MPI_Comm comm, const std::string& path,
                                                    Vec state) {
  const std::string ckpt = checkpoint_path(final_name(path));
  // the sidecar belongs to the partial file; a committed file holds its last state itself
  const bool sidecar = path != final_name(path) && exists_on_rank0(comm, ckpt);
  const std::string file = sidecar ? ckpt : path;
  const std::string ds = "/checkpoint/state";
  H5Handle f = open_file(comm, file, H5F_ACC_RDONLY);
  if (!link_exists(f.get(), "checkpoint"))
    io_fail(file, path != final_name(path)
                      ? "holds no checkpoint to restart from: the run stopped before it wrote "
                        "its first one; remove the file to start afresh"
                      : "holds no checkpoint to restart from: it is not the result of a "
                        "transient run (a steady result cannot be continued)");
  H5Handle d = open_dataset(f.get(), file, ds);
  const Box b = box_of(state);
  std::vector<hsize_t> want = field_shape(b);
  want.push_back(static_cast<hsize_t>(b.dof));
  const auto have = dataset_shape(d.get(), file, ds);
  if (have != want)
    io_fail(file, fmt::format("{} has shape {} but the state vector needs {} (nz, ny, nx, dof)", ds,
                              shape_text(have), shape_text(want)));
  Checkpoint c;
  c.time = read_attr_double(d.get(), file, ds, "time");
  c.step = read_attr_long(d.get(), file, ds, "step");
  // A committed file's own checkpoint is its last state: it keeps all it holds.
  c.snapshots = c.rows = -1;
  if (sidecar) {
    H5Handle g(ok(H5Gopen2(f.get(), "checkpoint", H5P_DEFAULT), file, "open /checkpoint"),
               H5Gclose);
    c.snapshots = read_attr_long(g.get(), file, "/checkpoint", "snapshots");
    c.rows = read_attr_long(g.get(), file, "/checkpoint", "rows");
  }
  PetscScalar* a = nullptr;
  TD_PETSC(VecGetArray(state, &a));
  auto [fspace, mspace] = box_spaces(d.get(), b, static_cast<hsize_t>(b.dof), file);
  H5Handle xfer = collective_xfer(comm, file);
  const herr_t st = H5Dread(d.get(), H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), xfer.get(), a);
  TD_PETSC(VecRestoreArray(state, &a));
  ok(st, file, "cannot read " + ds);
  return c;
}

std::pair<double, long> H5Output::read_checkpoint(MPI_Comm comm, const std::string& path,
                                                  Vec state) {
  const Checkpoint c = read_checkpoint_info(comm, path, state);
  return {c.time, c.step};
}

std::string H5Output::read_config(MPI_Comm comm, const std::string& path) {
  H5Handle f = open_file(comm, path, H5F_ACC_RDONLY);
  H5Handle d = open_dataset(f.get(), path, "/config");
  H5Handle t(ok(H5Dget_type(d.get()), path, "H5Dget_type"), H5Tclose);
  if (H5Tget_class(t.get()) != H5T_STRING || H5Tis_variable_str(t.get()) > 0)
    io_fail(path, "/config is not a fixed-length string");
  std::string text(H5Tget_size(t.get()), '\0');
  ok(H5Dread(d.get(), t.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()), path, "read /config");
  text.resize(std::min(text.size(), text.find('\0')));
  return text;
}

void H5Output::truncate_to(const Checkpoint& c) {
  Impl& im = *impl_;
  im.require_open();
  if (c.snapshots >= 0) {
    for (auto it = im.snapshots.begin(); it != im.snapshots.end();) {
      const long index = std::strtol(it->group.c_str() + it->group.rfind('/') + 1, nullptr, 10);
      if (index < c.snapshots) {
        ++it;
        continue;
      }
      ok(H5Ldelete(im.file.get(), it->group.c_str(), H5P_DEFAULT), im.partial,
         "cannot drop " + it->group + " (written after the checkpoint)");
      it = im.snapshots.erase(it);
    }
    im.next_snapshot = c.snapshots;
  }
  if (c.rows >= 0 && static_cast<long>(im.times.size()) > c.rows) {
    im.times.resize(static_cast<std::size_t>(c.rows));
    for (auto& [name, series] : im.series) series.values.resize(im.times.size());
  }
  im.flush_series();
  flush(im.file.get(), im.partial, im.comm);
}


void H5Output::read_field(MPI_Comm comm, const std::string& path, const std::string& dataset, Vec v,
                          int component) {
  H5Handle f = open_file(comm, path, H5F_ACC_RDONLY);
  H5Handle d = open_dataset(f.get(), path, dataset);
  const Box b = box_of(v);
  if (component < 0 || component >= b.dof)
    io_fail(path, fmt::format("{}: component {} out of range (dof {})", dataset, component, b.dof));
  const auto want = field_shape(b);
  const auto have = dataset_shape(d.get(), path, dataset);
  if (have != want)
    io_fail(path, fmt::format("{} has shape {} but the vector needs {}", dataset, shape_text(have),
                              shape_text(want)));
  std::vector<double> buf(b.owned());
  auto [fspace, mspace] = box_spaces(d.get(), b, 0, path);
  H5Handle xfer = collective_xfer(comm, path);
  double dummy = 0;
  ok(H5Dread(d.get(), H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), xfer.get(),
             buf.empty() ? &dummy : buf.data()),
     path, "cannot read " + dataset);
  PetscScalar* a = nullptr;
  TD_PETSC(VecGetArray(v, &a));
  for (std::size_t i = 0; i < buf.size(); ++i) a[i * b.dof + component] = buf[i];
  TD_PETSC(VecRestoreArray(v, &a));
}

void H5Output::commit() {
  Impl& im = *impl_;
  if (im.committed) return;
  im.require_open();
  im.snapshot.close();
  im.flush_series();
  flush_before_close(im.file.get(), im.partial, im.comm);
  const int closed = [&] {
    const AbortOnWriteError guard(im.comm, im.partial, "HDF5's collective close",
                                  !restartable(im.partial));
    return im.file.close();
  }();
  // a file whose close failed (a full disk) stays open inside HDF5: see ok()
  ok(closed, im.partial, "cannot close file");
  // The data are complete now: should the rename fail, the .partial must survive.
  keep_partial_ = true;
  MPI_Barrier(im.comm);
  rank0_fs(im.comm, path_, "cannot commit", [&] {
    // on disk before the rename gives it its final name (the checkpoint, removed below, was)
    sync_file(im.partial);
    im.write_xdmf(path_, xdmf_path(path_), true);
    fs::rename(im.partial, path_);
    forget_partial(path_);
    std::error_code gone;
    fs::remove(partial_xdmf_path(path_), gone);
    // the committed file holds the last checkpoint itself
    std::error_code ec;
    fs::remove(checkpoint_path(path_), ec);
    sync_directory(path_);
  });
  im.committed = true;
}

}  // namespace td
