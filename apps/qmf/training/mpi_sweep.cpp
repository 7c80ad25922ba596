#include "training/mpi_sweep.hpp"

#include <chrono>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>

#include "qmf/errors.hpp"

#ifdef QMF_HAVE_MPI
// The C API only: not the deprecated C++ bindings (their header warns).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace qmf::cli {

namespace {

// The number of processes the launcher started, from its environment (Open
// MPI's mpirun, or a PMI launcher such as MPICH's Hydra or Slurm's srun);
// 0 when not launched by one, -1 when launched but the size is not told.
int launched_processes() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* value = std::getenv(name)) return std::atoi(value);
  return std::getenv("PMIX_RANK") != nullptr ? -1 : 0;
}

bool run_serially(const SweepCells& cells) {
  for (const std::size_t index : cells.plan()) cells.record(cells.train(index));
  return true;
}

#ifdef QMF_HAVE_MPI

enum Tag : int {
  cell_tag = 1,     // rank 0 -> worker: one grid index (unsigned long long)
  stop_tag = 2,     // rank 0 -> worker: no more cells (empty)
  result_tag = 3,   // worker -> rank 0: the cell's JSON line
  failure_tag = 4,  // worker -> rank 0: {"kind": ..., "what": ...} of its exception
};

// MPI_Init on construction, MPI_Finalize on destruction, also when an
// exception leaves the sweep. Only the main thread calls MPI (the training
// threads are OpenMP's): FUNNELED is all that is needed.
class MpiSession {
 public:
  MpiSession() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiSession() { MPI_Finalize(); }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
};

void send_text(const std::string& text, int to, int tag) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

// The next message from any rank, whatever its length. Rank 0 waits for
// results that take seconds: it polls every few milliseconds rather than
// blocking in MPI_Probe, which spins and would take a core from the workers.
std::string receive_text(MPI_Status& status) {
  for (int arrived = 0;;) {
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status);
    if (arrived != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  std::string text(static_cast<std::size_t>(count), '\0');
  MPI_Recv(text.data(), count, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  return text;
}

// A worker's exception as a message, and back, keeping what decides the exit
// status (bad input 2, numerical failure 3, anything else 1).
std::string failure_message(int rank) {
  const std::string where = " (rank " + std::to_string(rank) + ")";
  try {
    throw;
  } catch (const std::invalid_argument& e) {
    return Json{{"kind", "input"}, {"what", e.what() + where}}.dump();
  } catch (const numerical_error& e) {
    return Json{{"kind", "numerical"}, {"what", e.what() + where}}.dump();
  } catch (const std::bad_alloc&) {
    return Json{{"kind", "numerical"}, {"what", "out of memory" + where}}.dump();
  } catch (const std::exception& e) {
    return Json{{"kind", "other"}, {"what", e.what() + where}}.dump();
  }
}

std::exception_ptr failure_exception(const std::string& message) {
  const Json failure = Json::parse(message);
  const std::string what = failure.at("what").get<std::string>();
  const std::string kind = failure.at("kind").get<std::string>();
  if (kind == "input") return std::make_exception_ptr(std::invalid_argument(what));
  if (kind == "numerical") return std::make_exception_ptr(numerical_error(what));
  return std::make_exception_ptr(std::runtime_error(what));
}

void work(const SweepCells& cells, int rank) {
  for (;;) {
    MPI_Status status;
    MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    if (status.MPI_TAG == stop_tag) {
      MPI_Recv(nullptr, 0, MPI_CHAR, 0, stop_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      return;
    }
    unsigned long long index = 0;
    MPI_Recv(&index, 1, MPI_UNSIGNED_LONG_LONG, 0, cell_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    try {
      send_text(cells.train(static_cast<std::size_t>(index)).dump(), 0, result_tag);
    } catch (...) {
      send_text(failure_message(rank), 0, failure_tag);
    }
  }
}

// Rank 0: one cell to each worker, then the next cell to whichever worker
// returns a result, until none is left; then every worker is stopped. After
// a failure no new cell is handed out, but the cells under way are awaited
// and recorded, so that a rerun does not train them again.
void coordinate(const SweepCells& cells, int size) {
  std::exception_ptr failure;
  std::vector<std::size_t> todo;
  try {
    todo = cells.plan();
  } catch (...) {
    failure = std::current_exception();
  }
  std::size_t next = 0;
  int busy = 0;
  const auto hand_out = [&](int worker) {
    if (failure == nullptr && next < todo.size()) {
      const unsigned long long index = todo[next++];
      MPI_Send(&index, 1, MPI_UNSIGNED_LONG_LONG, worker, cell_tag, MPI_COMM_WORLD);
      ++busy;
    } else {
      MPI_Send(nullptr, 0, MPI_CHAR, worker, stop_tag, MPI_COMM_WORLD);
    }
  };
  for (int worker = 1; worker < size; ++worker) hand_out(worker);
  while (busy > 0) {
    MPI_Status status;
    const std::string message = receive_text(status);
    --busy;
    try {
      if (status.MPI_TAG == result_tag)
        cells.record(Json::parse(message));
      else
        std::rethrow_exception(failure_exception(message));
    } catch (...) {
      if (failure == nullptr) failure = std::current_exception();
    }
    hand_out(status.MPI_SOURCE);
  }
  if (failure != nullptr) std::rethrow_exception(failure);
}

#endif

}  // namespace

bool run_sweep_cells(const SweepCells& cells) {
  const int launched = launched_processes();
  if (launched == 0 || launched == 1) return run_serially(cells);
#ifdef QMF_HAVE_MPI
  const MpiSession session;
  if (session.size() == 1) return run_serially(cells);
  if (session.rank() != 0) {
    work(cells, session.rank());
    return false;
  }
  coordinate(cells, session.size());
  return true;
#else
  throw std::invalid_argument(
      "mpirun: this qmf was built without MPI (meson setup -Dmpi=enabled), so its " +
      (launched > 0 ? std::to_string(launched) + " processes" : std::string("processes")) +
      " would each run the whole sweep; run it without mpirun, or build it with MPI");
#endif
}

}  // namespace qmf::cli
