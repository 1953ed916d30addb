#include "src/common/random.h"

#include "src/common/hex.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace bevara {

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    std::fputs("bevara: the random number generator failed\n", stderr);
    std::abort();
  }
  return HexEncode(raw.data(), raw.size());
}

}  // namespace bevara
