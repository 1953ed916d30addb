#include "ingest/reader/entry_policy.h"

#include <utf8proc.h>

#include <cstdio>
#include <cstdlib>

#include "src/common/path.h"
#include "src/common/utf8.h"

namespace bevara::ingest {
namespace {

bool IsAscii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

bool HasControlChar(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    size_t n = DecodeUtf8(s, i, &cp);
    if (n == 0) return false;  // reported as invalid UTF-8 instead
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return true;
    i += n;
  }
  return false;
}

}  // namespace

std::string NfcNormalize(std::string_view utf8) {
  if (IsAscii(utf8)) return std::string(utf8);
  std::string in(utf8);
  utf8proc_uint8_t* out = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(in.c_str()));
  if (out == nullptr) return in;
  std::string result(reinterpret_cast<char*>(out));
  std::free(out);
  return result;
}

std::string Printable(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size();) {
    uint32_t cp = 0;
    size_t n = DecodeUtf8(raw, i, &cp);
    if (n == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
      size_t bytes = n == 0 ? 1 : n;
      for (size_t k = 0; k < bytes; ++k) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(raw[i + k]));
        out += buf;
      }
      i += bytes;
    } else {
      out.append(raw.substr(i, n));
      i += n;
    }
  }
  return out;
}

Status EntryPolicy::CheckName(std::string_view name, const std::string& shown) const {
  if (name.size() > limits_.max_name_bytes) {
    return Status::Rejected("PKG-NAME-TOO-LONG",
                            "entry name is " + std::to_string(name.size()) + " bytes, over the limit of " +
                                std::to_string(limits_.max_name_bytes),
                            shown.substr(0, 200) + "...");
  }
  if (!IsValidUtf8(name)) return Status::Rejected("PKG-INVALID-UTF8", "entry name is not valid UTF-8", shown);
  if (HasControlChar(name)) {
    return Status::Rejected("PKG-CONTROL-CHAR", "entry name holds a control character", shown);
  }
  if (name.find('\\') != std::string_view::npos) {
    return Status::Rejected("PKG-BACKSLASH", "entry name holds a backslash", shown);
  }
  bool drive = name.size() >= 2 && name[1] == ':' &&
               ((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z'));
  if (name.empty()) return Status::Rejected("PKG-EMPTY-COMPONENT", "entry name is empty", shown);
  if (name[0] == '/' || drive) {
    return Status::Rejected("PKG-ABSOLUTE-PATH", "entry name is an absolute path", shown);
  }
  for (std::string_view comp : SplitPath(name)) {
    if (comp == "..") return Status::Rejected("PKG-DOTDOT", "entry name has a '..' component", shown);
    if (comp.empty() || comp == ".") {
      return Status::Rejected("PKG-EMPTY-COMPONENT", "entry name has an empty or '.' component", shown);
    }
  }
  return Status::OK();
}

Status EntryPolicy::CheckCollision(const std::string& name, EntryKind kind) {
  std::string nfc = NfcNormalize(name);
  auto collide = [&](const std::string& why) {
    return Status::Rejected("PKG-NAME-COLLISION", why, name);
  };
  std::hash<std::string_view> hash;
  auto it = seen_.find(hash(nfc));
  if (it != seen_.end()) {
    if (it->second == EntryKind::kDirectory && kind == EntryKind::kDirectory) return Status::OK();
    return collide(nfc == name ? "entry name equals an earlier entry's"
                               : "entry name equals an earlier entry's after Unicode NFC normalisation");
  }
  for (size_t slash = nfc.find('/'); slash != std::string::npos; slash = nfc.find('/', slash + 1)) {
    std::string_view parent(nfc.data(), slash);
    auto [pit, inserted] = seen_.emplace(hash(parent), EntryKind::kDirectory);
    if (!inserted && pit->second == EntryKind::kFile) {
      return collide("entry lies inside '" + std::string(parent) + "', which is a file");
    }
  }
  seen_.emplace(hash(nfc), kind);
  return Status::OK();
}

Status EntryPolicy::Admit(std::string_view raw_name, RawEntryType type, int64_t declared_size,
                          PackageEntry* entry, bool* skip) {
  *skip = false;
  std::string shown = Printable(raw_name);
  std::string_view name = raw_name;
  // Archivers commonly write "./name" and "dir/"; both are harmless spellings.
  while (name.size() >= 2 && name.substr(0, 2) == "./") name.remove_prefix(2);
  if (name == "." || (name.empty() && !raw_name.empty() && raw_name[0] != '/')) {
    *skip = true;
    return Status::OK();
  }
  if (name.size() > 1 && name.back() == '/') name.remove_suffix(1);

  BEVARA_RETURN_IF_ERROR(CheckName(name, shown));
  switch (type) {
    case RawEntryType::kFile:
    case RawEntryType::kDirectory: break;
    case RawEntryType::kSymlink: return Status::Rejected("PKG-SYMLINK", "symbolic links are not accepted", shown);
    case RawEntryType::kHardlink: return Status::Rejected("PKG-HARDLINK", "hard links are not accepted", shown);
    case RawEntryType::kCharDevice:
    case RawEntryType::kBlockDevice: return Status::Rejected("PKG-DEVICE", "device files are not accepted", shown);
    case RawEntryType::kFifo: return Status::Rejected("PKG-FIFO", "FIFOs are not accepted", shown);
    case RawEntryType::kOther:
      return Status::Rejected("PKG-SPECIAL-FILE", "only regular files and directories are accepted", shown);
  }
  EntryKind kind = type == RawEntryType::kFile ? EntryKind::kFile : EntryKind::kDirectory;
  if (kind == EntryKind::kFile ? ++files_ > limits_.max_entries : ++directories_ > limits_.max_directories) {
    return Status::Rejected("PKG-TOO-MANY-ENTRIES",
                            "package has more than " +
                                std::to_string(kind == EntryKind::kFile ? limits_.max_entries : limits_.max_directories) +
                                (kind == EntryKind::kFile ? " files" : " directories"),
                            shown);
  }
  if (kind == EntryKind::kFile && declared_size > 0 &&
      static_cast<uint64_t>(declared_size) > limits_.max_total_bytes - total_bytes_) {
    return Status::Rejected("PKG-TOO-LARGE",
                            "entry declares " + std::to_string(declared_size) +
                                " bytes, beyond the package size limit of " +
                                std::to_string(limits_.max_total_bytes),
                            shown);
  }
  BEVARA_RETURN_IF_ERROR(CheckCollision(std::string(name), kind));
  entry->path.assign(name);
  entry->kind = kind;
  entry->declared_size = declared_size;
  return Status::OK();
}

Status EntryPolicy::CountBytes(uint64_t n) {
  total_bytes_ += n;
  if (total_bytes_ > limits_.max_total_bytes) {
    return Status::Rejected("PKG-TOO-LARGE", "package content exceeds the size limit of " +
                                                 std::to_string(limits_.max_total_bytes) + " bytes");
  }
  return Status::OK();
}

}  // namespace bevara::ingest
