#include "src/cli/args.h"

#include <cstdlib>

namespace bevara::cli {

Args ParseArgs(const std::vector<std::string>& args, const std::set<std::string>& value_options,
               const std::set<std::string>& flag_options) {
  Args out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      out.help = true;
    } else if (value_options.count(a)) {
      if (i + 1 >= args.size()) {
        out.error = a + " needs a value";
      } else {
        out.values[a] = args[++i];
      }
    } else if (flag_options.count(a)) {
      out.flags.insert(a);
    } else if (a.size() > 1 && a[0] == '-') {
      out.error = "unknown option " + a;
    } else {
      out.positional.push_back(a);
    }
  }
  return out;
}

std::string DataDir(const Args& args) {
  std::string dir = args.Get("--data");
  if (!dir.empty()) return dir;
  const char* env = std::getenv("BEVARA_DATA");
  return env && *env ? env : "bevara-data";
}

}  // namespace bevara::cli
