// qmf: mean-field signal propagation for deep networks with quantized activations.
#include <algorithm>
#include <boost/math/policies/error_handling.hpp>
#include <iostream>
#include <new>
#include <stdexcept>
#include <string>

#include "cli/output.hpp"
#include "cli/shared_options.hpp"
#include "cli/value_names.hpp"
#include "commands/commands.hpp"
#include "qmf/errors.hpp"
#include "qmf_version.hpp"

namespace {

// Set when the command line asks for --json: a failure then also prints one
// JSON object on stdout, so that a caller's JSON parser never sees empty input.
bool json_requested = false;

// docs/cli.md: every failure is one line on stderr, whatever the message was
// built from, and with --json also {"error", "kind", "exit"} on stdout.
int fail(const std::string& prefix, std::string message, int status, bool reported = false) {
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::cerr << "qmf: " << prefix << ": " << message << '\n';
  if (json_requested && !reported) {
    const qmf::cli::Json out = {
        {"version", QMF_VERSION}, {"error", message}, {"kind", prefix}, {"exit", status}};
    std::cout << out.dump() << '\n';
  }
  return status;
}

std::string subcommand_names(const CLI::App& app) {
  std::string names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    names += (names.empty() ? "" : ", ") + sub->get_name();
  return names;
}

// What a value of `option` must look like, from its CLI11 type name.
std::string expected_value(const CLI::Option& option) {
  const std::string type = option.get_type_name();
  if (type == "FLOAT") return "a number";
  if (type == "INT") return "an integer";
  if (type == "UINT") return "a non-negative integer";
  return "a " + type;
}

// CLI11's messages name the argument but rarely what it allows: add the
// expected value type where known, and point to the subcommand's --help.
std::string explain(const CLI::App& app, const CLI::ParseError& error) {
  const auto selected = app.get_subcommands();
  if (selected.empty()) {
    // Either nothing came before the options, or the first word is no subcommand.
    const auto unparsed = app.remaining();
    const std::string allowed = "(allowed: " + subcommand_names(app) + "; see qmf --help)";
    if (unparsed.empty()) return "a subcommand is required " + allowed;
    const std::string& first = unparsed.front();
    if (first.rfind("-", 0) == 0)
      return "unknown option '" + first + "': the subcommand comes first " + allowed;
    return "unknown subcommand '" + first + "' " + allowed;
  }
  const CLI::App& sub = *selected.back();
  std::string message = error.what();
  // "Could not convert: --sw2 = abc"
  const std::string conversion = "Could not convert: ";
  if (message.rfind(conversion, 0) == 0) {
    const std::string rest = message.substr(conversion.size());
    const std::string name = rest.substr(0, rest.find(" = "));
    if (const CLI::Option* option = sub.get_option_no_throw(name))
      message = name + ": '" + rest.substr(std::min(rest.size(), name.size() + 3)) + "' is not " +
                expected_value(*option);
  }
  // "--sw2: At Most 1 required but received 2": an option given twice.
  const std::string twice = ": At Most 1 required but received ";
  if (const auto at = message.find(twice); at != std::string::npos)
    message = message.substr(0, at) + " is given " + message.substr(at + twice.size()) +
              " times; it takes one value";
  return message + " (see qmf " + sub.get_name() + " --help)";
}

// The library names the field a bad value came from ("sw2 must be ...",
// "activation 'foo': ..."); the user typed a flag. Name the flag when the
// selected subcommand has one for that field.
std::string name_flag(const CLI::App& app, const std::string& message) {
  const auto selected = app.get_subcommands();
  if (selected.empty()) return message;
  const std::string field = message.substr(0, message.find_first_of(" :"));
  std::string flag = field == "activation" ? "act" : field;
  std::replace(flag.begin(), flag.end(), '_', '-');
  flag = "--" + flag;
  if (field.empty() || selected.back()->get_option_no_throw(flag) == nullptr) return message;
  return flag + message.substr(field.size());
}

// Boost.Math's default error policies report a root that is not bracketed, an
// argument outside a special function's domain or a result out of range with
// these types: numerical failures (exit 3), not bugs (exit 1).
bool is_numerical_failure(const std::exception& e) {
  return dynamic_cast<const std::domain_error*>(&e) != nullptr ||
         dynamic_cast<const std::overflow_error*>(&e) != nullptr ||
         dynamic_cast<const std::underflow_error*>(&e) != nullptr ||
         dynamic_cast<const std::range_error*>(&e) != nullptr ||
         dynamic_cast<const boost::math::evaluation_error*>(&e) != nullptr ||
         dynamic_cast<const boost::math::rounding_error*>(&e) != nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "qmf: exact mean-field signal propagation for deep networks with quantized activations"};
  app.set_version_flag("--version", QMF_VERSION);
  app.require_subcommand(1);
  qmf::cli::add_maps_command(app);
  qmf::cli::add_critical_command(app);
  qmf::cli::add_lmax_command(app);
  qmf::cli::add_simulate_command(app);
  qmf::cli::add_figure1_command(app);
  qmf::cli::add_phase_command(app);
  qmf::cli::add_cmap_command(app);
  qmf::cli::add_figures_command(app);
  qmf::cli::add_kernel_command(app);
  qmf::cli::add_kernel_check_command(app);
  qmf::cli::add_train_command(app);
  qmf::cli::add_trainability_command(app);
  qmf::cli::add_finite_width_command(app);
  qmf::cli::add_generalization_command(app);
  qmf::cli::require_decimal_numbers(app);
  qmf::cli::name_option_values(app);
  json_requested = std::any_of(argv + 1, argv + argc,
                               [](const char* word) { return std::string(word) == "--json"; });
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail("error", explain(app, e), 2);
  } catch (const std::invalid_argument& e) {
    return fail("error", name_flag(app, e.what()), 2);
  } catch (const qmf::cli::reported_numerical_error& e) {
    return fail("numerical failure", e.what(), 3, true);
  } catch (const qmf::numerical_error& e) {
    return fail("numerical failure", e.what(), 3);
  } catch (const std::bad_alloc&) {
    // A problem too large for this machine's memory (or its ulimit) has no
    // result either: a numerical failure, worded like the others (docs/cli.md).
    return fail("numerical failure",
                "out of memory: the computation needs more memory than the process may allocate "
                "(smaller sizes, or a larger ulimit -v)",
                3);
  } catch (const std::exception& e) {
    if (is_numerical_failure(e)) return fail("numerical failure", e.what(), 3);
    return fail("error", e.what(), 1);
  }
  return 0;
}
