#pragma once
/// @file Readers.h  Readers for existing LAMMPS output: log-file thermo tables, fix ave/chunk
/// profile files and text dump files. Malformed or truncated input throws td::IoError naming
/// the file and the 1-based line.
#include <map>
#include <string>
#include <vector>

namespace td::md {

/// A numeric table with named columns (row-major).
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
  std::vector<int> lines;  ///< 1-based file line of each row (read_columns; else empty)
  /// The unit system the file states in a `# units: NAME` line before its data (NAME as
  /// units::UnitSystem::name(), e.g. "SI", "LJ(argon)", or for LAMMPS numbers
  /// LammpsUnits::units_name(); read_columns, read_ave_chunk), or "" if none.
  std::string units;
  /// Index of column @p name; throws td::IoError (naming @p what) if absent.
  std::size_t column(const std::string& name, const std::string& what = "table") const;
  /// All values of column @p name.
  std::vector<double> col(const std::string& name) const;
};

/// One `run`/`minimize` thermo table of a LAMMPS log.
struct ThermoRun {
  Table table;
  int first_line = 0;     ///< line of the header ("Step ...")
  bool complete = false;  ///< the table was closed by "Loop time of ..."
};

/// All thermo tables of a LAMMPS log file (one per run), in order. Only the multi-column
/// ("thermo_style one/custom") format is read. A row with the wrong number of fields or a
/// non-number is an error (file:line); a log that ends inside a run (still running) gives a
/// last table with complete == false.
std::vector<ThermoRun> read_log_thermo(const std::string& path);

/// One time block of a fix ave/chunk file.
struct ChunkBlock {
  long timestep = 0;
  double total_count = 0.0;
  Table table;  ///< columns as in the file's third header line ("Chunk Coord1 Ncount ...")
};

/// All blocks of a fix ave/chunk output file. A `# units: NAME` line among the three header
/// lines (the md set-ups write it as LAMMPS's title1, chunk_units_title) gives each block's
/// Table::units; a file without one is read as before, with Table::units empty. A block with
/// fewer rows than its header announces (truncated file) or rows of the wrong width is an
/// error (file:line).
std::vector<ChunkBlock> read_ave_chunk(const std::string& path);

/// Row-wise average of the blocks [first, end) of a chunk file (same chunk layout required).
Table average_blocks(const std::vector<ChunkBlock>& blocks, std::size_t first,
                     const std::string& path = "chunk file");

/// One frame of a LAMMPS text dump ("dump atom" or "dump custom").
struct DumpFrame {
  long timestep = 0;
  double lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
  Table atoms;  ///< columns from "ITEM: ATOMS id type x y z ..."
};

/// All frames of a text dump file; a frame with fewer atom lines than announced is an error.
std::vector<DumpFrame> read_dump(const std::string& path);

/// A whitespace-separated numeric text file whose last '#' line before the data names the
/// columns ("# T D D_err"), as the md set-ups write them; a `# units: NAME` line before it
/// gives Table::units. Wrong row widths: file:line.
Table read_columns(const std::string& path);

/// The line that states the unit system of a column file (read_columns), ending in '\n'.
std::string units_line(const std::string& unit_system_name);
/// units_line without its '\n': a LAMMPS header line (fix ave/chunk title1, chunk_units_title).
std::string units_comment(const std::string& unit_system_name);

}  // namespace td::md
