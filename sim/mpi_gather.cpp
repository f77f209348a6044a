#include "mpi_gather.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace poweron::mpi {
namespace {

// MPI counts are ints: large arrays move in pieces of this many elements.
constexpr std::size_t kPiece = std::size_t{1} << 26;

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("MPI ") + what + " failed (code " + std::to_string(code) + ")");
}

// Rank 0 receives `count` doubles at `data` from `source`; `source` sends them from the same place.
void move_doubles(double* data, std::size_t count, int source, int rank, MPI_Comm comm) {
  for (std::size_t done = 0; done < count; done += kPiece) {
    const int n = static_cast<int>(std::min(kPiece, count - done));
    if (rank == 0) {
      check(MPI_Recv(data + done, n, MPI_DOUBLE, source, 0, comm, MPI_STATUS_IGNORE), "Recv");
    } else if (rank == source) {
      check(MPI_Send(data + done, n, MPI_DOUBLE, 0, 0, comm), "Send");
    }
  }
}

// Element-wise integer sum of every rank's array into rank 0's.
void sum_to_root(std::int64_t* data, std::size_t count, int rank, MPI_Comm comm) {
  for (std::size_t done = 0; done < count; done += kPiece) {
    const int n = static_cast<int>(std::min(kPiece, count - done));
    if (rank == 0) {
      check(MPI_Reduce(MPI_IN_PLACE, data + done, n, MPI_INT64_T, MPI_SUM, 0, comm), "Reduce");
    } else {
      check(MPI_Reduce(data + done, nullptr, n, MPI_INT64_T, MPI_SUM, 0, comm), "Reduce");
    }
  }
}

}  // namespace

void gather_sweep(SweepResult& result, MPI_Comm comm) {
  int rank = 0;
  int size = 1;
  check(MPI_Comm_rank(comm, &rank), "Comm_rank");
  check(MPI_Comm_size(comm, &size), "Comm_size");
  const std::size_t columns = result.column_count;
  const auto kept = static_cast<std::size_t>(result.inputs_kept);
  const std::size_t inputs = result.input_addresses.size();
  for (int source = 1; source < size; ++source) {
    const ReplicationRange range = replication_range(result.runs, size, source);
    const auto first = static_cast<std::size_t>(range.first);
    const auto end = static_cast<std::size_t>(range.end);
    move_doubles(result.values.data() + first * columns, (end - first) * columns, source, rank, comm);
    // Kept inputs are laid out input by input: [i * kept + r].
    if (first < kept) {
      for (std::size_t i = 0; i < inputs; ++i) {
        move_doubles(result.input_values.data() + i * kept + first, std::min(end, kept) - first, source, rank, comm);
      }
    }
  }
  if (result.bands) {
    // A group at a time, as dense arrays: each rank's set holds only the blocks it used.
    for (std::size_t group = 0; group < result.bands->groups(); ++group) {
      std::vector<std::int64_t> cells = result.bands->group_integers(group);
      sum_to_root(cells.data(), cells.size(), rank, comm);
      if (rank == 0) result.bands->assign_group_integers(group, cells);
    }
  }
  sum_to_root(result.critical_counts.data(), result.critical_counts.size(), rank, comm);
}

}  // namespace poweron::mpi
