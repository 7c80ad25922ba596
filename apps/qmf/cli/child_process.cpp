#include "cli/child_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <system_error>

extern char** environ;

namespace qmf::cli {

namespace {

constexpr int interrupting_signals[] = {SIGINT, SIGTERM, SIGHUP};

// Shared with the signal handler, hence lock-free atomics only.
std::atomic<pid_t> running_child{0};
std::atomic<int> received_signal{0};
static_assert(std::atomic<pid_t>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

struct sigaction previous_actions[std::size(interrupting_signals)];

// The child is told to stop by SIGTERM whatever came: gnuplot catches SIGINT,
// and its handler can deadlock in malloc (cairo writing the page from inside
// the handler), while SIGTERM ends it.
extern "C" void forward_signal(int signal) {
  received_signal.store(signal);
  const pid_t child = running_child.load();
  if (child > 0) ::kill(child, SIGTERM);
}

// A child told to stop that has not ended after this long is killed.
constexpr int stop_grace_milliseconds = 2000;

// waitpid for `child`; once a signal has been forwarded, for at most the
// grace period before SIGKILL. (A signal between the check and the blocking
// waitpid has sent SIGTERM, which ends gnuplot.)
int wait_for(pid_t child) {
  int status = 0;
  for (;;) {
    if (received_signal.load() != 0) {
      for (int waited = 0; waited < stop_grace_milliseconds; waited += 10) {
        if (::waitpid(child, &status, WNOHANG) == child) return status;
        ::usleep(10000);
      }
      ::kill(child, SIGKILL);
      while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
      }
      return status;
    }
    if (::waitpid(child, &status, 0) == child || errno != EINTR) return status;
  }
}

// posix_spawn_file_actions_t, destroyed on every path.
class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

}  // namespace

InterruptGuard::InterruptGuard() {
  received_signal.store(0);
  struct sigaction action {};
  action.sa_handler = forward_signal;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < std::size(interrupting_signals); ++i) {
    sigaction(interrupting_signals[i], nullptr, &previous_actions[i]);
    // An ignored signal (nohup, a background job of a script) stays ignored.
    if (previous_actions[i].sa_handler != SIG_IGN)
      sigaction(interrupting_signals[i], &action, nullptr);
  }
}

InterruptGuard::~InterruptGuard() {
  for (std::size_t i = 0; i < std::size(interrupting_signals); ++i)
    sigaction(interrupting_signals[i], &previous_actions[i], nullptr);
}

bool InterruptGuard::interrupted() const { return received_signal.load() != 0; }

void InterruptGuard::end_process() const {
  const int signal = received_signal.load();
  for (int s : interrupting_signals) std::signal(s, SIG_DFL);
  std::raise(signal);
  std::_Exit(128 + signal);  // were the signal blocked: the shell's status for it
}

int run_child(const std::vector<std::string>& argv, const ChildOptions& options) {
  std::vector<std::string> copies = argv;
  std::vector<char*> pointers;
  for (auto& a : copies) pointers.push_back(a.data());
  pointers.push_back(nullptr);
  FileActions actions;
  if (!options.directory.empty())
    posix_spawn_file_actions_addchdir_np(actions.get(), options.directory.c_str());
  if (!options.output_path.empty())
    posix_spawn_file_actions_addopen(actions.get(), STDOUT_FILENO, options.output_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!options.error_path.empty())
    posix_spawn_file_actions_addopen(actions.get(), STDERR_FILENO, options.error_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t child = 0;
  const int error =
      posix_spawnp(&child, pointers[0], actions.get(), nullptr, pointers.data(), environ);
  if (error != 0) throw std::system_error(error, std::generic_category(), argv[0]);
  running_child.store(child);
  // A signal that came before the child was known is forwarded now.
  if (received_signal.load() != 0) ::kill(child, SIGTERM);
  const int status = wait_for(child);
  running_child.store(0);
  return status;
}

}  // namespace qmf::cli
