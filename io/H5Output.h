#pragma once
/// @file H5Output.h  Parallel HDF5 output with an XDMF sidecar, time series and checkpoints.
///
/// Layout of a result file (all datasets carry a "units" attribute):
///   /                      attrs: version, git, created (ISO time), units_system; for
///                          `thermodrift run`, data_files (the data files of the case with
///                          sizes and hashes, core/Paths.h data_fingerprint)
///   /config                string dataset: the full resolved TOML configuration
///   /mesh/x, /mesh/y, /mesh/z   node coordinates (length); only the axes < dim exist
///   /snapshots/NNNNNN/     attrs: time, step; one dataset per cell field, shape (nz, ny, nx)
///                          for a scalar, (nz, ny, nx, 3) for a vector such as a flux (the
///                          components beyond the mesh's dimension are zero)
///   /timeseries/time, /timeseries/<name>   1D series appended during the run
///   /checkpoint/state      attrs: time, step; the full solver state, shape (nz, ny, nx, dof)
///                          (DMDA natural ordering, independent of the number of ranks)
/// The file is written as `<path>.partial` and renamed to `<path>` by commit(), so a failed
/// or interrupted run never leaves a file under the final name. The XDMF sidecar
/// `<path without .h5>.xmf` references the final name and opens in ParaView (vectors as
/// vector attributes); while the run writes, `<path>.partial.xmf` references the `.partial`
/// file and is rewritten after every snapshot, so a running or interrupted run can be opened.
///
/// Exclusive: the `.partial` file is created with O_EXCL, so a second run on the same output
/// is refused up front instead of truncating the first run's file.
///
/// Checkpoints are atomic: write_checkpoint() flushes the result file, then writes the state
/// with time, step and the number of snapshots and time-series rows written so far into
/// `<path>.checkpoint.tmp` and renames it to `<path>.checkpoint`. A crash at any instant leaves
/// either the previous checkpoint or the new one. A restart reads that file and drops the
/// snapshots and rows written after it (truncate_to). commit() removes it; a committed file's
/// /checkpoint/state (the last checkpoint) lets a finished run be extended.
#include <petscdmda.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace td {

class Mesh;

class H5Output {
 public:
  /// Collective. Creates `<path>.partial` (truncating), writes root attributes, /config
  /// and /mesh. @p units_system e.g. "SI" or "LJ(copper)"; @p length_unit label for /mesh.
  H5Output(const Mesh& mesh, const std::string& path, const std::string& config_toml,
           const std::string& units_system, const std::string& length_unit);
  /// Collective. Re-open an interrupted run's `<path>.partial` to continue writing after a
  /// restart, or continue a committed `<path>` in a copy `<path>.partial` that replaces it at
  /// commit(). Should the continued run fail, an interrupted run's `.partial` and checkpoint
  /// stay for another restart, and a committed file stays as it was (its copy is removed).
  static std::unique_ptr<H5Output> resume(const Mesh& mesh, const std::string& path);
  /// The other files a run writing @p path creates beside it (`.partial`, the XDMF
  /// sidecars, the checkpoint and their temporaries), for checking their names up front.
  static std::vector<std::string> companion_files(const std::string& path);
  /// Collective. If not committed, closes and removes the `.partial` file unless
  /// keep_partial() was called (interrupted runs keep it for restart).
  ~H5Output();
  H5Output(const H5Output&) = delete;
  H5Output& operator=(const H5Output&) = delete;

  /// Collective. Start snapshot group /snapshots/NNNNNN at @p time.
  void begin_snapshot(double time, long step);
  /// Collective. Write component @p component of the cell vector @p v (a DMDA global vector
  /// of the mesh.dm() layout, or Mesh::create_cell_vector: VecGetDM(v) gives the cells, its
  /// local size the components per cell) as cell field @p name in the
  /// current snapshot (or, if no snapshot is open, under /fields).
  void write_field(const std::string& name, Vec v, int component, const std::string& unit);
  /// Collective. Write components @p first_component .. @p first_component + dim - 1 of @p v
  /// as the vector cell field @p name, stored with kVectorComponents components (zero beyond
  /// the mesh's dimension) and shown as a vector by XDMF readers.
  void write_vector_field(const std::string& name, Vec v, int first_component,
                          const std::string& unit);
  /// Components of a stored vector field (XDMF vectors have three).
  static constexpr int kVectorComponents = 3;
  /// Collective. Close the current snapshot (the file is flushed and the `.partial.xmf`
  /// sidecar rewritten).
  void end_snapshot();

  /// Append one row (same value on all ranks) to time series @p name at the time of the
  /// last append_time(); series are flushed at checkpoints and on commit.
  void append_time(double t);
  void append_series(const std::string& name, double value, const std::string& unit);

  /// What a checkpoint records besides the state.
  struct Checkpoint {
    double time = 0.0;   ///< simulated time of the state (time unit of the case)
    long step = 0;       ///< solver steps taken
    long snapshots = 0;  ///< snapshots in the result file when it was written
    long rows = 0;       ///< time-series rows in the result file when it was written
  };
  /// Collective. Flush snapshots and series, then replace the checkpoint atomically (see the
  /// file comment) with the full state vector and time/step. @p index numbers the
  /// checkpoints of a run (fault-injection points "checkpoint_begin", "checkpoint_written",
  /// "checkpoint_renamed" of core/Fault.h).
  void write_checkpoint(Vec state, double time, long step, long index = 0);
  /// Collective. Read the checkpoint of the run writing @p path (final name or .partial):
  /// for a `.partial`, `<final>.checkpoint` if it exists (an interrupted run), else
  /// /checkpoint/state of the file itself (a committed run, or a `.partial` whose sidecar
  /// was not yet written), into @p state (a global vector of a DM with the same layout).
  static Checkpoint read_checkpoint_info(MPI_Comm comm, const std::string& path, Vec state);
  /// read_checkpoint_info, returning time and step.
  static std::pair<double, long> read_checkpoint(MPI_Comm comm, const std::string& path,
                                                  Vec state);
  /// Collective. The resolved configuration (/config) of result file @p path.
  static std::string read_config(MPI_Comm comm, const std::string& path);
  /// Collective. Replace /config by @p config_toml: a resumed run's own configuration (the
  /// physics are the same; [solver] and [output] may have changed, and /config describes the
  /// run that wrote the file last).
  void replace_config(const std::string& config_toml);
  /// Collective. Drop the snapshots and time-series rows written after checkpoint @p c (a
  /// resumed run continues from its checkpoint, not from where it was killed).
  void truncate_to(const Checkpoint& c);
  /// Collective. Read a cell field dataset (e.g. "/snapshots/000003/c_solute") into
  /// component @p component of @p v.
  static void read_field(MPI_Comm comm, const std::string& path, const std::string& dataset,
                         Vec v, int component);

  /// Collective. Flush series, write the XDMF sidecar, close, rename .partial -> final.
  void commit();
  /// Keep the .partial file on destruction (interrupted run): also off the list of files a
  /// signal removes (io/TextFile.h forget_partial).
  void keep_partial();

  const std::string& path() const { return path_; }

  /// Collective. Root attribute @p name = @p value (the same on every rank).
  void attribute(const std::string& name, double value);
  void attribute(const std::string& name, const std::string& value);
  /// Collective. Root string attribute @p name of result file @p path (final name or
  /// .partial); nothing if the file has none.
  static std::optional<std::string> read_attribute(MPI_Comm comm, const std::string& path,
                                                   const std::string& name);

  /// Unit label of /timeseries/time (default "s" for SI, "tau" for LJ units systems).
  void set_time_unit(const std::string& unit);

 private:
  struct Impl;
  /// A scalar (@p vector_dim = 0) or a vector of @p vector_dim components from @p component.
  void write_cell_data(const std::string& name, Vec v, int component, int vector_dim,
                       const std::string& unit);
  H5Output(std::unique_ptr<Impl> impl, std::string path);
  std::unique_ptr<Impl> impl_;
  std::string path_;
  bool keep_partial_ = false;
  /// Leave the file after an error, without collective calls: released to HDF5's shutdown,
  /// the partial file and its companions removed unless keep_partial_.
  void abandon() noexcept;
};

}  // namespace td
