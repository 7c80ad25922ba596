#include "cli/output.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "qmf/errors.hpp"
#include "qmf_version.hpp"

namespace qmf::cli {

namespace {
const std::string infinite_suffix = "_infinite";
// The original contract's spelling of +inf in JSON (chi_1 of a step
// activation), which float() and numpy read back as infinity.
const std::string infinite_text = "inf";

// Blocks the stop signals for its lifetime; pending ones are delivered when it
// ends (with their default action: the process stops then).
class SignalsHeld {
 public:
  SignalsHeld() {
    sigset_t stop;
    sigemptyset(&stop);
    for (const int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&stop, signal);
    pthread_sigmask(SIG_BLOCK, &stop, &previous_);
  }
  ~SignalsHeld() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  SignalsHeld(const SignalsHeld&) = delete;
  SignalsHeld& operator=(const SignalsHeld&) = delete;

 private:
  sigset_t previous_{};
};
}  // namespace

Json number(double x, const std::string& what) {
  if (std::isnan(x)) throw numerical_error("no numerical value for " + what + " (NaN)");
  if (std::isinf(x))
    throw numerical_error(what + " overflows the range of double precision (" +
                          (x > 0 ? "+inf" : "-inf") + ")");
  return x;
}

Json nullable_number(double x, const std::string& what) {
  return std::isnan(x) ? Json() : number(x, what);
}

void set_number(Json& object, const std::string& key, double x) {
  if (x == std::numeric_limits<double>::infinity()) {
    object[key] = infinite_text;
    object[key + infinite_suffix] = true;
    return;
  }
  object[key] = number(x, key);
}

double get_number(const Json& object, const std::string& key) {
  const auto& value = object.at(key);
  if (value.is_number()) return value.get<double>();
  // Files written before the contract's spelling came back held null + flag.
  const auto flag = object.find(key + infinite_suffix);
  const bool infinite = (value.is_string() && value.get<std::string>() == infinite_text) ||
                        (flag != object.end() && flag->is_boolean() && flag->get<bool>());
  return infinite ? std::numeric_limits<double>::infinity()
                  : std::numeric_limits<double>::quiet_NaN();
}

Json header(const std::string& command) { return {{"version", QMF_VERSION}, {"command", command}}; }

std::string format_number(double x) {
  if (std::isnan(x)) return "";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  // The shortest text that reads back as exactly x: 0.05, not 0.050000000000000003.
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, x).ptr;
  return std::string(buffer, end);
}

std::string readable_number(double x) {
  if (std::isnan(x)) return "-";
  if (std::isinf(x)) return format_number(x);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

void write_files(const std::string& prefix,
                 const std::vector<std::pair<std::string, std::string>>& files,
                 const std::vector<std::string>& optional) {
  // The process id keeps two runs writing the same prefix from sharing a temporary.
  const std::string temporary_suffix = ".partial." + std::to_string(::getpid());
  std::vector<std::string> temporaries;
  std::size_t renamed = 0;
  auto fail = [&](const std::string& suffix) {
    const std::string reason = std::strerror(errno);
    for (std::size_t i = 0; i < temporaries.size(); ++i) {
      const std::string written = i < renamed ? prefix + files[i].first : temporaries[i];
      std::remove(written.c_str());
    }
    throw std::invalid_argument("--out: cannot write '" + prefix + suffix + "' (" + reason + ")");
  };
  for (const auto& [suffix, content] : files) {
    temporaries.push_back(prefix + suffix + temporary_suffix);
    std::ofstream out(temporaries.back(), std::ios::binary);
    out << content;
    out.close();
    if (!out) fail(suffix);
  }
  // Only now, with every file complete, do they replace earlier output; should a
  // rename still fail, the ones already renamed are removed again. The signals a
  // user or a batch system sends to stop a run (Ctrl-C, SIGTERM, a closed
  // terminal) are held back during the renames, so such a stop never leaves a
  // mix of old and new files; only SIGKILL in these microseconds can.
  const SignalsHeld held;
  for (; renamed < files.size(); ++renamed)
    if (std::rename(temporaries[renamed].c_str(), (prefix + files[renamed].first).c_str()) != 0)
      fail(files[renamed].first);
  for (const auto& suffix : optional) {
    const bool written = std::any_of(files.begin(), files.end(),
                                     [&](const auto& file) { return file.first == suffix; });
    if (!written) std::remove((prefix + suffix).c_str());  // absent is fine
  }
}

std::string key_value_table(const Json& object) {
  std::size_t width = 0;
  for (const auto& [key, value] : object.items()) width = std::max(width, key.size());
  std::ostringstream out;
  auto is_infinity_flag = [&](const std::string& key) {
    return key.size() > infinite_suffix.size() &&
           key.compare(key.size() - infinite_suffix.size(), infinite_suffix.size(),
                       infinite_suffix) == 0 &&
           object.contains(key.substr(0, key.size() - infinite_suffix.size()));
  };
  for (const auto& [key, value] : object.items()) {
    if (value.is_array() || value.is_object() || is_infinity_flag(key)) continue;
    out << key << std::string(width + 2 - key.size(), ' ');
    if (value.is_number_float() || value.is_null())
      out << readable_number(get_number(object, key));  // null: inf with its flag, else "-"
    else if (value.is_string())
      out << value.get<std::string>();
    else
      out << value.dump();
    out << '\n';
  }
  return out.str();
}

}  // namespace qmf::cli
