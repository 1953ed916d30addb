#include "ingest/validate/package_scan.h"

#include <cstring>
#include <functional>

#include "ingest/mets/href.h"
#include "ingest/mets/mets_reader.h"
#include "src/common/hex.h"
#include "src/common/path.h"

namespace bevara::ingest {
namespace {

constexpr size_t kBufferSize = 1 << 20;

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

uint64_t PathHash(std::string_view path) { return std::hash<std::string_view>()(path); }

}  // namespace

Result<std::string> ParsedMets::Resolve(std::string_view href) const {
  Result<std::string> r = ResolveHref(href, dir);
  if (r.ok()) *r = prefix + *r;
  return r;
}

std::optional<std::string> ScannedFile::Hex(DigestAlgorithm a) const {
  if (a == DigestAlgorithm::kSha256) return HexEncode(sha256.data(), sha256.size());
  for (const auto& [alg, hex] : other_digests)
    if (alg == a) return hex;
  return std::nullopt;
}

PackageScanner::PackageScanner(Env* env, std::shared_ptr<const SchemaSet> schemas, const ValidatorOptions& options,
                               EntrySink* sink)
    : env_(env),
      schemas_(schemas),
      options_(options),
      sink_(sink),
      parser_(schemas),
      model_parser_(schemas),
      buffer_(kBufferSize) {}

PackageScanner::Role PackageScanner::Classify(const std::vector<std::string_view>& c, std::string* prefix) const {
  std::string_view base = c.back();
  prefix->clear();
  bool wrapped_root = c.size() == 2 && !IsReservedFolder(c[0]);
  // FGS 1.2 exports (ESSArch) name the root document mets.xml; its content,
  // not its name, decides the profile (profile_checks.h DetectProfile).
  if (base == "mets.xml" && !root_seen_ && (c.size() == 1 || wrapped_root)) {
    if (c.size() == 2) *prefix = std::string(c[0]) + "/";
    return Role::kRootMets;
  }
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

void PackageScanner::Register(uint32_t mets_index, ScanResult* result) {
  ParsedMets* mets = result->mets[mets_index].get();
  // The document's directory inside the package, which its hrefs are relative to.
  std::string rel = mets->doc.path.substr(mets->prefix.size());
  size_t slash = rel.rfind('/');
  mets->dir = slash == std::string::npos ? "" : rel.substr(0, slash);
  mets->matched.assign(mets->doc.files.size(), 0);
  for (uint32_t i = 0; i < mets->doc.files.size(); ++i) {
    const FileDeclaration& f = mets->doc.files[i];
    if (!f.has_href) continue;  // reported by the profile checks
    Result<std::string> path = mets->Resolve(f.href);
    if (!path.ok()) {
      result->findings.push_back({path.status().rule(), Severity::kError, path.status().message(), mets->doc.path, f.line});
      continue;
    }
    declared_.emplace(PathHash(*path), DeclarationRef{mets_index, i, false});
    // commons-ip writes '+' for a space (form encoding); accepted, with a warning.
    if (f.href.find('+') != std::string::npos) {
      declared_.emplace(PathHash(PlusAsSpace(*path)), DeclarationRef{mets_index, i, true});
    }
    auto alg = ParseMetsChecksumType(f.checksum_type);
    if (alg && *alg != DigestAlgorithm::kSha256) {
      DigestSet& set = extra_algorithms_[*path];
      set = set.With(*alg);
      if (f.href.find('+') != std::string::npos) {
        DigestSet& spaced = extra_algorithms_[PlusAsSpace(*path)];
        spaced = spaced.With(*alg);
      }
    }
  }
}

void PackageScanner::Verify(const DeclarationRef& ref, const std::string& path, const ScannedFile& file,
                            ScanResult* result) {
  ParsedMets& mets = *result->mets[ref.mets];
  const FileDeclaration& f = mets.doc.files[ref.index];
  mets.matched[ref.index] = 1;
  auto add = [&](const char* rule, std::string message) {
    const RuleInfo* info = FindRule(rule);
    result->findings.push_back({rule, info->severity, std::move(message), mets.doc.path, f.line});
  };
  if (ref.plus_as_space) add("METS-HREF-PLUS", "'" + f.href + "' uses '+' for a space");
  if (f.size >= 0 && static_cast<uint64_t>(f.size) != file.size) {
    add("FILE-SIZE", "'" + path + "' has " + std::to_string(file.size) + " bytes, declared " + std::to_string(f.size));
  }
  if (!f.has_checksum || !f.has_checksum_type) return;  // reported by the profile checks
  auto alg = ParseMetsChecksumType(f.checksum_type);
  if (!alg) {
    add("FILE-CHECKSUM-TYPE", "checksum type '" + f.checksum_type + "' of '" + path + "' cannot be verified");
    return;
  }
  std::optional<std::string> computed = file.Hex(*alg);
  if (!computed) return;  // Finish() rehashes and comes back
  if (!HexDigestEquals(f.checksum, *computed)) {
    add("FILE-CHECKSUM", std::string(MetsChecksumName(*alg)) + " of '" + path + "' is " + *computed + ", declared " +
                             f.checksum);
  }
}

bool PackageScanner::Match(const std::string& path, const ScannedFile& file, ScanResult* result, bool allow_plus) {
  bool any = false;
  auto [begin, end] = declared_.equal_range(PathHash(path));
  for (auto it = begin; it != end; ++it) {
    const DeclarationRef& ref = it->second;
    const ParsedMets& mets = *result->mets[ref.mets];
    // '+' in an href is a literal plus. Reading it as a space (as commons-ip
    // writes it) is a fallback, tried once every file has been seen and only
    // for a declaration no file answered literally.
    if (ref.plus_as_space && (!allow_plus || mets.matched[ref.index])) continue;
    Result<std::string> resolved = mets.Resolve(mets.doc.files[ref.index].href);
    if (!resolved.ok() || (ref.plus_as_space ? PlusAsSpace(*resolved) : *resolved) != path) continue;
    Verify(ref, path, file, result);
    any = true;
  }
  return any;
}

Status PackageScanner::ConsumeFile(PackageReader* reader, const PackageEntry& entry, ScanResult* result) {
  const std::vector<std::string_view> components = SplitPath(entry.path);
  std::string prefix;
  Role role = Classify(components, &prefix);
  auto extra = extra_algorithms_.find(entry.path);
  // SHA-256 is always known: from the sink that stores the bytes when it
  // hashes them (the store), else computed here.
  const bool sink_hashes = sink_ && sink_->ComputesSha256();
  const DigestSet declared_others = extra == extra_algorithms_.end() ? DigestSet() : extra->second;
  MultiDigester digester(sink_hashes ? declared_others : declared_others.With(DigestAlgorithm::kSha256));
  Status read_error;
  if (sink_) BEVARA_RETURN_IF_ERROR(sink_->BeginFile(entry.path));
  // Every byte the XML parser reads is hashed (and handed to the sink) on its
  // way: one pass per file.
  ByteSource source = [&](char* buf, size_t n) -> Result<size_t> {
    Result<size_t> r = reader->Read(buf, n);
    if (r.ok() && sink_ && *r > 0) {
      Status s = sink_->Write(buf, *r);
      if (!s.ok()) r = s;
    }
    if (!r.ok()) {
      read_error = r.status();
      return r;
    }
    digester.Update(buf, *r);
    return r;
  };

  SaxOptions xml_options;
  xml_options.max_issues = options_.max_xml_issues;
  bool is_mets = role == Role::kRootMets || role == Role::kRootSip || role == Role::kRepresentationMets;
  if (is_mets) {
    auto mets = std::make_unique<ParsedMets>();
    mets->doc.path = entry.path;
    mets->is_root = role != Role::kRepresentationMets;
    mets->is_sip_xml = role == Role::kRootSip;
    mets->prefix = prefix;
    xml_options.max_bytes = options_.max_mets_bytes;
    // A file may be declared twice (root and representation METS); the cap
    // only bounds memory against a METS declaring millions of files.
    mets->xml = ReadMetsDocument(&parser_, &model_parser_, source, entry.declared_size, entry.path,
                                 2 * options_.limits.max_entries, xml_options, &mets->doc);
    if (mets->is_root) {
      root_seen_ = true;
      root_prefix_ = prefix;
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
  // Declarations are registered only now, so a METS never answers for itself.
  if (is_mets) Register(static_cast<uint32_t>(result->mets.size() - 1), result);

  ScannedFile file;
  file.size = digester.bytes();
  if (sink_hashes) {
    auto stored = sink_->CompleteSha256();
    if (!stored.ok()) return stored.status();
    file.sha256 = *stored;
  } else {
    std::memcpy(file.sha256.data(), digester.Raw(DigestAlgorithm::kSha256).data(), file.sha256.size());
  }
  for (int a = 1; a < kDigestAlgorithmCount; ++a) {
    auto alg = static_cast<DigestAlgorithm>(a);
    if (declared_others.Has(alg)) file.other_digests.emplace_back(alg, digester.Hex(alg));
  }
  if (sink_) BEVARA_RETURN_IF_ERROR(sink_->EndFile(file));
  ++result->file_count;
  result->total_bytes += file.size;
  const auto& c = components;
  result->has_representations |= (c.size() > 1 && c[0] == "representations") ||
                                 (c.size() > 2 && c[1] == "representations");
  result->has_metadata |= (c.size() > 1 && c[0] == "metadata") || (c.size() > 2 && c[1] == "metadata");
  bool is_root_document = result->root >= 0 && result->mets[result->root]->doc.path == entry.path;
  if (!is_root_document && !Match(entry.path, file, result, /*allow_plus=*/false)) {
    result->unmatched.emplace_back(entry.path, std::move(file));
  }
  return Status::OK();
}

Status PackageScanner::Scan(const std::string& path, ScanResult* result) {
  root_seen_ = false;
  root_prefix_.clear();
  declared_.clear();
  extra_algorithms_.clear();
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
    if (entry.kind == EntryKind::kDirectory) continue;
    Status s = ConsumeFile(reader->get(), entry, result);
    if (!s.ok()) {
      result->stopped = s;
      break;
    }
  }
  if (!result->stopped.ok() && !result->stopped.IsRejected()) return result->stopped;
  return result->stopped.ok() ? Finish(path, result) : Status::OK();
}

// After the last entry: files read before the METS that declares them are
// matched now (rehashed first if their METS wants an algorithm that was not
// computed), the rest are undeclared or outside the package folder, and
// declarations no file answered are missing.
Status PackageScanner::Finish(const std::string& package, ScanResult* result) {
  std::unordered_map<std::string, DigestSet> rehash;
  for (const auto& [path, file] : result->unmatched) {
    auto it = extra_algorithms_.find(path);
    if (it == extra_algorithms_.end()) continue;
    for (int a = 1; a < kDigestAlgorithmCount; ++a) {
      auto alg = static_cast<DigestAlgorithm>(a);
      if (it->second.Has(alg) && !file.Hex(alg)) rehash[path] = rehash[path].With(alg);
    }
  }
  if (!rehash.empty()) BEVARA_RETURN_IF_ERROR(Rehash(package, rehash, result));
  // Every literal match first, then the '+'-as-space fallback: which file a
  // declaration takes must not depend on the order of the archive.
  std::vector<bool> literal(result->unmatched.size(), false);
  for (size_t i = 0; i < result->unmatched.size(); ++i) {
    const auto& [path, file] = result->unmatched[i];
    if (result->root >= 0 && result->mets[result->root]->doc.path == path) continue;
    literal[i] = Match(path, file, result, /*allow_plus=*/false);
  }
  for (size_t i = 0; i < result->unmatched.size(); ++i) {
    const auto& [path, file] = result->unmatched[i];
    if (literal[i]) continue;
    if (result->root >= 0 && result->mets[result->root]->doc.path == path) continue;
    if (Match(path, file, result, /*allow_plus=*/true)) continue;
    if (result->root >= 0 && path.compare(0, root_prefix_.size(), root_prefix_) != 0) {
      result->findings.push_back({"PKG-OUTSIDE-ROOT", Severity::kError,
                                  "'" + path + "' lies outside the package folder '" + root_prefix_ + "'", path, 0});
    } else if (result->root >= 0) {
      result->findings.push_back(
          {"FILE-UNDECLARED", Severity::kError, "'" + path + "' is in the package but no METS declares it", path, 0});
    }
  }
  for (const auto& mets : result->mets) {
    for (size_t i = 0; i < mets->doc.files.size(); ++i) {
      const FileDeclaration& f = mets->doc.files[i];
      if (mets->matched[i] || !f.has_href) continue;
      Result<std::string> path = mets->Resolve(f.href);
      if (!path.ok()) continue;  // reported when the METS was registered
      result->findings.push_back({"FILE-MISSING", Severity::kError,
                                  "declared file '" + *path + "' is not in the package", mets->doc.path, f.line});
    }
  }
  return Status::OK();
}

Status PackageScanner::Rehash(const std::string& package, const std::unordered_map<std::string, DigestSet>& wanted,
                              ScanResult* result) {
  std::unordered_map<std::string, ScannedFile*> by_path;
  for (auto& [path, file] : result->unmatched) by_path[path] = &file;
  auto reader = OpenPackage(env_, package, options_.limits);
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
    ScannedFile* file = by_path.at(entry.path);
    for (int a = 1; a < kDigestAlgorithmCount; ++a) {
      auto alg = static_cast<DigestAlgorithm>(a);
      if (it->second.Has(alg)) file->other_digests.emplace_back(alg, digester.Hex(alg));
    }
  }
}

}  // namespace bevara::ingest
