// Time as bevara records it: RFC 3339 in UTC with milliseconds, read from the
// Env's clock (so that tests can set the time).
#pragma once

#include <cstdint>
#include <string>

#include "src/common/env.h"

namespace bevara {

// "2026-11-24T09:41:07.123Z" for a time in microseconds since the epoch.
std::string FormatRfc3339(int64_t micros_since_epoch);

// The Env's time now, as FormatRfc3339 writes it.
std::string NowRfc3339(Env* env);

// Today's date in UTC, "YYYY-MM-DD": the day access states are derived for.
std::string TodayUtc(Env* env);

}  // namespace bevara
