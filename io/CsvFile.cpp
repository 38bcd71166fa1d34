#include "io/CsvFile.h"

#include <fmt/format.h>

#include <filesystem>
#include <sstream>

#include "core/Error.h"
#include "io/TextFile.h"

namespace td {

CsvFile::CsvFile(const std::string& path, const std::string& title, const std::string& config)
    : path_(path), tmp_(path + ".partial") {
  claim_partial(path);
  out_.open(tmp_);
  if (!out_) {
    std::error_code ec;
    std::filesystem::remove(tmp_, ec);
    forget_partial(path_);
    throw IoError(fmt::format("cannot write '{}'", tmp_));
  }
  out_ << "# " << title << "\n";
  std::istringstream is(config);
  for (std::string line; std::getline(is, line);) out_ << "# " << line << "\n";
}

CsvFile::~CsvFile() {
  if (committed_) return;
  std::error_code ec;
  std::filesystem::remove(tmp_, ec);
  forget_partial(path_);
}

void CsvFile::commit() {
  out_.close();
  if (!out_) throw IoError(fmt::format("error while writing '{}'", tmp_));
  commit_partial(path_);
  committed_ = true;
}

}  // namespace td
