// The command line of every subcommand, parsed by CLI11: options in any
// order, `--opt value` and `--opt=value`, every typed value converted with
// a check. A usage error prints what is wrong and touches nothing.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace bevara::cli {

// Parses `argv` (what follows the subcommand's name) into `app`.
// Returns -1 to go on; 0 after printing the help (--help) to stdout; 2 after
// printing a usage error to stderr.
int ParseCommandLine(CLI::App& app, const std::vector<std::string>& argv);

// Adds --data DIR to `app`, stored in `*dir`.
void AddDataOption(CLI::App& app, std::string* dir);

// The data directory: `option` (--data) if given, else $BEVARA_DATA, else
// ./bevara-data.
std::string DataDir(const std::string& option);

// True when `dir` holds a bevara archive. Otherwise prints, for `command`,
// that it does not and how to create one, and returns false: a typo or an
// unmounted disk must never become a new, empty archive.
bool RequireArchive(const std::string& dir, const char* command);

// A check for an option's value: a decimal number at least `min` (CLI11's
// own range checks print the whole range of a double).
CLI::Validator AtLeast(double min);

// Writes "bevara COMMAND: WHAT" to stderr and returns 2.
int Fail(const char* command, const std::string& what);

}  // namespace bevara::cli
