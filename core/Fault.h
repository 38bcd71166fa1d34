#pragma once
/// @file Fault.h  Named fault-injection points for the failure tests (one-rank errors, kills
/// during checkpoint writes). Inert unless the environment variable THERMODRIFT_FAULT is set.
#include <mpi.h>

#include <string>

namespace td {

/// If $THERMODRIFT_FAULT = "<point>[#<index>][@<rank>][:<action>]" names @p point (and
/// @p index, when an index is given; and this rank of @p comm, when a rank is given), throw
/// td::Error("injected fault at <point>"); with ":kill" end the process at once with SIGKILL,
/// as a crash or an out-of-memory kill would; with ":interrupt" raise SIGINT (Ctrl-C) and go
/// on; with ":pause" sleep 5 s and go on (a run that holds its files while another acts).
/// Otherwise do nothing.
/// Points: steady_solved (fv run); checkpoint_begin, checkpoint_file, checkpoint_written,
/// checkpoint_renamed (io/H5Output.h, index = checkpoint number, 0 the one at t = 0);
/// snapshot_written (fv run, index = snapshot number); step_taken (fv run, after each
/// internal step of a transient, index = step number); md_result_write (md: a file that
/// adatom_slab or adatom_ti writes itself on rank 0, before its last check).
void fault_point(const char* point, MPI_Comm comm, long index = -1);

/// The action named by $THERMODRIFT_FAULT if it names @p point (with @p index and this rank,
/// as for fault_point; "throw" when no action is given), else empty: for points whose fault
/// is their own (md: "lammps_command:lammps_error" sends LAMMPS a command it rejects,
/// "lammps_load:missing" loads a LAMMPS library that does not exist; fv run:
/// "snapshot_state#<k>:negative" makes one cell of the state negative after output k, before
/// the negative-concentration check).
std::string fault_action(const char* point, MPI_Comm comm, long index = -1);

}  // namespace td
