#include "core/Limits.h"

#include <fmt/format.h>
#include <unistd.h>

#include <climits>
#include <cmath>

namespace td::limits {

namespace {

/// A scan of TOML text that skips strings and comments and reports the structure the parser
/// will recurse into.
class TomlScan {
 public:
  TomlScan(std::string_view text, const std::string& name) : t_(text), name_(name) {}

  void run() {
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '\n') {
        end_token();
        new_line();
        ++i_;
      } else if (c == '#') {
        while (i_ < t_.size() && t_[i_] != '\n') ++i_;
      } else if (c == '"' || c == '\'') {
        skip_string(c);
      } else if (c == '[' || c == '{') {
        end_token();
        if (++depth_ > kMaxNesting)
          fail(fmt::format("arrays and inline tables nested deeper than {} levels", kMaxNesting));
        ++i_;
      } else if (c == ']' || c == '}') {
        end_token();
        if (depth_ > 0) --depth_;
        ++i_;
      } else if (c == ',' || c == '=') {
        end_token();
        ++i_;
      } else {
        if (c == '.' && ++dots_ >= kMaxKeyParts)
          fail(fmt::format("a dotted key with more than {} parts", kMaxKeyParts));
        ++i_;
      }
      if (i_ - line_start_ > kMaxLineLength)
        fail(fmt::format("line longer than {} characters (write long arrays one entry per line)",
                         kMaxLineLength));
    }
  }

 private:
  [[noreturn]] void fail(const std::string& msg) const {
    throw InputError({name_, line_, ""}, msg + " (input limits: core/Limits.h)");
  }
  void new_line() {
    ++line_;
    line_start_ = i_ + 1;
  }
  void end_token() { dots_ = 0; }
  // Skip a basic ("...", """...""") or literal ('...', '''...''') string starting at i_.
  void skip_string(char q) {
    const bool multi = t_.compare(i_, 3, std::string(3, q)) == 0;
    i_ += multi ? 3 : 1;
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '\\' && q == '"') {
        i_ += 2;
        continue;
      }
      if (c == '\n') {
        if (!multi) return;  // unterminated: the parser reports it
        new_line();
        ++i_;
        continue;
      }
      if (c == q && (!multi || t_.compare(i_, 3, std::string(3, q)) == 0)) {
        i_ += multi ? 3 : 1;
        return;
      }
      if (i_ - line_start_ > kMaxLineLength)
        fail(fmt::format("line longer than {} characters", kMaxLineLength));
      ++i_;
    }
  }

  std::string_view t_;
  const std::string& name_;
  std::size_t i_ = 0, line_start_ = 0;
  int line_ = 1, depth_ = 0, dots_ = 0;
};

}  // namespace

void check_input_size(std::size_t bytes, const std::string& name) {
  if (bytes > kMaxInputBytes)
    throw InputError({name, 0, ""}, fmt::format("input file of {} bytes exceeds the limit of {} "
                                                "bytes (input limits: core/Limits.h)",
                                                bytes, kMaxInputBytes));
}

void check_input_text(std::string_view text, const std::string& name) {
  check_input_size(text.size(), name);
  TomlScan(text, name).run();
}

double memory_budget() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  // Unknown physical memory: assume 4 GiB.
  const double phys = pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page)
                                            : 4.0 * (1 << 30);
  return kMemoryFraction * phys;
}

void check_memory(const SourceLocation& loc, double count, double bytes_each,
                  const std::string& what) {
  const double need = count * bytes_each, budget = memory_budget();
  if (!(need <= budget))
    throw InputError(loc, fmt::format("{:g} {} need about {:.3g} GB, more than the {:.3g} GB "
                                      "allowed ({:g} of the physical memory)",
                                      count, what, need / 1e9, budget / 1e9, kMemoryFraction));
}

void check_steps(const SourceLocation& loc, double steps, const std::string& how, double limit) {
  if (!(steps <= limit))
    throw InputError(loc, fmt::format("the run would take {} = {:.3g} steps, more than the limit "
                                      "of {:g} (core/Limits.h); it could not finish",
                                      how, steps, limit));
}

int to_int(const SourceLocation& loc, long count, const std::string& what) {
  if (count > INT_MAX || count < INT_MIN)
    throw InputError(loc, fmt::format("{} = {} does not fit into a 32-bit integer (at most {})",
                                      what, count, INT_MAX));
  return static_cast<int>(count);
}

}  // namespace td::limits
