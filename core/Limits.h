#pragma once
/// @file Limits.h  Bounds on what an input may ask for, checked before the work is done:
/// the size and shape of an input file before it is parsed, the memory of an allocation
/// before it is made, and the number of steps of a run before it starts.
///
/// Why: toml11 parses nested arrays and tables recursively (10,000 levels overflow the
/// stack), and its time grows with the square of a line's length; counts taken from an input
/// (cells, walkers, samples, steps) multiply into allocations and loops that would exhaust the
/// memory or never end. Each limit fails with an InputError naming file, line and key.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/Error.h"

namespace td::limits {

/// Largest input file (bytes). Inputs are short (data go into table files), and toml11 needs
/// seconds for a few hundred kilobytes of keys or array entries.
inline constexpr std::size_t kMaxInputBytes = std::size_t{256} << 10;
/// Longest line of an input (characters): toml11's parse time grows with the square of the
/// line length (a 10,000-entry array on one line takes seconds); long arrays can be written
/// one entry per line.
inline constexpr std::size_t kMaxLineLength = 8192;
/// Deepest nesting of arrays and inline tables in an input.
inline constexpr int kMaxNesting = 32;
/// Most parts of one dotted key or table header ("a.b.c" has 3).
inline constexpr int kMaxKeyParts = 32;
/// Most steps of a time-stepping loop (Brownian dynamics steps, KMC sample intervals, ...):
/// a run that needs more cannot finish; 1e10 steps are days of computing.
inline constexpr double kMaxSteps = 1e10;
/// Most elementary updates of a whole stochastic run (walkers x steps).
inline constexpr double kMaxWork = 1e13;
/// Fraction of the physical memory one estimated allocation may take.
inline constexpr double kMemoryFraction = 0.5;

/// Throw InputError if an input file @p name of @p bytes bytes exceeds kMaxInputBytes.
void check_input_size(std::size_t bytes, const std::string& name);

/// Check @p text, the contents of input file @p name, before it is parsed: size, line length,
/// nesting depth of brackets and braces, and parts of dotted keys, outside strings and
/// comments. Throws InputError naming the file and line of the first violation.
void check_input_text(std::string_view text, const std::string& name);

/// Bytes an estimated allocation may take: kMemoryFraction of the physical memory.
double memory_budget();

/// Throw InputError at @p loc if @p count items of @p bytes_each bytes exceed
/// memory_budget(); @p what names the items in the message ("cells", "walkers").
void check_memory(const SourceLocation& loc, double count, double bytes_each,
                  const std::string& what);

/// Throw InputError at @p loc if a run needs more than @p limit steps (kMaxSteps for the
/// steps of one loop, kMaxWork for elementary updates of a whole run); @p how says how the
/// count follows from the input ("t_end / dt"). NaN or infinite counts fail too.
void check_steps(const SourceLocation& loc, double steps, const std::string& how,
                 double limit = kMaxSteps);

/// Throw InputError at @p loc if @p count (an integer count from an input) does not fit into
/// an int (for arrays indexed by int and PETSc sizes); @p what names the count.
int to_int(const SourceLocation& loc, long count, const std::string& what);

}  // namespace td::limits
