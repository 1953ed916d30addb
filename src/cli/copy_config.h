// The configuration naming the copies, for the CLI commands that take
// --config (bevara copies, audit --copy, log checkpoint and log verify).
#pragma once

#include <string>

#include "src/common/result.h"
#include "src/server/server_config.h"

namespace bevara::cli {

// Loads `config_file` (none: the defaults, the local copy alone); --data or
// $BEVARA_DATA override its data directory, as for `bevara serve`.
Result<server::ServerConfig> LoadCopyConfig(const std::string& config_file, const std::string& data);

}  // namespace bevara::cli
