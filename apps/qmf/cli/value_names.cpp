#include "cli/value_names.hpp"

#include <map>

namespace qmf::cli {

namespace {

// By flag, the same name in every subcommand that has it; a "subcommand
// --flag" entry where the flag takes something else there.
const std::map<std::string, std::string>& value_names() {
  static const std::map<std::string, std::string> names = {
      {"--act", "SPEC"},
      {"--weights", "SPEC"},
      {"--sw2", "SW2"},
      {"--sb2", "SB2"},
      {"phase --sw2", "A:B:n"},
      {"phase --sb2", "A:B:n"},
      {"trainability --sw2", "A:B:n"},
      {"--q0", "Q"},
      {"--c0", "C"},
      {"--depth", "L"},
      {"--depths", "LIST"},
      {"trainability --depths", "A:B:n"},
      {"--k", "K"},
      {"--levels", "LIST"},
      {"--fit", "LIST"},
      {"--bits", "LIST"},
      {"--rounding", "LIST"},
      {"--report", "LIST"},
      {"--only", "LIST"},
      {"--out", "PREFIX"},
      {"--data", "DIR"},
      {"DIR", "PATH"},
      {"--width", "WIDTH"},
      {"--nets", "R"},
      {"--batches", "G"},
      {"--seed", "S"},
      {"--threads", "T"},
      {"--ste-slope", "SLOPE"},
      {"--ste-clip", "TAU"},
      {"--ste-window", "LO:HI"},
      {"--line-points", "M"},
      {"--points", "M"},
      {"--t-points", "M"},
      {"--marker-every", "K"},
      {"--dim", "D"},
      {"--eigen", "K"},
      {"--quasi", "exact|composed"},
      {"--derivative", "true|ste"},
      {"--images", "M"},
      {"--krr-train", "M"},
      {"--krr-validation", "M"},
      {"--krr-test", "M"},
      {"--train-subset", "M"},
      {"--test-subset", "M"},
      {"--eval-subset", "M"},
      {"--max-memory", "GIB"},
      {"--batch", "B"},
      {"--lr", "LR"},
      {"--momentum", "MU"},
      {"--max-cells", "K"},
      {"--sharpness-draws", "K"},
      {"--sharpness-radius", "RHO"},
  };
  return names;
}

// What the checks on `option` add to its name: the bounds of a CLI11 Range
// (" in [1 - 1024]", without its type), or a choice among words ("{sgd,adam}"
// becomes the name "sgd|adam"). qmf's own checks are described by the name.
struct Checks {
  std::string range;
  std::string choices;
};

Checks describe_checks(CLI::Option& option) {
  Checks checks;
  for (int i = 0;; ++i) {
    const CLI::Validator* check = nullptr;
    try {
      check = option.get_validator(i);
    } catch (const CLI::OptionNotFound&) {
      break;
    }
    const std::string text = check->get_description();
    if (const auto in = text.find(" in ["); in != std::string::npos) checks.range = text.substr(in);
    if (text.size() > 2 && text.front() == '{' && text.back() == '}') {
      checks.choices = text.substr(1, text.size() - 2);
      for (char& c : checks.choices)
        if (c == ',') c = '|';
    }
  }
  return checks;
}

}  // namespace

std::string value_name(const std::string& subcommand, const std::string& flag) {
  const auto& names = value_names();
  if (const auto own = names.find(subcommand + ' ' + flag); own != names.end()) return own->second;
  const auto shared = names.find(flag);
  return shared == names.end() ? "" : shared->second;
}

void name_option_values(CLI::App& app) {
  for (CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; }))
    for (CLI::Option* option : command->get_options()) {
      if (option->get_type_size() == 0) continue;  // a flag: no value
      // CLI11's own type names; a name set where the option is made (LIST,
      // METHOD) already says what the value is.
      const std::string type = option->get_type_name();
      const std::string kind = type.substr(0, type.find(':'));
      if (kind != "TEXT" && kind != "FLOAT" && kind != "INT" && kind != "UINT") continue;
      const Checks checks = describe_checks(*option);
      std::string text = checks.choices.empty()
                             ? value_name(command->get_name(), option->get_name())
                             : checks.choices;
      if (text.empty()) continue;
      text += checks.range;
      if (!option->get_default_str().empty()) text += "=" + option->get_default_str();
      if (option->get_expected_max() == CLI::detail::expected_max_vector_size) text += " ...";
      if (option->get_required()) text += " REQUIRED";
      option->option_text(text);
    }
}

}  // namespace qmf::cli
