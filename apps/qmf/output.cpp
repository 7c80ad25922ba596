#include "output.hpp"

#include "qmf/errors.hpp"
#include "qmf_version.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace qmf::cli {

Json number(double x, const std::string& what) {
  if (std::isnan(x)) throw numerical_error("no numerical value for " + what + " (NaN)");
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return x;
}

Json header(const std::string& command) {
  return {{"version", QMF_VERSION}, {"command", command}};
}

std::string format_number(double x) {
  if (std::isnan(x)) return "";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

void write_files(const std::string& prefix,
                 const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> temporaries;
  auto discard = [&] {
    for (const auto& t : temporaries) std::remove(t.c_str());
  };
  for (const auto& [suffix, content] : files) {
    const std::string temporary = prefix + suffix + ".partial";
    temporaries.push_back(temporary);
    std::ofstream out(temporary, std::ios::binary);
    out << content;
    out.close();
    if (!out) {
      discard();
      throw std::invalid_argument("--out: cannot write '" + prefix + suffix + "'");
    }
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (std::rename(temporaries[i].c_str(), (prefix + files[i].first).c_str()) != 0) {
      discard();
      throw std::invalid_argument("--out: cannot write '" + prefix + files[i].first + "'");
    }
  }
}

std::string key_value_table(const Json& object) {
  std::ostringstream out;
  for (const auto& [key, value] : object.items()) {
    if (value.is_array() || value.is_object()) continue;
    out << key;
    for (std::size_t pad = key.size(); pad < 14; ++pad) out << ' ';
    if (value.is_number_float())
      out << format_number(value.get<double>());
    else if (value.is_string())
      out << value.get<std::string>();
    else
      out << value.dump();
    out << '\n';
  }
  return out.str();
}

}  // namespace qmf::cli
