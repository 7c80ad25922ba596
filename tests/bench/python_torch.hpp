// Running a PyTorch comparison script from a benchmark: python3-torch is not a
// dependency of qmf, so a script prints "skipped: ..." without it.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace qmf::bench {

/// Debian's interpreter first: python3-torch installs there, and a python3
/// earlier on PATH (a virtual environment, pyenv) may not see it.
inline std::string python_with_torch() {
  for (const char* python : {"/usr/bin/python3", "python3"})
    if (std::system((std::string(python) + " -c 'import torch' > /dev/null 2>&1").c_str()) == 0)
      return python;
  return "python3";  // the script then says "skipped"
}

/// The first line `python script ARGS` prints (without its newline), or "failed".
inline std::string python_script_line(const std::string& script, const std::string& args) {
  static const std::string python = python_with_torch();
  const std::string command = python + " '" + script + "' " + args;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  char line[256] = "";
  if (!pipe || !std::fgets(line, sizeof line, pipe.get())) return "failed";
  std::string text(line);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace qmf::bench
