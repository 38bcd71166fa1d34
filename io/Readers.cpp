#include "io/Readers.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/Error.h"

namespace td::md {

namespace {

/// The comment that states a column file's unit system (read_columns, units_line).
const std::string kUnitsTag = "units:";

/// Line-numbered reader; every error names file and line.
class LineReader {
 public:
  explicit LineReader(const std::string& path) : path_(path), in_(path) {
    if (!in_) throw IoError(fmt::format("{}: cannot open file", path));
  }
  bool next(std::string& line) {
    if (!std::getline(in_, line)) return false;
    ++line_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  }
  int line() const { return line_; }
  [[noreturn]] void fail(const std::string& msg) const {
    throw IoError(fmt::format("{}:{}: {}", path_, line_, msg));
  }
  [[noreturn]] void fail_eof(const std::string& msg) const {
    throw IoError(fmt::format("{}:{}: unexpected end of file: {}", path_, line_, msg));
  }

 private:
  std::string path_;
  std::ifstream in_;
  int line_ = 0;
};

std::vector<std::string> split(const std::string& s) {
  std::istringstream is(s);
  std::vector<std::string> out;
  std::string w;
  while (is >> w) out.push_back(w);
  return out;
}

/// Parse all fields of @p line as numbers; nullopt-like: false if any is not a number.
bool parse_numbers(const std::string& line, std::vector<double>& out) {
  out.clear();
  for (const auto& w : split(line)) {
    char* end = nullptr;
    const double v = std::strtod(w.c_str(), &end);
    if (end == w.c_str() || *end != '\0') return false;
    out.push_back(v);
  }
  return true;
}

std::vector<double> numbers_or_fail(const LineReader& r, const std::string& line,
                                    std::size_t expected, const char* what) {
  std::vector<double> v;
  if (!parse_numbers(line, v))
    r.fail(fmt::format("{}: expected {} numbers, got '{}'", what, expected, line));
  if (v.size() != expected)
    r.fail(fmt::format("{}: expected {} fields, got {} (truncated or malformed line '{}')", what,
                       expected, v.size(), line));
  return v;
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

std::string trim_left(const std::string& s) {
  const auto i = s.find_first_not_of(" \t");
  return i == std::string::npos ? std::string() : s.substr(i);
}

/// If the comment line @p line ('#' first) states a unit system (units_line), set @p units to
/// its name and return true.
bool read_units_line(const std::string& line, std::string& units) {
  const std::string comment = trim_left(line.substr(1));
  if (!starts_with(comment, kUnitsTag)) return false;
  units = trim_left(comment.substr(kUnitsTag.size()));
  while (!units.empty() && std::isspace(static_cast<unsigned char>(units.back()))) units.pop_back();
  return true;
}

}  // namespace

std::size_t Table::column(const std::string& name, const std::string& what) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return i;
  std::string have;
  for (const auto& c : columns) have += (have.empty() ? "" : ", ") + c;
  throw IoError(fmt::format("{}: no column '{}' (columns: {})", what, name, have));
}

std::vector<double> Table::col(const std::string& name) const {
  const std::size_t j = column(name);
  std::vector<double> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r[j]);
  return out;
}

std::vector<ThermoRun> read_log_thermo(const std::string& path) {
  LineReader r(path);
  std::vector<ThermoRun> runs;
  std::string line;
  bool in_table = false;
  while (r.next(line)) {
    const std::string t = trim_left(line);
    if (!in_table) {
      if (starts_with(t, "Step ") || t == "Step") {
        ThermoRun run;
        run.table.columns = split(t);
        run.first_line = r.line();
        runs.push_back(std::move(run));
        in_table = true;
      }
      continue;
    }
    if (starts_with(t, "Loop time of")) {
      runs.back().complete = true;
      in_table = false;
      continue;
    }
    // LAMMPS interleaves warnings with thermo rows; any other text is a malformed row.
    if (starts_with(t, "WARNING") || t.empty()) continue;
    auto& tab = runs.back().table;
    tab.rows.push_back(numbers_or_fail(r, t, tab.columns.size(), "thermo row"));
  }
  return runs;
}

std::vector<ChunkBlock> read_ave_chunk(const std::string& path) {
  LineReader r(path);
  std::string line;
  std::vector<std::string> header;
  std::string units;
  int comments = 0;
  std::vector<ChunkBlock> blocks;
  while (r.next(line)) {
    const std::string t = trim_left(line);
    if (t.empty()) continue;
    if (t[0] == '#') {
      // the md set-ups give the units line as the first header line (title1), in place of
      // LAMMPS's "# Chunk-averaged data for fix ..."; the third names the row columns
      if (blocks.empty()) read_units_line(t, units);
      if (++comments == 3) {
        header = split(t.substr(1));
        if (header.empty()) r.fail("empty column header");
      }
      continue;
    }
    if (header.empty()) r.fail("data before the three '#' header lines of a fix ave/chunk file");
    const auto head = numbers_or_fail(r, t, 3, "block header (timestep, chunks, total count)");
    ChunkBlock b;
    b.timestep = static_cast<long>(head[0]);
    b.total_count = head[2];
    b.table.columns = header;
    b.table.units = units;
    const auto nrows = static_cast<long>(head[1]);
    if (nrows < 1 || head[1] != std::floor(head[1]))
      r.fail(fmt::format("block header announces {} chunks", head[1]));
    for (long k = 0; k < nrows; ++k) {
      if (!r.next(line))
        r.fail_eof(fmt::format("block at timestep {} has {} of {} rows", b.timestep, k, nrows));
      b.table.rows.push_back(numbers_or_fail(r, line, header.size(), "chunk row"));
    }
    blocks.push_back(std::move(b));
  }
  if (blocks.empty()) throw IoError(fmt::format("{}: no data blocks", path));
  return blocks;
}

Table average_blocks(const std::vector<ChunkBlock>& blocks, std::size_t first,
                     const std::string& path) {
  if (first >= blocks.size())
    throw IoError(fmt::format("{}: cannot skip {} of {} blocks", path, first, blocks.size()));
  Table avg = blocks[first].table;
  for (std::size_t b = first + 1; b < blocks.size(); ++b) {
    const auto& rows = blocks[b].table.rows;
    if (rows.size() != avg.rows.size())
      throw IoError(fmt::format("{}: block at timestep {} has {} chunks, expected {}", path,
                                blocks[b].timestep, rows.size(), avg.rows.size()));
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (std::size_t j = 0; j < rows[i].size(); ++j) avg.rows[i][j] += rows[i][j];
  }
  const double n = static_cast<double>(blocks.size() - first);
  for (auto& row : avg.rows)
    for (auto& v : row) v /= n;
  return avg;
}

std::vector<DumpFrame> read_dump(const std::string& path) {
  LineReader r(path);
  std::string line;
  std::vector<DumpFrame> frames;
  auto expect_item = [&](const char* item) {
    if (!r.next(line)) r.fail_eof(fmt::format("expected 'ITEM: {}'", item));
    if (!starts_with(trim_left(line), std::string("ITEM: ") + item))
      r.fail(fmt::format("expected 'ITEM: {}', got '{}'", item, line));
  };
  auto value_line = [&](std::size_t n, const char* what) {
    if (!r.next(line)) r.fail_eof(what);
    std::vector<double> v;
    if (!parse_numbers(line, v) || v.size() < n)
      r.fail(fmt::format("{}: expected {} numbers, got '{}'", what, n, line));
    return v;
  };
  while (r.next(line)) {
    if (trim_left(line).empty()) continue;
    if (!starts_with(trim_left(line), "ITEM: TIMESTEP"))
      r.fail(fmt::format("expected 'ITEM: TIMESTEP', got '{}'", line));
    DumpFrame f;
    f.timestep = static_cast<long>(value_line(1, "timestep")[0]);
    expect_item("NUMBER OF ATOMS");
    const auto n = static_cast<long>(value_line(1, "number of atoms")[0]);
    expect_item("BOX BOUNDS");
    for (int d = 0; d < 3; ++d) {
      const auto b = value_line(2, "box bounds");
      f.lo[d] = b[0];
      f.hi[d] = b[1];
    }
    expect_item("ATOMS");
    f.atoms.columns = split(trim_left(line).substr(std::string("ITEM: ATOMS").size()));
    if (f.atoms.columns.empty()) r.fail("'ITEM: ATOMS' names no columns");
    for (long k = 0; k < n; ++k) {
      if (!r.next(line))
        r.fail_eof(fmt::format("frame at timestep {} has {} of {} atoms", f.timestep, k, n));
      f.atoms.rows.push_back(numbers_or_fail(r, line, f.atoms.columns.size(), "atom line"));
    }
    frames.push_back(std::move(f));
  }
  if (frames.empty()) throw IoError(fmt::format("{}: no frames", path));
  return frames;
}

std::string units_comment(const std::string& unit_system_name) {
  return fmt::format("# {} {}", kUnitsTag, unit_system_name);
}

std::string units_line(const std::string& unit_system_name) {
  return units_comment(unit_system_name) + "\n";
}

Table read_columns(const std::string& path) {
  LineReader r(path);
  std::string line;
  Table t;
  while (r.next(line)) {
    const std::string s = trim_left(line);
    if (s.empty()) continue;
    if (s[0] == '#') {
      if (!t.rows.empty() || read_units_line(s, t.units)) continue;
      t.columns = split(s.substr(1));
      continue;
    }
    if (t.columns.empty()) r.fail("data before a '# name name ...' column header");
    t.rows.push_back(numbers_or_fail(r, s, t.columns.size(), "data row"));
    t.lines.push_back(r.line());
  }
  if (t.rows.empty()) throw IoError(fmt::format("{}: no data rows", path));
  return t;
}

}  // namespace td::md
