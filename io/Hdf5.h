#pragma once
/// @file Hdf5.h  What the HDF5 writers of io/ share: an owning handle for HDF5 identifiers,
/// and HDF5's errors reported in our own messages instead of its stack dumps.
#include <hdf5.h>
#include <mpi.h>

#include <string>
#include <utility>

namespace td {

/// Owns one HDF5 identifier and closes it with the matching H5?close function.
class H5Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  H5Handle() = default;
  H5Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~H5Handle() { close(); }
  H5Handle(H5Handle&& o) noexcept
      : id_(std::exchange(o.id_, H5I_INVALID_HID)), closer_(o.closer_) {}
  H5Handle& operator=(H5Handle&& o) noexcept {
    if (this != &o) {
      close();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      closer_ = o.closer_;
    }
    return *this;
  }
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  /// Forget the identifier without closing it (HDF5 closes it when the library shuts down).
  void release() { id_ = H5I_INVALID_HID; }
  /// Close now; returns the HDF5 status (a file close flushes and can fail).
  herr_t close() {
    herr_t status = 0;
    if (id_ >= 0 && closer_) status = closer_(id_);
    id_ = H5I_INVALID_HID;
    return status;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/// Turn off HDF5's automatic printing of its error stack (to stderr, before our message,
/// dozens of lines for one full disk) for this thread's default stack. The writers of io/ call
/// it before they open a file; their IoError names the file and what failed, with
/// hdf5_cause().
void report_hdf5_errors_ourselves();

/// The innermost error on HDF5's default error stack, the one where HDF5 detected it, short:
/// the operating system's message where there is one ("No space left on device"), else HDF5's
/// own description, with the free space of the file system of @p file where it is below
/// 1 MiB (MPI-IO gives no system message). Empty when the stack is empty. Call it right
/// after the failed HDF5 call: the next call clears the stack.
std::string hdf5_cause(const std::string& file);

/// While alive, on a run of several ranks, a failed MPI-IO call on this rank ends the run on
/// every rank of @p comm (MPI_Abort, status 1) after the message "thermodrift: error on rank
/// R of N: cannot write <file> (<what>): <MPI's error string>". For HDF5's collective flush and
/// close, which cannot end cleanly once one rank's write fails: HDF5 1.10 shares the
/// metadata writes there among the ranks, and the rank whose write failed went on to the
/// file's truncation (a broadcast) while the others waited in a barrier, for ever. Outside
/// such a guard a failed MPI-IO call returns its error to HDF5 as before, which reports it to
/// the writer. On one rank the guard does nothing (HDF5's POSIX driver, no collective).
/// Guards do not nest; construct it on every rank around the same call; @p what must outlive
/// it (a string literal). A @p temporary file (a checkpoint being written, or a result file
/// that no checkpoint can restart) is removed before the abort; any other stays for a
/// restart.
class AbortOnWriteError {
 public:
  AbortOnWriteError(MPI_Comm comm, const std::string& file, const char* what,
                    bool temporary = false);
  ~AbortOnWriteError();
  AbortOnWriteError(const AbortOnWriteError&) = delete;
  AbortOnWriteError& operator=(const AbortOnWriteError&) = delete;

 private:
  bool armed_ = false;
};

/// Make the error handler of AbortOnWriteError the default of MPI files opened from now on
/// (MPI_File_set_errhandler on MPI_FILE_NULL); a file keeps the handler it opened with. It
/// returns the error to the caller outside a guard, as MPI's default for files does. Call
/// before HDF5 opens a file through MPI-IO; later calls do nothing.
void use_write_error_handler();

}  // namespace td
