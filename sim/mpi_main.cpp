// `poweron-mpi`: `poweron sweep` split over the processes of an MPI job, on one machine or many:
//
//   mpirun -np 8 poweron-mpi sweep scenarios/tesla_x_2024.yaml --runs 1000000 --threads 2 --out sweep
//
// Same flags as `poweron sweep`. Each process loads the scenario and runs its share of the replications
// (contiguous ranges, on --threads threads each); rank 0 gathers the results and writes the same files,
// byte for byte, as one process would (SPEC 7: results do not depend on how replications are spread).
// Exit codes as `poweron`'s; an internal error on any rank aborts the whole job with code 1.
#include <mpi.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>

#include "cli_options.hpp"
#include "command_support.hpp"
#include "commands.hpp"
#include "mpi_gather.hpp"

int main(int argc, char** argv) {
  using namespace poweron::cli;
  MPI_Init(&argc, &argv);
  int rank = 0;
  int size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  start_logging("poweron-mpi");

  // Rank 0 speaks for the job: the others' messages (the same diagnostics) go nowhere.
  std::ostringstream quiet;
  std::ostream& out = rank == 0 ? std::cout : quiet;
  std::ostream& err = rank == 0 ? std::cerr : quiet;

  CLI::App app{"poweron-mpi: a poweron sweep split over the processes of an MPI job"};
  std::string log_level;
  add_program_flags(app, "poweron-mpi", log_level);
  app.require_subcommand(1);
  SweepArgs sweep;
  sweep.command_line = joined_command_line(argc, argv);
  add_sweep_subcommand(app, sweep);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);  // help, version or the usage error, from rank 0
    MPI_Finalize();
    return code == 0 ? 0 : 2;
  }
  spdlog::set_level(rank == 0 ? spdlog::level::from_str(log_level) : spdlog::level::off);

  const SweepDistribution distribution{size, rank, [](poweron::SweepResult& result) {
                                         poweron::mpi::gather_sweep(result, MPI_COMM_WORLD);
                                       }};
  sweep.distribution = &distribution;
  int code = 1;
  try {
    code = sweep_command(sweep, out, err);
  } catch (const std::exception& e) {
    std::cerr << "poweron-mpi: internal error on rank " << rank << ": " << e.what() << '\n';
    MPI_Abort(MPI_COMM_WORLD, 1);  // the other ranks may be waiting in a collective
  }
  MPI_Finalize();
  return code;
}
