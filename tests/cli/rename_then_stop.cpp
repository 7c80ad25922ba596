// An LD_PRELOAD hook for out_set_atomicity.sh: after the first rename() of an
// --out temporary ("*.partial.<pid>") the process sends itself SIGTERM, the way
// a batch system's stop can land between the renames that put a set in place.
// Other renames (gnuplot's font caches: children inherit the preload) pass.
#include <dlfcn.h>

#include <csignal>
#include <cstring>

extern "C" int rename(const char* from, const char* to) {
  using Rename = int (*)(const char*, const char*);
  static const auto real = reinterpret_cast<Rename>(dlsym(RTLD_NEXT, "rename"));
  static bool stopped = false;
  const int status = real(from, to);
  if (!stopped && std::strstr(from, ".partial.") != nullptr) {
    stopped = true;
    std::raise(SIGTERM);
  }
  return status;
}
