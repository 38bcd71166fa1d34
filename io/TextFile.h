#pragma once
/// @file TextFile.h  Small text files written so that they appear complete or not at all.
#include <string>

namespace td {

/// Write @p text to `<path>.partial`, check every write and the close, then rename it to
/// @p path. Throws IoError naming the file (missing directory, disk full, not writable).
void write_text_file(const std::string& path, const std::string& text);

/// Create `<path>.partial` empty and exclusively (O_EXCL), before anything is written: a
/// second run on the same output is refused instead of truncating the first one's file.
/// Throws IoError naming the file; when it exists, the message says that another run is
/// writing it or a stopped run left it, and @p way_out (default: remove it) how to go on.
void claim_partial(const std::string& path, const std::string& way_out = "");

/// Rename `<path>.partial` to @p path. Throws IoError naming both if it fails.
void commit_partial(const std::string& path);

}  // namespace td
