#include "ingest/formats/pronom_identifier.h"

#include <algorithm>
#include <optional>
#include <set>

namespace bevara::ingest::formats {
namespace {

std::string Extension(std::string_view file_name) {
  size_t slash = file_name.rfind('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == file_name.size()) return "";
  std::string ext(file_name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

bool Claims(const FormatInfo& f, const std::string& ext) {
  return !ext.empty() && std::find(f.extensions.begin(), f.extensions.end(), ext) != f.extensions.end();
}

// Where a signature's first anchor must start, and its first byte, when a
// BOF sequence fixes both: the offset and every left fragment's gap and size.
std::optional<std::pair<uint32_t, unsigned char>> FixedAnchorStart(const InternalSignature& sig) {
  for (const ByteSequence& seq : sig.sequences) {
    const SubSequence& sub = seq.subsequences.front();
    if (seq.anchor != Anchor::kBof || sub.min_offset != sub.max_offset || sub.anchor.empty()) continue;
    uint64_t at = sub.min_offset;
    bool fixed = true;
    for (const Fragment& f : sub.left) {
      size_t size = RunSize(f.alternatives.front());
      for (const Run& r : f.alternatives) fixed = fixed && RunSize(r) == size;
      fixed = fixed && f.min_gap == f.max_gap;
      at += f.min_gap + size;
    }
    if (fixed && at < kUnbounded) return std::pair{static_cast<uint32_t>(at), static_cast<unsigned char>(sub.anchor[0])};
  }
  return std::nullopt;
}

FormatMatch MatchOf(const FormatInfo& f) { return {f.puid, f.name, f.version, f.mime}; }

}  // namespace

std::string_view MethodName(IdentificationMethod m) {
  switch (m) {
    case IdentificationMethod::kSignature: return "signature";
    case IdentificationMethod::kContainer: return "container";
    case IdentificationMethod::kExtension: return "extension";
    case IdentificationMethod::kNone: break;
  }
  return "none";
}

PronomIdentifier::PronomIdentifier(std::unique_ptr<SignatureFiles> files) : files_(std::move(files)) {
  for (size_t i = 0; i < files_->formats.size(); ++i) {
    const FormatInfo& f = files_->formats[i];
    format_by_id_[f.id] = i;
    format_by_puid_.emplace(f.puid, i);
    for (int sig : f.signatures) formats_of_signature_[sig].push_back(i);
    if (f.signatures.empty()) {
      for (const std::string& ext : f.extensions) unsigned_by_extension_[ext].push_back(i);
    }
  }
  required_.resize(files_->signatures.size());
  for (size_t i = 0; i < files_->signatures.size(); ++i) {
    for (const ByteSequence& seq : files_->signatures[i].sequences) {
      for (const SubSequence& sub : seq.subsequences) {
        if (!sub.anchor.empty()) required_[i].push_back({seq.anchor == Anchor::kEof, sub.anchor});
      }
    }
    auto probe = FixedAnchorStart(files_->signatures[i]);
    if (probe) {
      probes_[probe->first][probe->second].push_back(i);
    } else {
      unprobed_.push_back(i);
    }
  }
}

Result<std::unique_ptr<PronomIdentifier>> PronomIdentifier::Create(std::unique_ptr<SignatureFiles> files) {
  if (!files || files->formats.empty()) return Status::InvalidArgument("no formats in the signature files");
  return std::unique_ptr<PronomIdentifier>(new PronomIdentifier(std::move(files)));
}

Result<std::unique_ptr<PronomIdentifier>> PronomIdentifier::CreateEmbedded() {
  auto files = ReadSignatureFiles(EmbeddedDroidSignatureFile(), EmbeddedContainerSignatureFile());
  if (!files.ok()) return files.status();
  return Create(std::move(*files));
}

Result<std::shared_ptr<const PronomIdentifier>> PronomIdentifier::SharedEmbedded() {
  static const Result<std::shared_ptr<const PronomIdentifier>> shared = []() -> Result<std::shared_ptr<const PronomIdentifier>> {
    auto made = CreateEmbedded();
    if (!made.ok()) return made.status();
    return std::shared_ptr<const PronomIdentifier>(std::move(*made));
  }();
  return shared;
}

std::string PronomIdentifier::version() const { return files_->droid_version + "; " + files_->container_version; }

bool PronomIdentifier::SignatureMatches(size_t index, const ScanWindow& window) const {
  for (const Required& r : required_[index]) {
    if (!(r.at_end ? window.EndMayContain(r.anchor) : window.start().MayContain(r.anchor))) return false;
  }
  for (const ByteSequence& s : files_->signatures[index].sequences) {
    if (!Matches(s, window)) return false;
  }
  return true;
}

std::vector<size_t> PronomIdentifier::ApplyPriorities(std::vector<size_t> formats) const {
  std::sort(formats.begin(), formats.end());
  formats.erase(std::unique(formats.begin(), formats.end()), formats.end());
  std::set<int> beaten;
  for (size_t f : formats) {
    for (int loser : files_->formats[f].priority_over) beaten.insert(loser);
  }
  std::vector<size_t> out;
  for (size_t f : formats) {
    if (!beaten.count(files_->formats[f].id)) out.push_back(f);
  }
  return out.empty() ? formats : out;  // a priority cycle keeps them all
}

Identification PronomIdentifier::Identify(const ScanWindow& window, std::string_view file_name,
                                          ContainerReader* container) const {
  std::vector<size_t> matched_formats;
  auto consider = [&](size_t sig) {
    if (!SignatureMatches(sig, window)) return;
    auto it = formats_of_signature_.find(files_->signatures[sig].id);
    if (it != formats_of_signature_.end()) matched_formats.insert(matched_formats.end(), it->second.begin(), it->second.end());
  };
  const std::string_view head = window.head();
  for (const auto& [offset, by_byte] : probes_) {
    if (offset >= head.size()) break;
    for (size_t sig : by_byte[static_cast<unsigned char>(head[offset])]) consider(sig);
  }
  for (size_t sig : unprobed_) consider(sig);

  Identification id;
  if (window.exhausted()) {  // what matched so far is not all that would have
    id.note = "identification gave up: the file needs more matching work than any file should";
    return id;
  }
  const std::string ext = Extension(file_name);
  std::vector<size_t> best = ApplyPriorities(std::move(matched_formats));
  if (best.empty()) {
    auto it = ext.empty() ? unsigned_by_extension_.end() : unsigned_by_extension_.find(ext);
    if (it == unsigned_by_extension_.end()) {
      id.note = "no PRONOM signature matched";
      return id;
    }
    id.method = IdentificationMethod::kExtension;
    for (size_t f : it->second) id.matches.push_back(MatchOf(files_->formats[f]));
    id.note = "no signature matched; the extension ." + ext + " names a format that has no signature";
    return id;
  }
  if (best.size() > 1) {
    std::vector<size_t> claimed;
    for (size_t f : best) {
      if (Claims(files_->formats[f], ext)) claimed.push_back(f);
    }
    if (!claimed.empty() && claimed.size() < best.size()) {
      id.note = std::to_string(best.size()) + " signatures matched at the same priority; the extension ." + ext +
                " chose";
      best = std::move(claimed);
    }
  }
  id.method = IdentificationMethod::kSignature;
  for (size_t f : best) id.matches.push_back(MatchOf(files_->formats[f]));
  if (best.size() > 1) id.note = std::to_string(best.size()) + " formats matched at the same priority";
  if (container) {  // a container among them: its contents decide
    for (size_t f : best) {
      auto trigger = files_->triggers.find(files_->formats[f].puid);
      if (trigger != files_->triggers.end()) return FromContainer(trigger->second, container, std::move(id));
    }
  }
  return id;
}

Identification PronomIdentifier::FromContainer(ContainerType type, ContainerReader* reader,
                                               Identification fallback) const {
  std::set<std::string, std::less<>> wanted_content;
  for (const ContainerSignature& c : files_->containers) {
    if (c.type != type) continue;
    for (const ContainerFile& f : c.files) {
      if (!f.signatures.empty()) wanted_content.insert(f.path);
    }
  }
  std::set<std::string, std::less<>> present;
  std::set<std::pair<int, std::string>> content_matched;  // (container signature id, path)
  bool gave_up = false;  // an entry needed more matching work than any should
  Status s = reader->ForEachEntry(
      type, [&](const std::string& name) { return wanted_content.count(name) > 0; },
      [&](const std::string& name, const ScanWindow* content) {
        present.insert(name);
        if (!content) return;
        for (const ContainerSignature& c : files_->containers) {
          for (const ContainerFile& f : c.files) {
            if (c.type != type || f.path != name) continue;
            for (const InternalSignature& sig : f.signatures) {
              bool all = std::all_of(sig.sequences.begin(), sig.sequences.end(),
                                     [&](const ByteSequence& b) { return Matches(b, *content); });
              if (all) content_matched.insert({c.id, name});
              gave_up = gave_up || content->exhausted();
            }
          }
        }
      });
  if (!s.ok()) {
    // The parsers' own verdicts name no file; anything else (an I/O error
    // may carry a server path) is the caller's to handle.
    const bool verdict = s.code() == StatusCode::kCorruption || s.code() == StatusCode::kInvalidArgument ||
                         s.code() == StatusCode::kNotSupported;
    fallback.note = "the container's entries could not be read" + (verdict ? ": " + s.message() : std::string());
    if (!verdict) fallback.read_error = s;
    return fallback;
  }
  if (gave_up) {  // what matched is not all that would have: no format, rather than the container's
    Identification none;
    none.note = "identification gave up inside the container: an entry needs more matching work than any should";
    return none;
  }
  std::vector<size_t> formats;
  for (const ContainerSignature& c : files_->containers) {
    if (c.type != type) continue;
    bool all = std::all_of(c.files.begin(), c.files.end(), [&](const ContainerFile& f) {
      return present.count(f.path) && (f.signatures.empty() || content_matched.count({c.id, f.path}));
    });
    if (!all) continue;
    for (const std::string& puid : c.puids) {
      auto it = format_by_puid_.find(puid);
      if (it != format_by_puid_.end()) formats.push_back(it->second);
    }
  }
  formats = ApplyPriorities(std::move(formats));
  if (formats.empty()) return fallback;
  Identification id;
  id.method = IdentificationMethod::kContainer;
  for (size_t f : formats) id.matches.push_back(MatchOf(files_->formats[f]));
  if (formats.size() > 1) id.note = std::to_string(formats.size()) + " container formats matched at the same priority";
  return id;
}

}  // namespace bevara::ingest::formats
