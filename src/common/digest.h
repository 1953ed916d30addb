// Message digests (OpenSSL EVP), several algorithms in one streaming pass.
//
// A package declares one checksum algorithm per file; the content-addressed
// store always needs SHA-256. MultiDigester feeds each buffer to every
// requested algorithm so a file is read exactly once.
//
// Thread-safety: a MultiDigester is used by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bevara {

enum class DigestAlgorithm : uint8_t { kSha256 = 0, kSha512, kSha384, kSha1, kMd5 };
inline constexpr int kDigestAlgorithmCount = 5;

// A small set of algorithms, as a bit mask.
class DigestSet {
 public:
  DigestSet() = default;
  static DigestSet Of(DigestAlgorithm a) { return DigestSet().With(a); }
  DigestSet With(DigestAlgorithm a) const {
    DigestSet s = *this;
    s.bits_ |= Bit(a);
    return s;
  }
  bool Has(DigestAlgorithm a) const { return (bits_ & Bit(a)) != 0; }
  bool Contains(DigestSet other) const { return (bits_ & other.bits_) == other.bits_; }
  bool empty() const { return bits_ == 0; }
  uint8_t bits() const { return bits_; }

 private:
  static uint8_t Bit(DigestAlgorithm a) { return static_cast<uint8_t>(1u << static_cast<int>(a)); }
  uint8_t bits_ = 0;
};

// "SHA-256", "SHA-512", "SHA-384", "SHA-1", "MD5": the METS CHECKSUMTYPE
// vocabulary. Unknown or unsupported names (Adler-32, CRC32, ...) give nullopt.
std::optional<DigestAlgorithm> ParseMetsChecksumType(std::string_view name);
const char* MetsChecksumName(DigestAlgorithm a);
// Lower-case names as used by OCFL and sha256sum: "sha256", "sha512", ...
const char* ShortDigestName(DigestAlgorithm a);

// Computes the digests of one byte stream.
class MultiDigester {
 public:
  explicit MultiDigester(DigestSet algorithms);
  ~MultiDigester();
  MultiDigester(const MultiDigester&) = delete;
  MultiDigester& operator=(const MultiDigester&) = delete;

  void Update(const void* data, size_t n);
  // Ends the stream. REQUIRES: called once, after the last Update.
  void Finish();
  // Lower-case hex. REQUIRES: Finish() was called and `a` was requested.
  const std::string& Hex(DigestAlgorithm a) const;
  // The digest's bytes. REQUIRES: as for Hex().
  const std::string& Raw(DigestAlgorithm a) const;
  DigestSet algorithms() const { return algorithms_; }
  uint64_t bytes() const { return bytes_; }

 private:
  struct Impl;
  DigestSet algorithms_;
  uint64_t bytes_ = 0;
  std::unique_ptr<Impl> impl_;
};

// Compares a declared hex digest with a computed one, ignoring case.
bool HexDigestEquals(std::string_view declared, std::string_view computed);

// The SHA-256 of a byte string, in lower-case hex.
std::string Sha256Hex(std::string_view data);

}  // namespace bevara
