#pragma once
/// @file TextFile.h  Small text files written so that they appear complete or not at all.
#include <string>

namespace td {

/// Write @p text to `<path>.partial`, check every write and the close, then rename it to
/// @p path. Throws IoError naming the file (missing directory, disk full, not writable).
void write_text_file(const std::string& path, const std::string& text);

/// Rename `<path>.partial` to @p path. Throws IoError naming both if it fails.
void commit_partial(const std::string& path);

}  // namespace td
