// A small command-line parser shared by the subcommands: options that take a
// value, flags, and positional arguments, in any order.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace bevara::cli {

struct Args {
  std::map<std::string, std::string> values;  // "--data" -> "dir"
  std::set<std::string> flags;                // "--ocfl"
  std::vector<std::string> positional;
  std::string error;  // non-empty: unusable arguments, with the reason
  bool help = false;

  std::string Get(const std::string& name, const std::string& fallback = {}) const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
  bool Has(const std::string& flag) const { return flags.count(flag) > 0; }
};

Args ParseArgs(const std::vector<std::string>& args, const std::set<std::string>& value_options,
               const std::set<std::string>& flag_options);

// The data directory: --data, else $BEVARA_DATA, else ./bevara-data.
std::string DataDir(const Args& args);

}  // namespace bevara::cli
