// OCFL 1.1 inventories (https://ocfl.io/1.1/spec/#inventory).
//
// Each AIP version stores, as a blob, the OCFL inventory of its object as of
// that version: id, head, manifest, every version up to this one (created,
// message, user, state) and a fixity block with the algorithms the package
// declared. `bevara export --ocfl` writes these bytes unchanged, so an OCFL
// reader needs nothing from bevara.
//
// The digest algorithm is SHA-256 (the store's own names), which OCFL allows
// beside its recommended SHA-512. Content paths follow OCFL's convention:
// `vN/content/<the first logical path of the digest in version N>`.
#pragma once

#include <functional>
#include <map>
#include <vector>
#include <string>
#include <string_view>

#include "src/common/result.h"

namespace bevara::storage {

// One new version. The maps hold views into the caller's file list, which
// must outlive the call (a copy of 100,000 paths and digests is tens of MB).
struct InventoryVersion {
  std::string created;  // RFC 3339
  std::string message;
  std::string user_name, user_address;  // address: a URI, may be empty
  // sha256 -> logical paths, sorted
  std::map<std::string_view, std::vector<std::string_view>> state;
  // For fixity: logical path -> (algorithm "sha512", "md5", ... -> hex)
  std::map<std::string_view, const std::map<std::string, std::string>*> declared_digests;
};

// The inventory of `object_id` after adding `version` on top of `previous`
// (the head inventory's JSON text, or empty for the first version), written
// to `out` in pieces as compact JSON with sorted keys — the exact bytes that
// are stored, and that an OCFL export copies. (A 100,000-file inventory is
// tens of megabytes of text.)
Status WriteNextInventory(std::string previous, const std::string& object_id, const InventoryVersion& version,
                          const std::function<Status(std::string_view)>& out);
// The same, as one string.
Result<std::string> NextInventory(std::string previous, const std::string& object_id,
                                  const InventoryVersion& version);

// The name OCFL gives version `n`: "v1", "v2", ...
std::string OcflVersionName(unsigned n);

}  // namespace bevara::storage
