"""Run a case from Python on every rank of MPI.COMM_WORLD (mpi4py) and compare all fields
and series, on rank 0, with a result file of the command line on as many ranks.
usage: mpiexec -n N python3 mpi_run.py CASE OUTPUT REFERENCE"""
import sys

import numpy as np
from mpi4py import MPI

import thermodrift

case, output, reference = sys.argv[1:4]
r = thermodrift.run(case, output=output, comm=MPI.COMM_WORLD)
if MPI.COMM_WORLD.rank == 0:
    ref = thermodrift.read(reference)
    assert sorted(r.fields) == sorted(ref.fields), (sorted(r.fields), sorted(ref.fields))
    for k in ref.fields:
        np.testing.assert_array_equal(r.fields[k], ref.fields[k], err_msg=k)
    for k in ref.series:
        np.testing.assert_array_equal(r.series[k], ref.series[k], err_msg=k)
    print(f"{MPI.COMM_WORLD.size} ranks: {len(ref.fields)} fields and {len(ref.series)} series "
          "equal to the command line's")
