// What a record log does with the files it finds as it opens (record_log.h):
// a torn tail is set aside, and a log of JSON lines that an older bevara
// kept becomes a record log. Both keep every byte they take away.
#pragma once

#include <cstdint>
#include <string>

#include "src/common/env.h"
#include "src/common/status.h"

namespace bevara {

// Moves the bytes of `path` from `offset` to its end into
// <path>.torn-<offset> (durably), cuts `path` at `offset` (durably), and
// says so in the operator's log. `why` tells what was found there.
Status SetAsideTornTail(Env* env, const std::string& path, uint64_t offset, const std::string& why);

// When `path` is not yet a record log and `legacy_path` (which may be the
// same path) is a file of JSON lines, writes its complete JSON lines as the
// records of a new log at `path` (with its head), and keeps the old file as
// <legacy_path>.migrated. Safe to run again after a crash part way. OK and
// nothing done when there is nothing to migrate.
Status MigrateJsonLines(Env* env, const std::string& legacy_path, const std::string& path);

}  // namespace bevara
