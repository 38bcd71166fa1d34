#pragma once
/// @file Error.h  The one exception tree of thermodrift.
///
/// Error                      base; what() is the full user-facing message
///  +- InputError             bad input: names file, line and key (Cantera's InputFileError)
///  +- SolverError            a solver failed: says what (residual, step, time)
///  +- IoError                a file could not be read or written
///  +- InternalError          a broken program invariant (a bug, not bad input)
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace td {

/// Base of every exception thrown by thermodrift.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& msg) : std::runtime_error(msg) {}
};

/// Where in an input a value came from (file may be "<command line>" or "<string>").
struct SourceLocation {
  std::string file;  ///< input file name
  int line = 0;      ///< 1-based line, 0 if unknown
  std::string key;   ///< dotted key path, e.g. "species.solute.diffusivity.D0"
};

/// Bad input. The message always names file, line and key.
class InputError : public Error {
 public:
  InputError(const SourceLocation& loc, const std::string& msg)
      : Error(format(loc, msg)), loc_(loc), bare_(msg) {}
  const SourceLocation& location() const { return loc_; }
  /// The message without the location prefix.
  const std::string& bare() const { return bare_; }

  static std::string format(const SourceLocation& loc, const std::string& msg) {
    std::string where = loc.file.empty() ? std::string("<input>") : loc.file;
    if (loc.line > 0) where += fmt::format(":{}", loc.line);
    if (!loc.key.empty()) return fmt::format("{}: key '{}': {}", where, loc.key, msg);
    return fmt::format("{}: {}", where, msg);
  }

 private:
  SourceLocation loc_;
  std::string bare_;
};

/// A numerical solver failed; the message says which solver, where and why.
class SolverError : public Error {
 public:
  using Error::Error;
};

/// A file could not be opened, read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

/// A program invariant failed (e.g. a key read without a declaration): a bug to report.
class InternalError : public Error {
 public:
  explicit InternalError(const std::string& msg) : Error("internal error: " + msg) {}
};

}  // namespace td
