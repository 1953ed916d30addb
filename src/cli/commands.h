// The `bevara` subcommands. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace bevara::cli {

// bevara validate [--format text|json] [--report FILE] PACKAGE
// Exit 0: valid; 1: invalid; 2: could not run.
int ValidateCommand(const std::vector<std::string>& args);

}  // namespace bevara::cli
