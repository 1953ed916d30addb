// bevara init: the one way (with `serve --init`) to make a new archive.
#include <iostream>

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "storage/archive/archive.h"

namespace bevara::cli {

int InitCommand(const std::vector<std::string>& argv) {
  CLI::App app("Creates a new, empty archive in the data directory. Every other command refuses a directory\n"
               "that holds no archive, so that a typo or an unmounted disk never becomes a new, empty archive.\n"
               "Exit status: 0 created (or already there), 2 could not.",
               "bevara init");
  std::string data;
  AddDataOption(app, &data);
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  data = DataDir(data);
  if (storage::Archive::Exists(Env::Default(), data).ok()) {
    std::cout << data << " already holds an archive; nothing changed\n";
    return 0;
  }
  storage::ArchiveOptions options;
  options.create_if_missing = true;
  auto archive = storage::Archive::Open(Env::Default(), data, options);
  if (!archive.ok()) return Fail("init", "cannot create an archive in " + data + ": " + archive.status().ToString());
  std::cout << "created an empty archive in " << data << "\n";
  return 0;
}

}  // namespace bevara::cli
