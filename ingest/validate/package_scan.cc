#include "ingest/validate/package_scan.h"

#include <cstring>

#include "ingest/mets/href.h"
#include "ingest/mets/mets_handler.h"

namespace bevara::ingest {
namespace {

constexpr size_t kBufferSize = 1 << 20;

std::vector<std::string_view> Components(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Folder names CSIP and FGS reserve inside a package: a METS.xml below one of
// them is not the package's own.
bool IsReservedFolder(std::string_view name) {
  return name == "metadata" || name == "representations" || name == "schemas" || name == "documentation" ||
         name == "content" || name == "data";
}

bool EndsWithXml(std::string_view name) {
  if (name.size() < 4) return false;
  std::string_view ext = name.substr(name.size() - 4);
  return ext == ".xml" || ext == ".XML" || ext == ".Xml";
}

}  // namespace

PackageScanner::PackageScanner(Env* env, std::shared_ptr<const SchemaSet> schemas, const ValidatorOptions& options)
    : env_(env), schemas_(schemas), options_(options), parser_(schemas), buffer_(kBufferSize) {}

PackageScanner::Role PackageScanner::Classify(const std::string& path, std::string* prefix) const {
  std::vector<std::string_view> c = Components(path);
  std::string_view base = c.back();
  prefix->clear();
  bool wrapped_root = c.size() == 2 && !IsReservedFolder(c[0]);
  if (base == "METS.xml") {
    if (!root_seen_ && (c.size() == 1 || wrapped_root)) {
      if (c.size() == 2) *prefix = std::string(c[0]) + "/";
      return Role::kRootMets;
    }
    if (c.size() == 3 && c[0] == "representations") return Role::kRepresentationMets;
    if (c.size() == 4 && c[1] == "representations") {
      *prefix = std::string(c[0]) + "/";
      return Role::kRepresentationMets;
    }
  }
  if (base == "sip.xml" && !root_seen_ && (c.size() == 1 || wrapped_root)) {
    if (c.size() == 2) *prefix = std::string(c[0]) + "/";
    return Role::kRootSip;
  }
  if (EndsWithXml(base)) {
    for (size_t i = 0; i + 1 < c.size(); ++i)
      if (c[i] == "metadata") return Role::kMetadataXml;
  }
  return Role::kData;
}

Result<std::string> ParsedMets::Resolve(const FileDeclaration& f) const {
  Result<std::string> r = ResolveHref(f.href, dir);
  if (r.ok()) *r = prefix + *r;
  return r;
}

std::optional<std::string> ScannedFile::Hex(DigestAlgorithm a) const {
  if (a == DigestAlgorithm::kSha256) {
    static const char kHex[] = "0123456789abcdef";
    std::string hex(64, '0');
    for (size_t i = 0; i < 32; ++i) {
      hex[2 * i] = kHex[sha256[i] >> 4];
      hex[2 * i + 1] = kHex[sha256[i] & 15];
    }
    return hex;
  }
  for (const auto& [alg, hex] : other_digests)
    if (alg == a) return hex;
  return std::nullopt;
}

void PackageScanner::Register(ParsedMets* mets) {
  // The document's directory inside the package, which its hrefs are relative to.
  std::string rel = mets->doc.path.substr(mets->prefix.size());
  size_t slash = rel.rfind('/');
  mets->dir = slash == std::string::npos ? "" : rel.substr(0, slash);
  for (const FileDeclaration& f : mets->doc.files) {
    auto alg = ParseMetsChecksumType(f.checksum_type);
    if (!alg || *alg == DigestAlgorithm::kSha256) continue;
    Result<std::string> r = mets->Resolve(f);
    if (!r.ok()) continue;
    DigestSet& set = declared_algorithms_[*r];
    set = set.With(*alg);
  }
}

Status PackageScanner::ConsumeFile(PackageReader* reader, const PackageEntry& entry, ScanResult* result) {
  std::string prefix;
  Role role = Classify(entry.path, &prefix);
  DigestSet algorithms = DigestSet::Of(DigestAlgorithm::kSha256);
  if (auto it = declared_algorithms_.find(entry.path); it != declared_algorithms_.end()) {
    for (int a = 0; a < kDigestAlgorithmCount; ++a)
      if (it->second.Has(static_cast<DigestAlgorithm>(a))) algorithms = algorithms.With(static_cast<DigestAlgorithm>(a));
  }
  MultiDigester digester(algorithms);
  Status read_error;
  // Every byte the XML parser reads is hashed on its way: one pass per file.
  ByteSource source = [&](char* buf, size_t n) -> Result<size_t> {
    Result<size_t> r = reader->Read(buf, n);
    if (!r.ok()) {
      read_error = r.status();
      return r;
    }
    digester.Update(buf, *r);
    return r;
  };

  SaxOptions xml_options;
  xml_options.max_issues = options_.max_xml_issues;
  if (role == Role::kRootMets || role == Role::kRootSip || role == Role::kRepresentationMets) {
    auto mets = std::make_unique<ParsedMets>();
    mets->doc.path = entry.path;
    mets->is_root = role != Role::kRepresentationMets;
    mets->is_sip_xml = role == Role::kRootSip;
    mets->prefix = prefix;
    xml_options.max_bytes = options_.max_mets_bytes;
    MetsHandler handler(&mets->doc, options_.limits.max_entries);
    mets->xml = parser_.Parse(source, entry.path, &handler, xml_options);
    Register(mets.get());
    if (mets->is_root) {
      root_seen_ = true;
      result->root = static_cast<int>(result->mets.size());
    }
    result->mets.push_back(std::move(mets));
  } else if (role == Role::kMetadataXml) {
    xml_options.max_bytes = options_.max_metadata_xml_bytes;
    result->metadata.push_back({entry.path, parser_.Parse(source, entry.path, nullptr, xml_options)});
  }
  // Whatever the parser did not read (or all of a data file) is hashed here.
  for (;;) {
    Result<size_t> r = source(buffer_.data(), buffer_.size());
    if (!r.ok() || *r == 0) break;
  }
  if (!read_error.ok()) return read_error;
  digester.Finish();
  auto [it, inserted] = result->files.try_emplace(entry.path);
  ScannedFile& file = it->second;
  file.size = digester.bytes();
  std::memcpy(file.sha256.data(), digester.Raw(DigestAlgorithm::kSha256).data(), file.sha256.size());
  for (int a = 1; a < kDigestAlgorithmCount; ++a) {
    auto alg = static_cast<DigestAlgorithm>(a);
    if (algorithms.Has(alg)) file.other_digests.emplace_back(alg, digester.Hex(alg));
  }
  if (inserted) result->file_order.push_back(&it->first);
  result->total_bytes += file.size;
  return Status::OK();
}

Status PackageScanner::Scan(const std::string& path, ScanResult* result) {
  root_seen_ = false;
  declared_algorithms_.clear();
  auto reader = OpenPackage(env_, path, options_.limits);
  if (!reader.ok()) {
    if (reader.status().IsRejected()) {
      result->stopped = reader.status();
      return Status::OK();
    }
    return reader.status();
  }
  PackageEntry entry;
  for (;;) {
    Result<bool> more = (*reader)->Next(&entry);
    if (result->format.empty()) result->format = (*reader)->format();
    if (!more.ok()) {
      result->stopped = more.status();
      break;
    }
    if (!*more) break;
    if (entry.kind == EntryKind::kDirectory) {
      result->directories.push_back(entry.path);
      continue;
    }
    Status s = ConsumeFile(reader->get(), entry, result);
    if (!s.ok()) {
      result->stopped = s;
      break;
    }
  }
  return Status::OK();
}

Status PackageScanner::Rehash(const std::string& path, const std::unordered_map<std::string, DigestSet>& wanted,
                              ScanResult* result) {
  auto reader = OpenPackage(env_, path, options_.limits);
  if (!reader.ok()) return reader.status();
  PackageEntry entry;
  for (;;) {
    Result<bool> more = (*reader)->Next(&entry);
    if (!more.ok()) return more.status();
    if (!*more) return Status::OK();
    auto it = wanted.find(entry.path);
    if (it == wanted.end()) continue;
    MultiDigester digester(it->second);
    for (;;) {
      Result<size_t> r = (*reader)->Read(buffer_.data(), buffer_.size());
      if (!r.ok()) return r.status();
      if (*r == 0) break;
      digester.Update(buffer_.data(), *r);
    }
    digester.Finish();
    ScannedFile& file = result->files[entry.path];
    for (int a = 1; a < kDigestAlgorithmCount; ++a) {
      auto alg = static_cast<DigestAlgorithm>(a);
      if (it->second.Has(alg) && !file.Hex(alg)) file.other_digests.emplace_back(alg, digester.Hex(alg));
    }
  }
}

}  // namespace bevara::ingest
