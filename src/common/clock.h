// Time as bevara records it: RFC 3339 in UTC with milliseconds, read from the
// Env's clock (so that tests can set the time).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/common/env.h"

namespace bevara {

// "2026-11-24T09:41:07.123Z" for a time in microseconds since the epoch.
std::string FormatRfc3339(int64_t micros_since_epoch);

// The Env's time now, as FormatRfc3339 writes it.
std::string NowRfc3339(Env* env);

// Today's date in UTC, "YYYY-MM-DD": the day access states are derived for.
std::string TodayUtc(Env* env);

// Whether `s` begins with a calendar date written YYYY-MM-DD (such dates
// are compared as strings: in the index, in queries, in rules).
inline bool StartsWithIsoDate(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// Whether `s` is a date YYYY-MM-DD with a month 01-12 and a day 01-31, or
// such a date followed by "T" and a time (an RFC 3339 time, as the logs
// write them): what a filter on dates or times may be given.
inline bool IsIsoDateOrTime(std::string_view s) {
  if (!StartsWithIsoDate(s)) return false;
  const std::string_view month = s.substr(5, 2), day = s.substr(8, 2);
  if (month < "01" || month > "12" || day < "01" || day > "31") return false;
  return s.size() == 10 || (s.size() <= 40 && s[10] == 'T');
}

}  // namespace bevara
