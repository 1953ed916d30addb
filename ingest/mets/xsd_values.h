// Lexical checks of XML Schema values that bevara checks itself, with the
// rule ids it reports them under.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace bevara::ingest {

// xsd:dateTime, with calendar ranges checked (no 2023-02-30T00:00:00).
bool IsXsdDateTime(std::string_view s);

// The calendar day of an xsd:dateTime or xsd:date with a four-digit year
// (time and zone ignored), or nullopt.
std::optional<std::chrono::sys_days> XsdDay(std::string_view s);

// A non-negative decimal integer that fits in int64 (METS SIZE); -1 if not.
int64_t ParseSize(std::string_view s);

}  // namespace bevara::ingest
