#include "md/Setup.h"

#include <fmt/format.h>

#include <exception>
#include <utility>

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

namespace {
/// The ClaimedOutputs alive in this process, newest first, linked through next_. A plain
/// pointer, constant-initialised and without a destructor, so that the exit handler of a
/// LAMMPS error (at_lammps_exit) finds it intact whatever the order of destructions at exit.
ClaimedOutputs* g_alive = nullptr;
}  // namespace

ClaimedOutputs::ClaimedOutputs(MPI_Comm comm, std::vector<std::string> files)
    : comm_(comm), files_(std::move(files)) {
  // a LAMMPS error ends the process without unwinding: no destructor would remove the files
  at_lammps_exit(discard_all);
  write_on_rank0(comm_, [&] {
    try {
      for (; claimed_ < files_.size(); ++claimed_) claim_partial(files_[claimed_]);
    } catch (const Error&) {
      // a later claim failed (a stale file): the earlier ones would block the next run
      discard_uncommitted();
      throw;
    }
  });
  next_ = g_alive;
  g_alive = this;
}

ClaimedOutputs::~ClaimedOutputs() {
  discard_uncommitted();
  for (ClaimedOutputs** link = &g_alive; *link; link = &(*link)->next_)
    if (*link == this) {
      *link = next_;
      break;
    }
}

void ClaimedOutputs::commit() {
  MPI_Barrier(comm_);
  write_on_rank0(comm_, [&] {
    // every file synced before the first rename (commit_partials)
    for (std::size_t i = committed_; i < claimed_; ++i) sync_file(files_[i] + ".partial");
    const std::vector<std::string> renamed(files_.begin() + static_cast<std::ptrdiff_t>(committed_),
                                           files_.begin() + static_cast<std::ptrdiff_t>(claimed_));
    for (; committed_ < claimed_; ++committed_) rename_partial(files_[committed_]);
    sync_directories(renamed);
  });
}

void ClaimedOutputs::discard_all() {
  for (ClaimedOutputs* c = g_alive; c; c = c->next_) c->discard_uncommitted();
}

void ClaimedOutputs::discard_uncommitted() noexcept {
  // only removal, and on rank 0 alone: no collective, as ranks may unwind separately
  try {
    for (; committed_ < claimed_; --claimed_) discard_partial(files_[claimed_ - 1]);
  } catch (const std::exception&) {
    // only an allocation can fail here: the file stays, for the user to remove
  }
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
