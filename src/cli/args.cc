#include "src/cli/args.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "src/common/env.h"
#include "storage/archive/archive.h"

namespace bevara::cli {

int ParseCommandLine(CLI::App& app, const std::vector<std::string>& argv) {
  std::vector<std::string> reversed(argv.rbegin(), argv.rend());  // CLI11 takes them last first
  try {
    app.parse(reversed);
    return -1;
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << app.get_name() << ": " << e.what() << "\n" << app.help();
    return 2;
  } catch (const std::exception& e) {  // CLI11 promises ParseError; anything else is still a usage error
    std::cerr << app.get_name() << ": " << e.what() << "\n";
    return 2;
  }
}

void AddDataOption(CLI::App& app, std::string* dir) {
  app.add_option("--data", *dir, "data directory (default $BEVARA_DATA, else ./bevara-data)")->type_name("DIR");
}

std::string DataDir(const std::string& option) {
  if (!option.empty()) return option;
  const char* env = std::getenv("BEVARA_DATA");
  return env && *env ? env : "bevara-data";
}

bool RequireArchive(const std::string& dir, const char* command) {
  Status exists = storage::Archive::Exists(Env::Default(), dir);
  if (exists.ok()) return true;
  std::cerr << "bevara " << command << ": " << exists.message() << "\n";
  return false;
}

CLI::Validator AtLeast(double min) {
  std::ostringstream name;
  name << "NUMBER>=" << min;
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        double value = 0;
        size_t used = 0;
        try {
          value = std::stod(text, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != text.size() || !std::isfinite(value) || !(value >= min)) {
          std::ostringstream why;
          why << "'" << text << "' is not a number of at least " << min;
          return why.str();
        }
        return {};
      },
      name.str());
}

int Fail(const char* command, const std::string& what) {
  std::cerr << "bevara " << command << ": " << what << "\n";
  return 2;
}

}  // namespace bevara::cli
