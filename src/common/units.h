// Sizes and durations as people write them in configuration: "64GiB",
// "512 MiB", "10MB", "4096"; "30s", "10 min", "2h", "500ms", "30".
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace bevara {

// Bytes. Units: B; k/K/KiB, M/MiB, G/GiB, T/TiB (powers of 1024); kB/KB,
// MB, GB, TB (powers of 1000). A plain number is bytes. nullopt for
// anything else, a fraction of a byte, or more than 2^64-1.
std::optional<uint64_t> ParseSize(std::string_view text);

// Seconds. Units: ms, s, min (or m), h, d. A plain number is seconds.
// nullopt for anything else or a negative value.
std::optional<double> ParseDuration(std::string_view text);

}  // namespace bevara
