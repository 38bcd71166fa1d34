#pragma once
/// @file FitTask.h  One `[[fit]]` table of a `thermodrift fit` input, selected by
/// `type = "..."` (FitTaskFactory). A task reads and validates its whole table when created
/// (so every input error surfaces before any fit runs) and, when run, adds its fitted
/// parameters (values, uncertainties, provenance) to the shared ParamSet.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/Error.h"
#include "core/Factory.h"
#include "core/Input.h"
#include "core/Paths.h"
#include "core/Progress.h"
#include "fit/LeastSquares.h"
#include "io/LammpsUnits.h"
#include "io/ParamFile.h"

namespace td::fit {

struct FitContext {
  ParamSet& params;              ///< parameters so far (earlier [[fit]] tables) and output
  nlohmann::ordered_json& json;  ///< this task's report (data, curve, values) for printing/plots
  /// What the user should know about the data that the fit did not take (printed by the
  /// driver as warnings, and kept in the report under "warnings").
  void warn(const std::string& text) { json["warnings"].push_back(text); }
};

/// Common keys of every task.
struct TaskCommon {
  std::string name;   ///< parameter (prefix) name
  int bootstrap = 0;  ///< resamples (0: none)
  unsigned long seed = 1;
  /// Where the name was given (the table when it is the default): two tables of one input
  /// may not share a name (read_fit_tasks), as their parameters, laws and covariances would.
  SourceLocation name_at;
  /// Read the task's `name` key @p name_key (see name_spec), `bootstrap` and `seed` (declared
  /// with the [[fit]] table, for every task).
  void read(InputSection& s, const ParamSpec& name_key);
};

class FitTask {
 public:
  virtual ~FitTask() = default;
  virtual void run(FitContext& ctx) = 0;
  /// The table's `type` key (file, line): run_fit_tasks reports an error that a task's run
  /// did not place (a file or solver failure) there.
  SourceLocation where;
  /// The common keys, read by the task's constructor (TaskCommon::read).
  const TaskCommon& common() const { return common_; }

 protected:
  TaskCommon common_;
};

/// Call @p f; a td::Error it throws that is not already an InputError becomes an InputError at
/// @p loc (the key whose value led there), with the same message.
template <class F>
auto at_key(const SourceLocation& loc, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const InputError&) {
    throw;
  } catch (const Error& e) {
    throw InputError(loc, e.what());
  }
}

using FitTaskFactory = Factory<FitTask, InputSection&>;

/// Read the `[[fit]]` table @p s (key `type`) into a task.
std::unique_ptr<FitTask> make_fit_task(InputSection& s);

/// Read every `[[fit]]` table of @p root into tasks (all are checked before any runs);
/// InputError if there is none.
std::vector<std::unique_ptr<FitTask>> read_fit_tasks(InputSection& root);

/// Run @p tasks in order, each adding its parameters to @p params; returns their reports
/// (data, fitted curves, values), one JSON object per task; @p progress, if given, hears of
/// each finished task. A file that cannot be read while a task runs (IoError) is an InputError
/// at the task's table.
nlohmann::ordered_json run_fit_tasks(const std::vector<std::unique_ptr<FitTask>>& tasks,
                                     ParamSet& params, Progress* progress = nullptr);

/// The `name` key of a task whose parameters are called @p default_name by default; each task
/// declares its own at namespace scope and lists it with its keys.
ParamSpec name_spec(const std::string& default_name);

/// The data keys of a task: either a column file (`file`, `x_column`, `y_column`,
/// `sigma_column` = "" for none; md::read_columns format) or inline arrays `x`, `y`, `sigma`
/// with the unit kinds of x and y (inline values may carry units).
struct XyKeys {
  ParamSpec file, x_column, y_column, sigma_column, x, y, sigma;
  /// Addresses of all seven, for a declaration.
  std::vector<const ParamSpec*> all() const;
};
/// The data keys for x of kind @p xkind described as @p what_x, likewise y.
XyKeys xy_keys(units::Kind xkind, units::Kind ykind, const std::string& what_x,
               const std::string& what_y);

/// Read the data points of keys @p k (declared at namespace scope by the task); returns the
/// data and a description of its source. A data file that cannot be read or lacks a column is
/// an InputError at the key that named it.
std::pair<Data, std::string> read_xy(InputSection& s, const XyKeys& k);

/// Refuse a data file that states its unit system (md::Table::units, its `# units:` line) when
/// that is not @p expected, the system this fit reads its numbers in (@p how says where that
/// comes from, e.g. "[units]"): its numbers would be taken in the wrong units. InputError at
/// @p at, the key that named the file @p path, ending with @p advice, what the user can do. A
/// file without a units line (older files, the user's own) is read as it is.
void check_file_units(const SourceLocation& at, const std::string& path, const std::string& stated,
                      const std::string& expected, const std::string& how,
                      const std::string& advice = "give the fit the file's units");

/// The column named by key @p col of the column file named by key @p file (relative to the
/// input); errors as in read_xy.
std::vector<double> read_column(InputSection& s, const ParamSpec& file, const ParamSpec& col);

/// Keys of profiles read from fix ave/chunk files (io/Readers.h): `concentration_column`
/// (default "density/number"), `coordinate_column` (bin centres, default "Coord1") and
/// `skip_blocks` (leading blocks left out of the average, default 0).
const ParamSpec& chunk_concentration_column_spec();
const ParamSpec& chunk_coordinate_column_spec();
const ParamSpec& chunk_skip_blocks_spec();
/// [output] file and report of a fit document (declared here for `thermodrift fit` and the
/// Python module, which reads and ignores them).
const ParamSpec& output_file_spec();
const ParamSpec& report_file_spec();
/// `lammps_units` (default "lj"): the LAMMPS unit style the chunk files were written in.
const ParamSpec& chunk_units_spec();
/// The style of key `lammps_units` of @p s on the case's units; `lj` with a case not in LJ
/// units is an InputError at the key.
md::LammpsUnits chunk_units(InputSection& s);

/// The parameter @p name that an earlier [[fit]] table of the input added to @p params, which
/// must be of kind @p kind (e.g. an activation energy, not a diffusivity). Throws InputError at
/// @p at, the key that named it: "no fitted parameter '<name>' (<hint>)" when there is none,
/// "'<name>' is a diffusivity, not an energy" when it is of another kind.
const FittedParameter& earlier_parameter(const ParamSet& params, const std::string& name,
                                         units::Kind kind, const SourceLocation& at,
                                         const std::string& hint);

/// Store parameter @p i of @p r as @p name (value, covariance sd, optional bootstrap sd).
FittedParameter to_parameter(const FitResult& r, std::size_t i, const std::string& name,
                             units::Kind kind, const std::string& method, const std::string& source,
                             const std::vector<double>& boot_sd);

/// Data, fitted curve (over the range of x; none if @p curve is empty) and parameters as JSON
/// (for the report and plot script).
void report_fit(nlohmann::ordered_json& j, const Data& d, const FitResult& r,
                const std::function<double(double)>& curve);

}  // namespace td::fit
