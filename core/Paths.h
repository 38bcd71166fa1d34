#pragma once
/// @file Paths.h  Where the program finds its shared files (material presets, plotting
/// scripts): installed under <prefix>/share/thermodrift, or in the source tree of a build.
#include <string>

namespace td {

/// Directory of the data files (it holds materials/): $THERMODRIFT_DATA when set; else
/// <prefix>/share/thermodrift/data of the installation this library belongs to; else the
/// source tree's data/.
std::string data_dir();

/// Path of plotting script @p name (e.g. "plot_soret.py"): <prefix>/share/thermodrift/scripts
/// of the installation, else the source tree's validation/.
std::string script_path(const std::string& name);

}  // namespace td
