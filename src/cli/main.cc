// bevara: a long-term preservation e-archive. One executable, subcommands.
#include <clocale>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

constexpr const char* kUsage =
    "bevara " BEVARA_VERSION " - long-term preservation e-archive\n"
    "\n"
    "usage: bevara COMMAND [ARGS]\n"
    "  validate PACKAGE   validate a submission package (FGS 1.2 / E-ARK CSIP, or FGS 1.x)\n"
    "  version            print the version\n"
    "\n"
    "Run 'bevara COMMAND --help' for the options of a command.\n";

}  // namespace

int main(int argc, char** argv) {
  // Entry names in packages are UTF-8; libarchive converts through the locale.
  std::setlocale(LC_CTYPE, "C.UTF-8");
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "validate") return bevara::cli::ValidateCommand(args);
  if (command == "version" || command == "--version") {
    std::cout << "bevara " BEVARA_VERSION "\n";
    return 0;
  }
  std::cerr << "bevara: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
