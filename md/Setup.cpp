#include "md/Setup.h"

#include <fmt/format.h>

#include "core/Error.h"
#include "io/TextFile.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kType{"type", T::String,   "", K::dimensionless,      Range::any(),
                      {},     "MD set-up", {}, &MdSetupFactory::names};
const MdSetupFactory::Family kMdKeys(
    "md", kType, "md",
    "A parameterised LAMMPS set-up run in-process by `thermodrift md`; the whole table is "
    "checked before LAMMPS starts. The slab set-ups run in LJ units (`[units] system = "
    "\"LJ\"`); the liquid ones in the units of their system source ([md.system]).");
const ParamSpec kCutoff{"cutoff",
                        T::Real,
                        "2.5",
                        K::length,
                        Range::closed(1.2, 5.0),
                        {},
                        "LJ cut-off (potential shifted)"};
}  // namespace

std::unique_ptr<MdSetup> make_md_setup(InputSection& s) {
  auto setup = MdSetupFactory::find(s.string(kType))->create(s);
  s.finish();
  return setup;
}

const ParamSpec& lj_cutoff_spec() { return kCutoff; }

SubComm::SubComm(MPI_Comm comm, int color) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_split(comm, color, rank, &c_);
}

SubComm::~SubComm() {
  if (c_ != MPI_COMM_NULL) MPI_Comm_free(&c_);
}

void on_rank0(MPI_Comm comm, const std::function<void()>& f) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string err;
  if (rank == 0) {
    try {
      f();
    } catch (const Error& e) {
      err = e.what();
    }
  }
  long n = static_cast<long>(err.size());
  MPI_Bcast(&n, 1, MPI_LONG, 0, comm);
  err.resize(static_cast<std::size_t>(n));
  if (n > 0) MPI_Bcast(err.data(), static_cast<int>(n), MPI_CHAR, 0, comm);
  if (!err.empty()) throw IoError(err);
}

void commit_outputs(MPI_Comm comm, const std::vector<std::string>& files) {
  MPI_Barrier(comm);
  on_rank0(comm, [&] {
    for (const auto& f : files) commit_partial(f);
  });
}

}  // namespace td::md
