#include "src/common/digest.h"

#include <openssl/evp.h>

#include <cctype>
#include <stdexcept>

#include "src/common/hex.h"

namespace bevara {
namespace {

// Fetched once: EVP_get_digestbyname-style implicit fetches on every init
// cost measurable time with many small files.
const EVP_MD* FetchMd(DigestAlgorithm a) {
  static const EVP_MD* mds[kDigestAlgorithmCount] = {
      EVP_MD_fetch(nullptr, "SHA256", nullptr), EVP_MD_fetch(nullptr, "SHA512", nullptr),
      EVP_MD_fetch(nullptr, "SHA384", nullptr), EVP_MD_fetch(nullptr, "SHA1", nullptr),
      EVP_MD_fetch(nullptr, "MD5", nullptr)};
  return mds[static_cast<int>(a)];
}

}  // namespace

std::optional<DigestAlgorithm> ParseMetsChecksumType(std::string_view name) {
  if (name == "SHA-256") return DigestAlgorithm::kSha256;
  if (name == "SHA-512") return DigestAlgorithm::kSha512;
  if (name == "SHA-384") return DigestAlgorithm::kSha384;
  if (name == "SHA-1") return DigestAlgorithm::kSha1;
  if (name == "MD5") return DigestAlgorithm::kMd5;
  return std::nullopt;
}

const char* MetsChecksumName(DigestAlgorithm a) {
  switch (a) {
    case DigestAlgorithm::kSha256: return "SHA-256";
    case DigestAlgorithm::kSha512: return "SHA-512";
    case DigestAlgorithm::kSha384: return "SHA-384";
    case DigestAlgorithm::kSha1: return "SHA-1";
    case DigestAlgorithm::kMd5: return "MD5";
  }
  return "?";
}

const char* ShortDigestName(DigestAlgorithm a) {
  switch (a) {
    case DigestAlgorithm::kSha256: return "sha256";
    case DigestAlgorithm::kSha512: return "sha512";
    case DigestAlgorithm::kSha384: return "sha384";
    case DigestAlgorithm::kSha1: return "sha1";
    case DigestAlgorithm::kMd5: return "md5";
  }
  return "?";
}

struct MultiDigester::Impl {
  EVP_MD_CTX* ctx[kDigestAlgorithmCount] = {};
  std::string hex[kDigestAlgorithmCount];
  std::string raw[kDigestAlgorithmCount];
  ~Impl() {
    for (EVP_MD_CTX* c : ctx)
      if (c) EVP_MD_CTX_free(c);
  }
};

MultiDigester::MultiDigester(DigestSet algorithms) : algorithms_(algorithms), impl_(new Impl) {
  for (int i = 0; i < kDigestAlgorithmCount; ++i) {
    auto a = static_cast<DigestAlgorithm>(i);
    if (!algorithms_.Has(a)) continue;
    impl_->ctx[i] = EVP_MD_CTX_new();
    if (impl_->ctx[i] == nullptr || EVP_DigestInit_ex2(impl_->ctx[i], FetchMd(a), nullptr) != 1) {
      // OpenSSL without SHA-256 is not a state bevara can run in.
      throw std::runtime_error("OpenSSL digest initialisation failed");
    }
  }
}

MultiDigester::~MultiDigester() = default;

void MultiDigester::Update(const void* data, size_t n) {
  bytes_ += n;
  for (EVP_MD_CTX* c : impl_->ctx)
    if (c) EVP_DigestUpdate(c, data, n);
}

void MultiDigester::Finish() {
  for (int i = 0; i < kDigestAlgorithmCount; ++i) {
    if (!impl_->ctx[i]) continue;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(impl_->ctx[i], md, &len);
    impl_->hex[i] = HexEncode(md, len);
    impl_->raw[i].assign(reinterpret_cast<const char*>(md), len);
  }
}

const std::string& MultiDigester::Hex(DigestAlgorithm a) const { return impl_->hex[static_cast<int>(a)]; }

const std::string& MultiDigester::Raw(DigestAlgorithm a) const { return impl_->raw[static_cast<int>(a)]; }

bool HexDigestEquals(std::string_view declared, std::string_view computed) {
  if (declared.size() != computed.size()) return false;
  for (size_t i = 0; i < declared.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(declared[i])) != computed[i]) return false;
  }
  return true;
}

std::string Sha256Hex(std::string_view data) {
  MultiDigester d(DigestSet::Of(DigestAlgorithm::kSha256));
  d.Update(data.data(), data.size());
  d.Finish();
  return d.Hex(DigestAlgorithm::kSha256);
}

}  // namespace bevara
