#pragma once
/// @file Grading.h  Node-placement laws of a mesh axis, selected by `grading = "..."` in an
/// axis table ([mesh.x]) and registered by name.
#include <memory>
#include <vector>

#include "core/Factory.h"
#include "core/Input.h"
#include "mesh/Mesh.h"

namespace td {

/// A law that places the nodes of one axis; it reads its own parameters from the axis table.
class GradingLaw {
 public:
  virtual ~GradingLaw() = default;
  /// Node coordinates (length unit of the case), strictly increasing.
  virtual std::vector<double> nodes(InputSection& axis) = 0;
};

using GradingFactory = Factory<GradingLaw>;

/// Read an axis table: `grading` (default "uniform"), `periodic`, and the law's keys.
Axis make_axis(InputSection& axis);

}  // namespace td
