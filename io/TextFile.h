#pragma once
/// @file TextFile.h  Small text files written so that they appear complete or not at all.
#include <string>
#include <vector>

namespace td {

/// Write @p text to `<path>.partial`, check every write and the close, then rename it to
/// @p path. Throws IoError naming the file (missing directory, disk full, not writable).
void write_text_file(const std::string& path, const std::string& text);

/// The first half of write_text_file: write @p text to `<path>.partial` (claimed as
/// claim_partial does), checking every write and the close, and leave it there for
/// commit_partial (or discard_partial). For outputs that appear together or not at all: write
/// every `.partial`, then commit them. Throws IoError naming the file; nothing is left then.
void write_text_partial(const std::string& path, const std::string& text);

/// Remove `<path>.partial` (if there is one) and stop tracking it (forget_partial): an output
/// written by write_text_partial that is not to be committed.
void discard_partial(const std::string& path);

/// Create `<path>.partial` empty and exclusively (O_EXCL), before anything is written: a
/// second run on the same output is refused instead of truncating the first one's file.
/// Throws IoError naming the file; when it exists, the message says that another run is
/// writing it or a stopped run left it, and @p way_out (default: remove it) how to go on.
void claim_partial(const std::string& path, const std::string& way_out = "");

/// claim_partial, returning the claimed file's open (write-only) descriptor for the caller
/// to keep, e.g. to lock it while it writes (io/H5Output.cpp), and to close.
int claim_partial_fd(const std::string& path, const std::string& way_out = "");

/// Sync @p file to disk (fsync). Throws IoError naming it and the system's reason if that
/// fails.
void sync_file(const std::string& file);

/// Sync the directory that holds @p file to disk, so that a rename into it (or the file's
/// creation) survives a crash of the machine: the rename changes the directory, which the
/// file's own sync does not write. A file system that cannot sync a directory (EINVAL) is
/// let be. Throws IoError naming the file, the directory and the system's reason.
void sync_directory(const std::string& file);

/// Sync the directories of @p files to disk (sync_directory), each once.
void sync_directories(const std::vector<std::string>& files);

/// Sync `<path>.partial` to disk and rename it to @p path. Throws IoError naming the file if
/// either fails. The sync comes first so that a crash of the machine after the rename cannot
/// leave an empty or partly written file under the final name (file systems may write the
/// rename before the data). The directory is synced after the rename (sync_directory).
void commit_partial(const std::string& path);

/// commit_partial for outputs that appear together: sync every `<path>.partial` of @p paths
/// to disk, then rename them in order, then sync their directories. A failed sync of a file
/// renames none.
void commit_partials(const std::vector<std::string>& paths);

/// Rename `<path>.partial` to @p path and stop tracking it, without a sync (commit_partial
/// syncs first). Throws IoError naming the file if it fails.
void rename_partial(const std::string& path);

/// Stop tracking `<path>.partial` for removal on SIGINT/SIGTERM: call once the writer has
/// renamed or removed it (commit_partial and the writers of io/ do).
///
/// Why the tracking: a claimed `.partial` left behind by a run that a signal stopped blocks
/// the next run on that output (claim_partial refuses it). The first claim registers their
/// removal with core/SignalCleanup.h: where the process still has the default action for
/// SIGINT and SIGTERM (fv/Run.cpp installs its own while a transient run checkpoints), the
/// handler removes the tracked files, says so on stderr, and ends the process with the
/// signal's default action.
void forget_partial(const std::string& path);

}  // namespace td
