// Unpredictable identifiers from OpenSSL's CSPRNG.
#pragma once

#include <cstddef>
#include <string>

namespace bevara {

// `bytes` random bytes as lower-case hex (2 * bytes characters). Aborts if
// the CSPRNG fails: nothing sensible can continue without randomness.
std::string RandomHex(size_t bytes);

}  // namespace bevara
