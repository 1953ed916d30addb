// TOTP: the second factor of a person's login (RFC 6238: HMAC-SHA1 over
// 30-second steps, 6 digits, as every authenticator app computes it), and
// the base32 text (RFC 4648, no padding) its secret is shown and kept in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace bevara::access {

// A new random secret of 20 bytes (160 bits, RFC 4226's recommendation), base32.
std::string NewTotpSecret();
// The 6-digit code of `secret_base32` for the 30-second step `step`
// (unix seconds / 30); nullopt when the secret is not base32.
std::optional<std::string> TotpCode(const std::string& secret_base32, uint64_t step);
// The step in [now_step - 1, now_step + 1] whose code `code` is (one step
// of clock drift each way), compared in constant time; nullopt if none.
std::optional<uint64_t> MatchTotp(const std::string& secret_base32, const std::string& code, uint64_t now_step);
// otpauth://totp/bevara:NAME?secret=...&issuer=bevara, for a QR code or an app.
std::string TotpUri(const std::string& user, const std::string& secret_base32);

std::string Base32Encode(const std::string& bytes);
std::optional<std::string> Base32Decode(const std::string& text);

}  // namespace bevara::access
