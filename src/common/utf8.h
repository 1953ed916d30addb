// UTF-8, strictly: no overlong forms, no surrogates, nothing past U+10FFFF.
// Package entry names, search text and request fields are checked with it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bevara {

// Decodes the sequence at s[i]: its length, and the code point in *cp; 0
// when the bytes there are not valid UTF-8.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp);

bool IsValidUtf8(std::string_view s);

// The longest prefix of `s` of at most `max` bytes that does not cut a
// UTF-8 sequence in two.
std::string CutUtf8(std::string_view s, size_t max);

}  // namespace bevara
