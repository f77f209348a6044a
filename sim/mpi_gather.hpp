// Completing a sweep split over MPI processes (`poweron-mpi`): each process ran its replication_range;
// rank 0 collects the others' metric rows and kept inputs and sums their bands and criticality counts.
// Integer sums and copies by replication index: the result is bit for bit that of one process.
#pragma once

#include <mpi.h>

#include "poweron/sweep.hpp"

namespace poweron::mpi {

/// Collective over `comm`: every rank calls it with its part of the same sweep (part = rank, parts =
/// size). On rank 0 `result` becomes the whole sweep; the others' results are read, not changed.
void gather_sweep(SweepResult& result, MPI_Comm comm);

}  // namespace poweron::mpi
