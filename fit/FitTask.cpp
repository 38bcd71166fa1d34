#include "fit/FitTask.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "io/Readers.h"

namespace td::fit {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kType{"type", T::String,     "", K::dimensionless,      Range::any(),
                      {},     "kind of fit", {}, &FitTaskFactory::names};
const ParamSpec kBootstrap{"bootstrap",
                           T::Integer,
                           "0",
                           K::dimensionless,
                           Range::closed(0, 100000),
                           {},
                           "bootstrap resamples (0: covariance only)"};
const ParamSpec kSeed{"seed", T::Integer,      "1", K::dimensionless, Range::at_least(0),
                      {},     "bootstrap seed"};
const FitTaskFactory::Family kFitKeys(
    "fit", kType, "fit",
    "One `[[fit]]` table per fit of a `thermodrift fit` input (Ceres least squares); every "
    "table is read and checked before any fit runs, and each adds its fitted parameters "
    "(values, uncertainties from the covariance and optionally a bootstrap, provenance) to "
    "the transport-parameter file of `[output]`. A task's `name` (default per type) names its "
    "parameters.",
    {&kBootstrap, &kSeed});

const ParamSpec kChunkConcentration{"concentration_column",
                                    T::String,
                                    "\"density/number\"",
                                    K::dimensionless,
                                    Range::any(),
                                    {},
                                    "concentration column of the chunk file"};
const ParamSpec kChunkCoordinate{"coordinate_column",
                                 T::String,
                                 "\"Coord1\"",
                                 K::dimensionless,
                                 Range::any(),
                                 {},
                                 "bin-centre column of the chunk file(s)"};
const ParamSpec kChunkSkip{"skip_blocks",
                           T::Integer,
                           "0",
                           K::dimensionless,
                           Range::closed(0, 1e9),
                           {},
                           "leading blocks (equilibration) left out of the average"};
const ParamSpec kChunkUnits{"lammps_units",
                            T::String,
                            "\"lj\"",
                            K::dimensionless,
                            Range::any(),
                            {"lj", "real", "metal"},
                            "LAMMPS unit style of the chunk file(s): bin centres and temperatures "
                            "are converted into the case's units (lj: the case's LJ units; real: "
                            "Angstrom, K; metal: Angstrom, K)"};
}  // namespace

md::LammpsUnits chunk_units(InputSection& s) {
  try {
    return md::LammpsUnits(s.string(kChunkUnits), s.units());
  } catch (const InputError&) {
    throw;
  } catch (const Error& e) {
    s.fail(kChunkUnits.key, e.what());
  }
}

std::unique_ptr<FitTask> make_fit_task(InputSection& s) {
  const std::string type = s.string(kType);
  auto task = FitTaskFactory::find(type)->create(s);
  task->where = s.location(kType.key);
  s.finish();
  return task;
}

std::vector<std::unique_ptr<FitTask>> read_fit_tasks(InputSection& root) {
  auto tables = root.sections("fit");
  if (tables.empty()) root.fail("fit", "at least one [[fit]] table is required");
  std::vector<std::unique_ptr<FitTask>> tasks;
  for (auto& t : tables) {
    auto task = make_fit_task(t);
    // one name, one set of parameters: a second table would replace the first's values and
    // write its law and covariance tables twice (an invalid parameter file)
    for (std::size_t i = 0; i < tasks.size(); ++i)
      if (tasks[i]->common().name == task->common().name) {
        const SourceLocation& first = tasks[i]->common().name_at;
        const std::string table = first.key.substr(0, first.key.rfind('.'));
        throw InputError(task->common().name_at,
                         fmt::format("the name '{}' is taken: the [[fit]] table {} ({}:{}) has "
                                     "it too; give each table its own name (its parameters, "
                                     "laws and covariances are named after it)",
                                     task->common().name, table, first.file, first.line));
      }
    tasks.push_back(std::move(task));
  }
  return tasks;
}

nlohmann::ordered_json run_fit_tasks(const std::vector<std::unique_ptr<FitTask>>& tasks,
                                     ParamSet& params, Progress* progress) {
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    nlohmann::ordered_json j;
    FitContext ctx{params, j};
    try {
      tasks[i]->run(ctx);
    } catch (const IoError& e) {
      // a task that did not place the error itself: name its table
      throw InputError(tasks[i]->where, fmt::format("while running this fit: {}", e.what()));
    }
    all.push_back(j);
    if (progress)
      progress->update(static_cast<double>(i + 1) / static_cast<double>(tasks.size()), [&] {
        return fmt::format("[[fit]] table {} of {} done", i + 1, tasks.size());
      });
  }
  return all;
}

void TaskCommon::read(InputSection& s, const ParamSpec& name_key) {
  name = s.string(name_key);
  name_at = s.location(name_key.key);
  if (name.empty() || name.find_first_of(" .[]\"=#") != std::string::npos)
    s.fail(name_key.key,
           fmt::format("'{}' is not a valid parameter name (letters, digits, _)", name));
  bootstrap = static_cast<int>(s.integer(kBootstrap));
  seed = static_cast<unsigned long>(s.integer(kSeed));
}

ParamSpec name_spec(const std::string& default_name) {
  return {"name",
          T::String,
          "\"" + default_name + "\"",
          K::dimensionless,
          Range::any(),
          {},
          "name of the fitted parameter (or prefix of several)"};
}

std::vector<const ParamSpec*> XyKeys::all() const {
  return {&file, &x_column, &y_column, &sigma_column, &x, &y, &sigma};
}

XyKeys xy_keys(units::Kind xkind, units::Kind ykind, const std::string& what_x,
               const std::string& what_y) {
  return {{"file",
           T::String,
           "",
           K::dimensionless,
           Range::any(),
           {},
           "column data file (instead of x, y, sigma)"},
          {"x_column", T::String, "", K::dimensionless, Range::any(), {}, "column of " + what_x},
          {"y_column", T::String, "", K::dimensionless, Range::any(), {}, "column of " + what_y},
          {"sigma_column",
           T::String,
           "\"\"",
           K::dimensionless,
           Range::any(),
           {},
           "column of the y standard errors (\"\": none)"},
          {"x", T::RealArray, "", xkind, Range::any(), {}, what_x},
          {"y", T::RealArray, "", ykind, Range::any(), {}, what_y},
          {"sigma", T::RealArray, "", ykind, Range::positive(), {}, "standard errors of y"}};
}

namespace {
/// The column file of key @p file (relative to the input); a file that cannot be read is an
/// InputError at that key.
md::Table read_table(InputSection& s, const ParamSpec& file, std::string& path) {
  path = input_path(s, s.string(file));
  md::Table t;
  try {
    t = md::read_columns(path);
  } catch (const Error& e) {
    s.fail(file.key, e.what());
  }
  check_file_units(s.location(file.key), path, t.units, s.units().name(), "[units]");
  return t;
}

/// Column named by key @p column of table @p t (from @p path); a missing column is an
/// InputError at that key.
std::vector<double> column(InputSection& s, const md::Table& t, const std::string& path,
                           const ParamSpec& column) {
  const std::string name = s.string(column);
  try {
    return t.col(name);
  } catch (const Error& e) {
    s.fail(column.key, fmt::format("{}: {}", path, e.what()));
  }
}
}  // namespace

void check_file_units(const SourceLocation& at, const std::string& path, const std::string& stated,
                      const std::string& expected, const std::string& how,
                      const std::string& advice) {
  // a file that states its units (the md set-ups' own) is read only in those: its numbers
  // would otherwise be taken in the fit's units, SI read as LJ or the other way
  if (!stated.empty() && stated != expected)
    throw InputError(at, fmt::format("{} states its values in {} units ('# units:' line); this "
                                     "fit reads them in {} ({}): {}",
                                     path, stated, expected, how, advice));
}

std::vector<double> read_column(InputSection& s, const ParamSpec& file, const ParamSpec& col) {
  std::string path;
  const md::Table t = read_table(s, file, path);
  return column(s, t, path, col);
}

std::pair<Data, std::string> read_xy(InputSection& s, const XyKeys& k) {
  Data d;
  std::string src;
  std::vector<int> lines;  // file line of each point (data files)
  if (s.has(k.file)) {
    const md::Table t = read_table(s, k.file, src);
    lines = t.lines;
    d.x = column(s, t, src, k.x_column);
    d.y = column(s, t, src, k.y_column);
    if (!s.string(k.sigma_column).empty()) d.sigma = column(s, t, src, k.sigma_column);
  } else {
    d.x = s.reals(k.x);
    d.y = s.reals(k.y);
    if (s.has(k.sigma)) d.sigma = s.reals(k.sigma);
    if (d.y.size() != d.x.size() || (!d.sigma.empty() && d.sigma.size() != d.x.size()))
      s.fail("y", fmt::format("x, y (and sigma) must have equal lengths: {}, {}, {}", d.x.size(),
                              d.y.size(), d.sigma.size()));
    src = s.location("x").file + " (inline data)";
  }
  const bool from_file = s.has(k.file);
  if (d.x.empty()) s.fail(from_file ? k.file.key : k.x.key, "no data points");
  // a non-finite value would pass the range checks of the fits (inf > 0) and bend or break
  // the least-squares problem with no word about the data
  const std::pair<const std::vector<double>*, const ParamSpec*> values[] = {
      {&d.x, from_file ? &k.x_column : &k.x},
      {&d.y, from_file ? &k.y_column : &k.y},
      {&d.sigma, from_file ? &k.sigma_column : &k.sigma}};
  // where point i is: its line in the data file, or its place in the inline array (1-based)
  auto where = [&](std::size_t i) {
    return from_file && i < lines.size() ? fmt::format("{}:{}", src, lines[i])
                                         : fmt::format("entry {}", i + 1);
  };
  for (const auto& [v, key] : values)
    for (std::size_t i = 0; i < v->size(); ++i)
      if (!std::isfinite((*v)[i]))
        s.fail(key->key, fmt::format("{}: {} is not a finite number", where(i), (*v)[i]));
  for (std::size_t i = 0; i < d.sigma.size(); ++i)
    if (!(d.sigma[i] > 0))
      s.fail(from_file ? k.sigma_column.key : k.sigma.key,
             fmt::format("{}: standard error {:g}; standard errors must be > 0", where(i),
                         d.sigma[i]));
  return {std::move(d), src};
}

namespace {
const ParamSpec kOut{"file",
                     T::String,
                     "\"\"",
                     K::dimensionless,
                     Range::any(),
                     {},
                     "transport-parameter file to write (TOML); relative to the working "
                     "directory (default: <input name>_params.toml; `-o` overrides)"};
const ParamSpec kReport{"report",
                        T::String,
                        "\"\"",
                        K::dimensionless,
                        Range::any(),
                        {},
                        "also write data, fitted curves and values as JSON (for plots); "
                        "relative to the working directory"};

const KeyDeclaration kFitOutputKeys({"output",
                                     "",
                                     "fit",
                                     "Files written by `thermodrift fit`: the transport-parameter "
                                     "file (TOML, read by `type = \"fitted\"` laws) and an "
                                     "optional JSON report. The data files of `[[fit]]` tables "
                                     "are relative to the input file.",
                                     {&kOut, &kReport}});

}  // namespace

const ParamSpec& output_file_spec() { return kOut; }
const ParamSpec& report_file_spec() { return kReport; }
const ParamSpec& chunk_concentration_column_spec() { return kChunkConcentration; }
const ParamSpec& chunk_coordinate_column_spec() { return kChunkCoordinate; }
const ParamSpec& chunk_skip_blocks_spec() { return kChunkSkip; }
const ParamSpec& chunk_units_spec() { return kChunkUnits; }

namespace {
/// "an energy", "a diffusivity": the kind's name with its article.
std::string kind_with_article(units::Kind k) {
  const std::string_view n = units::name_of(k);
  return fmt::format(
      "{} {}", std::string_view("aeiou").find(n.front()) == std::string_view::npos ? "a" : "an", n);
}
}  // namespace

const FittedParameter& earlier_parameter(const ParamSet& params, const std::string& name,
                                         units::Kind kind, const SourceLocation& at,
                                         const std::string& hint) {
  const FittedParameter* p = params.find(name);
  if (!p) throw InputError(at, fmt::format("no fitted parameter '{}' ({})", name, hint));
  if (p->kind != kind)
    throw InputError(at, fmt::format("'{}' is {}, not {}", name, kind_with_article(p->kind),
                                     kind_with_article(kind)));
  return *p;
}

FittedParameter to_parameter(const FitResult& r, std::size_t i, const std::string& name,
                             units::Kind kind, const std::string& method, const std::string& source,
                             const std::vector<double>& boot_sd) {
  FittedParameter p;
  p.name = name;
  p.kind = kind;
  p.value = r.p[i];
  p.uncertainty = r.se(i);
  if (!boot_sd.empty()) p.bootstrap_sd = boot_sd[i];
  p.method = method + fmt::format(" (chi2 = {:.4g}, dof = {}{})", r.chi2, r.dof,
                                  r.sigma_known ? "" : ", covariance scaled by chi2/dof");
  p.source = source;
  return p;
}

void report_fit(nlohmann::ordered_json& j, const Data& d, const FitResult& r,
                const std::function<double(double)>& curve) {
  j["x"] = d.x;
  j["y"] = d.y;
  if (!d.sigma.empty()) j["sigma"] = d.sigma;
  if (curve) {
    const auto [lo, hi] = std::minmax_element(d.x.begin(), d.x.end());
    std::vector<double> cx, cy;
    for (int k = 0; k <= 200; ++k) {
      cx.push_back(*lo + (*hi - *lo) * k / 200.0);
      cy.push_back(curve(cx.back()));
    }
    j["curve_x"] = cx;
    j["curve_y"] = cy;
  }
  j["parameters"] = r.names;
  j["values"] = r.p;
  std::vector<double> se;
  for (std::size_t i = 0; i < r.p.size(); ++i) se.push_back(r.se(i));
  j["se"] = se;
  j["chi2"] = r.chi2;
  j["dof"] = r.dof;
}

}  // namespace td::fit
