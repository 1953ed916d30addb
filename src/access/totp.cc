#include "src/access/totp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "src/common/percent_encoding.h"

namespace bevara::access {
namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}  // namespace

std::string Base32Encode(const std::string& bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<std::string> Base32Decode(const std::string& text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == ' ') continue;
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a';
    else if (c >= '2' && c <= '7') v = c - '2' + 26;
    else return std::nullopt;
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::string NewTotpSecret() {
  unsigned char raw[20];
  if (RAND_bytes(raw, sizeof raw) != 1) return {};  // callers refuse an empty secret
  return Base32Encode(std::string(reinterpret_cast<char*>(raw), sizeof raw));
}

std::optional<std::string> TotpCode(const std::string& secret_base32, uint64_t step) {
  auto key = Base32Decode(secret_base32);
  if (!key || key->empty()) return std::nullopt;
  unsigned char counter[8];
  for (int i = 7; i >= 0; --i) {
    counter[i] = static_cast<unsigned char>(step & 0xff);
    step >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (!HMAC(EVP_sha1(), key->data(), static_cast<int>(key->size()), counter, sizeof counter, mac, &mac_len) ||
      mac_len < 20) {
    return std::nullopt;
  }
  const int offset = mac[mac_len - 1] & 0x0f;  // RFC 4226 5.4: dynamic truncation
  const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) |
                          (mac[offset + 2] << 8) | mac[offset + 3];
  std::string code = std::to_string(binary % 1000000);
  return std::string(6 - code.size(), '0') + code;
}

std::optional<uint64_t> MatchTotp(const std::string& secret_base32, const std::string& code, uint64_t now_step) {
  if (code.size() != 6) return std::nullopt;
  std::optional<uint64_t> found;
  for (uint64_t step = now_step == 0 ? 0 : now_step - 1; step <= now_step + 1; ++step) {
    auto expected = TotpCode(secret_base32, step);
    // Every candidate is compared, match or not: the time taken says nothing.
    if (expected && CRYPTO_memcmp(expected->data(), code.data(), 6) == 0 && !found) found = step;
  }
  return found;
}

std::string TotpUri(const std::string& user, const std::string& secret_base32) {
  return "otpauth://totp/bevara:" + PercentEncode(user, false) + "?secret=" + secret_base32 +
         "&issuer=bevara&algorithm=SHA1&digits=6&period=30";
}

}  // namespace bevara::access
