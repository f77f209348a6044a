// poweron-mpi end to end: a sweep split over MPI processes writes the files of one process, byte for
// byte, and bad input fails the whole job with the exit code of `poweron sweep`. Needs the build to have
// found MPI (CI installs OpenMPI); without it the tests are skipped, saying so.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_runner.hpp"

namespace poweron {
namespace {

using testing_support::read_file;
using testing_support::run_shell;
using testing_support::ScratchDir;
using testing_support::shell_quote;

const std::string kSmall = std::string(POWERON_SOURCE_DIR) + "/tests/data/sweep/small.yaml";

#ifdef POWERON_MPI_PATH
// `mpiexec -n <processes> poweron-mpi <arguments>`, output to files in `dir`; its exit status. OpenMPI
// refuses root and more processes than cores unless told (CI runs as root on two cores): the variables
// tell it, and other MPI implementations ignore them. Under the sanitizer build, leak detection is off for
// these processes only: OpenMPI itself leaks at MPI_Init (in components it unloads at MPI_Finalize, so no
// suppression can name them); every other ASan and UBSan check stays on, and the sweep code they run is
// leak-checked through `poweron` by the other tests.
int run_mpi(int processes, const std::string& arguments, const std::filesystem::path& dir) {
  const std::string command =
      "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 "
      "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 " +
      shell_quote(POWERON_MPIEXEC) + " -n " + std::to_string(processes) + " " + shell_quote(POWERON_MPI_PATH) + " " +
      arguments + " >" + shell_quote((dir / "mpi.stdout").string()) + " 2>" +
      shell_quote((dir / "mpi.stderr").string()) + " </dev/null";
  return run_shell(command);
}

// manifest.json without the lines that name the command or the time taken.
std::string manifest_facts(const std::filesystem::path& folder) {
  std::istringstream lines(read_file(folder / "manifest.json"));
  std::string kept;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("\"command_line\"") == std::string::npos && line.find("\"wall_time") == std::string::npos) {
      kept += line + '\n';
    }
  }
  return kept;
}
#endif

TEST(MpiSweep, ThreeProcessesWriteTheFilesOfOneProcess) {
#ifndef POWERON_MPI_PATH
  GTEST_SKIP() << "poweron-mpi was not built (CMake found no MPI)";
#else
  ScratchDir scratch("poweron_mpi");
  const std::filesystem::path split = scratch.path() / "split";
  const std::filesystem::path single = scratch.path() / "single";
  const std::string sweep = "sweep " + shell_quote(kSmall) + " --runs 121 --threads 1 --out ";
  ASSERT_EQ(run_mpi(3, sweep + shell_quote(split.string()), scratch.path()), 0)
      << read_file(scratch.path() / "mpi.stderr");
  const auto one = testing_support::run_cli(sweep + shell_quote(single.string()), scratch.path());
  ASSERT_EQ(one.exit_code, 0) << one.err;
  for (const char* file : {"replications.csv", "summary.csv", "bands.csv", "targets.csv", "sensitivity.csv",
                           "criticality.csv"}) {
    const std::string expected = read_file(single / file);
    ASSERT_FALSE(expected.empty()) << file;
    EXPECT_EQ(read_file(split / file), expected) << file;
  }
  EXPECT_EQ(manifest_facts(split), manifest_facts(single));
  // One summary, from rank 0, naming the split.
  const std::string out = read_file(scratch.path() / "mpi.stdout");
  EXPECT_NE(out.find("121 replications, 3 processes x 1 threads"), std::string::npos) << out;
  EXPECT_EQ(out.find("poweron sweep:"), out.rfind("poweron sweep:")) << out;
#endif
}

TEST(MpiSweep, AnInvalidScenarioFailsTheJobWithExitTwoAndOneReport) {
#ifndef POWERON_MPI_PATH
  GTEST_SKIP() << "poweron-mpi was not built (CMake found no MPI)";
#else
  ScratchDir scratch("poweron_mpi");
  const std::string invalid = std::string(POWERON_SOURCE_DIR) + "/scenarios/invalid/01-missing-name.yaml";
  EXPECT_EQ(run_mpi(2, "sweep " + shell_quote(invalid) + " --runs 10 --out " +
                           shell_quote((scratch.path() / "out").string()),
                    scratch.path()),
            2);
  const std::string err = read_file(scratch.path() / "mpi.stderr");
  const std::string diagnostic = "01-missing-name.yaml:2:1: error: missing required key \"name\"";
  ASSERT_NE(err.find(diagnostic), std::string::npos) << err;
  EXPECT_EQ(err.find(diagnostic), err.rfind(diagnostic)) << "reported by more than one process:\n" << err;
  EXPECT_FALSE(std::filesystem::exists(scratch.path() / "out"));
#endif
}

}  // namespace
}  // namespace poweron
