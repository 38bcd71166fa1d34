#pragma once
/// @file H5Table.h  Serial HDF5 file of named datasets, for results that are not fields on a
/// mesh (walker statistics, histograms, trajectories, tensors). Written by one rank.
///
/// Layout: root attrs version, git, units_system; /config (resolved TOML); one dataset per
/// name (groups created from '/' in names), each with a "units" attribute. The file is
/// written as `<path>.partial` and renamed by commit(): no half-written file under the name.
#include <memory>
#include <string>
#include <vector>

namespace td {

class H5Table {
 public:
  H5Table(const std::string& path, const std::string& config_toml,
          const std::string& units_system);
  /// Removes the .partial file unless committed.
  ~H5Table();
  H5Table(const H5Table&) = delete;
  H5Table& operator=(const H5Table&) = delete;

  /// Dataset @p name of shape @p shape (row-major; product must equal data.size()).
  void write(const std::string& name, const std::vector<double>& data,
             const std::vector<unsigned long long>& shape, const std::string& unit);
  void write(const std::string& name, const std::vector<long long>& data,
             const std::vector<unsigned long long>& shape, const std::string& unit);
  /// Scalar attribute on the root group.
  void attribute(const std::string& name, double value);
  void commit();

 private:
  /// Create the partial file and write the root attributes and /config.
  void write_header(const std::string& config_toml, const std::string& units_system);
  void write_raw(const std::string& name, const void* data, long type,
                 const std::vector<unsigned long long>& shape, std::size_t n, const std::string& unit);
  /// Remove the partial file without closing it (after a failure) and stop tracking it.
  void abandon();
  struct File;
  std::string path_, partial_;
  std::unique_ptr<File> file_;
  bool committed_ = false;
};

}  // namespace td
