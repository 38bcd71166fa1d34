/// @file ShortTimeMsd.cpp  MSD on log-spaced lags over consecutive time origins (ShortTimeMsd.h).
#include "md/ShortTimeMsd.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/Error.h"

namespace td::md {

std::vector<long> log_lag_steps(long max_steps, int per_decade, const std::vector<long>& extra) {
  if (max_steps < 1 || per_decade < 1)
    throw Error(fmt::format("log_lag_steps: max_steps = {} and per_decade = {} must be >= 1",
                            max_steps, per_decade));
  std::vector<long> lags;
  const double decades = std::log10(static_cast<double>(max_steps));
  const long n = static_cast<long>(std::floor(decades * per_decade + 1e-9));
  for (long k = 0; k <= n; ++k)
    lags.push_back(std::lround(std::pow(10.0, static_cast<double>(k) / per_decade)));
  lags.push_back(max_steps);
  for (long e : extra) {
    if (e < 1 || e > max_steps)
      throw Error(fmt::format("log_lag_steps: lag of {} steps outside [1, {}]", e, max_steps));
    lags.push_back(e);
  }
  std::sort(lags.begin(), lags.end());
  lags.erase(std::unique(lags.begin(), lags.end()), lags.end());
  return lags;
}

MeanErr mean_over_origins(const std::vector<std::vector<double>>& per_origin) {
  MeanErr r;
  if (per_origin.empty()) return r;
  const std::size_t nlag = per_origin.front().size();
  const double n = static_cast<double>(per_origin.size());
  r.mean.assign(nlag, 0.0);
  r.err.assign(nlag, 0.0);
  for (std::size_t l = 0; l < nlag; ++l) {
    for (const auto& o : per_origin) r.mean[l] += o[l] / n;
    if (per_origin.size() < 2) continue;
    double var = 0.0;
    for (const auto& o : per_origin) var += (o[l] - r.mean[l]) * (o[l] - r.mean[l]);
    r.err[l] = std::sqrt(var / (n - 1.0) / n);
  }
  return r;
}

MsdLags sample_msd_lags(Lammps& lmp, const std::vector<std::string>& groups,
                        const std::vector<long>& lag_steps, long origins) {
  MsdLags out{groups, lag_steps, {}};
  out.values.assign(groups.size(),
                    std::vector<std::vector<double>>(static_cast<std::size_t>(origins),
                                                     std::vector<double>(lag_steps.size(), 0.0)));
  for (long o = 0; o < origins; ++o) {
    // a fresh compute per origin: LAMMPS stores the reference positions when it is defined
    for (std::size_t g = 0; g < groups.size(); ++g)
      lmp.command(fmt::format("compute td_msdlag{} {} msd com no", g, groups[g]));
    long at = 0;
    for (std::size_t l = 0; l < lag_steps.size(); ++l) {
      // the first run after new computes needs LAMMPS's set-up (pre yes) to initialise them
      lmp.command(fmt::format("run {} pre {} post no", lag_steps[l] - at, l == 0 ? "yes" : "no"));
      at = lag_steps[l];
      for (std::size_t g = 0; g < groups.size(); ++g)
        out.values[g][static_cast<std::size_t>(o)][l] =
            lmp.compute_vector(fmt::format("td_msdlag{}", g), 3);
    }
    for (std::size_t g = 0; g < groups.size(); ++g)
      lmp.command(fmt::format("uncompute td_msdlag{}", g));
  }
  return out;
}

}  // namespace td::md
