#pragma once
/// @file ColumnCase.h  What a column run reads beyond the model (models/Column.h): the
/// numerical settings of the DAE ([numerics]) and an optional parameter sweep ([sweep]).
#include <string>
#include <vector>

#include "core/Input.h"
#include "models/Column.h"

namespace td {

/// Numerical settings of the column DAE.
struct ColumnNumerics {
  int cells = 40;       ///< finite-volume cells along the surface
  double rtol = 1e-8;   ///< IDA relative tolerance
  double atol = 1e-12;  ///< IDA absolute tolerance on the scaled unknowns
  double t_end = 0.0;   ///< end time (s); 0: 50 L^2 / D_s(T_min)
  int outputs = 60;     ///< log-spaced output times of the history
};

/// Read [numerics] (optional table).
ColumnNumerics read_column_numerics(InputSection& root);

/// A parameter sweep of the column model ([sweep] table, optional).
struct ColumnSweep {
  std::string parameter;       ///< "length", "diameter", "delta_T", "T_hot"; empty: no sweep
  std::vector<double> values;  ///< SI (m or K)
};

/// Read [sweep] (optional): `parameter` and `values` (in the unit kind of the parameter);
/// each value is checked against the base case @p p.
ColumnSweep read_column_sweep(InputSection& root, const ColumnParams& p);
/// @p p with the swept @p parameter set to @p value (delta_T keeps T_hot, moves T_cold).
/// Throws td::Error if the value makes the column invalid (T_cold <= 0).
ColumnParams with_sweep_value(const ColumnParams& p, const std::string& parameter, double value);

}  // namespace td
