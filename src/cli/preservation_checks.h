// The preservation checks of an ingest (PRONOM identification, the format
// policy, ClamAV) made from the server's configuration, for `bevara serve`
// and `bevara ingest --config`.
#pragma once

#include <string>

#include "ingest/pipeline/ingester.h"
#include "src/common/env.h"
#include "src/server/server_config.h"

namespace bevara::cli {

// Fills the identifier, policy and scanner of `options` from `config`.
// InvalidArgument (naming the key) when a signature file, a PUID list or
// the virus database cannot be used. A database that loads no signature is
// an error too: scanning configured is scanning done.
Status ConfigurePreservationChecks(Env* env, const server::ServerConfig& config, ingest::IngestOptions* options);

}  // namespace bevara::cli
