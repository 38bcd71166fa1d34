#include "md/Setup.h"

#include <fmt/format.h>

#include "core/Broadcast.h"
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
    "\"LJ\"`; their system source may be in real or metal units); the liquid ones in the units "
    "of their system source ([md.system]).");
}  // namespace

std::unique_ptr<MdSetup> make_md_setup(InputSection& s) {
  auto setup = MdSetupFactory::find(s.string(kType))->create(s);
  s.finish();
  return setup;
}

std::vector<std::string> with_lammps_records(const std::string& p, std::vector<std::string> files) {
  for (auto& f : lammps_records(p)) files.push_back(std::move(f));
  return files;
}

std::string temperature_prefix(const std::string& prefix, double T) {
  return fmt::format("{}T{:g}_", prefix, T);
}

SubComm::SubComm(MPI_Comm comm, int color) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_split(comm, color, rank, &c_);
}

SubComm::~SubComm() {
  if (c_ != MPI_COMM_NULL) MPI_Comm_free(&c_);
}

void claim_outputs(MPI_Comm comm, const std::vector<std::string>& files) {
  write_on_rank0(comm, [&] {
    for (const auto& f : files) claim_partial(f);
  });
}

void commit_outputs(MPI_Comm comm, const std::vector<std::string>& files) {
  MPI_Barrier(comm);
  write_on_rank0(comm, [&] {
    for (const auto& f : files) commit_partial(f);
  });
}

void write_on_rank0(MPI_Comm comm, const std::function<void()>& write) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string err;
  if (rank == 0) {
    try {
      write();
    } catch (const Error& e) {
      err = e.what();
    }
  }
  err = broadcast_string(comm, err);
  if (!err.empty()) throw IoError(err);
}

}  // namespace td::md
