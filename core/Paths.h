#pragma once
/// @file Paths.h  Where the program finds its shared files (material presets, plotting
/// scripts), and the one path convention of every subcommand:
///  - a file an input names (data table, parameter file, lattice file, MD data file) is
///    relative to the directory of that input file (input_path);
///  - the output is `-o` when given, else the input's output key (`[output] file`, or
///    `[output] prefix` for `thermodrift md`), else derived from the input's name; a relative
///    output is relative to the current directory (output_path).
#include <mpi.h>

#include <string>
#include <vector>

#include "core/Input.h"

namespace td {

/// Directory of the data files (it holds materials/): $THERMODRIFT_DATA when set; else
/// <prefix>/share/thermodrift/data of the installation this library belongs to; else the
/// source tree's data/.
std::string data_dir();

/// Path of plotting script @p name (e.g. "plot_soret.py"): <prefix>/share/thermodrift/scripts
/// of the installation, else the source tree's validation/.
std::string script_path(const std::string& name);

/// A file named by an input: @p path unchanged when absolute or empty, else relative to the
/// directory of the input file that @p s belongs to.
std::string input_path(const InputSection& s, const std::string& path);

/// Note @p path as a file this process reads as input (the input file itself, every file it
/// names): no output of the process may replace it (input_file_named). parse_file and
/// input_path note theirs.
void note_input_file(const std::string& path);
/// The noted input file (note_input_file) that @p path names, the same file through another
/// name included; "" if it names none.
std::string input_file_named(const std::string& path);
/// Collective. One line per file of @p files (InputSection::data_files): its path, size and
/// a 64-bit hash of its bytes, as rank 0 reads them, on every rank of @p comm (ranks that saw
/// different bytes would decide differently). Equal for equal contents; a result file keeps
/// it so that a restart can refuse data files that changed since (the input's text alone
/// does not show it).
std::string data_fingerprint(MPI_Comm comm, const std::vector<std::string>& files);

/// The output of a subcommand: @p cli (the `-o` value) when not empty; else the value of
/// @p key (a string key with default "", read from @p output, the input's [output] table);
/// else the input file's name without directory and extension followed by @p suffix
/// (".h5", "_" for a prefix). Relative results are relative to the current directory.
/// Throws InputError (at -o or the key) for a name that cannot be this run's output
/// (output_name_problem).
std::string output_path(InputSection& output, const ParamSpec& key, const std::string& cli,
                        const std::string& suffix);

/// Why @p path cannot be a file output of this run, or "": a name longer than the file system
/// allows, an existing directory or a name in a directory that does not exist (the run would
/// fail at its end, after the work), or a file the run reads (input_file_named: it would be
/// overwritten).
std::string output_name_problem(const std::string& path);
/// output_name_problem without the length check, for a file written beside an output whose
/// own check counted the suffix (the longest a run appends, `.partial.xmf.tmp`).
std::string output_conflict(const std::string& path);
/// Check @p path, the name of a second output file of the run (column's profile, fit's
/// report), as output_path checks the first (output_name_problem), and that it is not
/// @p first, the first output's name, under any name. Throws InputError at key @p key of
/// @p output: "[the default ]<what> name <path> is not usable: <why>" (@p derived: the name
/// was made from the first's), where a clash says "it is <first_what>'s name too".
void check_second_output(InputSection& output, const std::string& key, const std::string& path,
                         bool derived, const std::string& what, const std::string& first,
                         const std::string& first_what);
/// The help text of the convention above, for `--help` footers.
inline constexpr const char* kPathConvention =
    "Paths: files the input names (data tables, parameter and lattice files, MD data) are "
    "relative to the input file's directory; the output is -o if given, else the input's "
    "[output] key, else derived from the input's name, and a relative output is relative to "
    "the current directory.";

}  // namespace td
