#pragma once
/// @file CsvFile.h  A text table written as `<path>.partial` and renamed to `<path>` on
/// commit(), so that a failed run never leaves a file under the final name. The header is the
/// resolved configuration as `#` comment lines.
#include <fstream>
#include <string>

namespace td {

class CsvFile {
 public:
  /// Open `<path>.partial` and write @p title and @p config (TOML text) as comment lines.
  /// Throws IoError if it cannot be written.
  CsvFile(const std::string& path, const std::string& title, const std::string& config);
  /// Removes the .partial file unless committed.
  ~CsvFile();
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  std::ofstream& stream() { return out_; }
  /// Close and rename to the final name. Throws IoError on failure.
  void commit();

 private:
  std::string path_, tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace td
