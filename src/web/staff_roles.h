// Who among the staff may use which pages: the same sets as the JSON API's
// routes for the same work (src/server/api.h, roles::).
#pragma once

#include <set>

#include "src/server/api.h"

namespace bevara::web {

inline const std::set<access::Role> kStaff = {access::Role::kArchivist, access::Role::kAuditor, access::Role::kAdmin};
inline const std::set<access::Role>& kReaders = server::roles::kReaders;        // deposits, packages
inline const std::set<access::Role>& kDepositors = server::roles::kDepositors;  // upload
inline const std::set<access::Role>& kAuditors = server::roles::kAuditors;      // audits
inline const std::set<access::Role>& kLogReaders = server::roles::kLogReaders;  // the audit log
inline const std::set<access::Role>& kArchivists = server::roles::kSearchers;   // requests, access decisions

}  // namespace bevara::web
