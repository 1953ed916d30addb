// Hexadecimal: digests, random ids and blob names are written in it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bevara {

// Appends two hex digits per byte, lower case unless `upper`.
void AppendHex(std::string* out, const void* data, size_t n, bool upper = false);

// Lower-case hex of `n` bytes.
std::string HexEncode(const void* data, size_t n);
inline std::string HexEncode(std::string_view bytes) { return HexEncode(bytes.data(), bytes.size()); }

// The bytes of an even number of hex digits (either case); false otherwise.
bool HexDecode(std::string_view hex, std::string* out);

// True when `text` is non-empty and only lower-case hex digits.
bool IsLowerHex(std::string_view text);

}  // namespace bevara
