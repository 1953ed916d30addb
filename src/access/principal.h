// Who is asking: the roles of bevara's API and the caller a request runs as.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bevara::access {

// What a token may do (issue 4):
//   admin      tokens and configuration; no package data
//   archivist  everything on packages: deposit, read, audit
//   auditor    read and audit, no changes; reads the audit log
//   eservice   deposits, and reads its own deposits, for one producer
// A request without a usable token is anonymous and gets nothing under /api.
enum class Role { kAnonymous, kAdmin, kArchivist, kAuditor, kEService };

const char* RoleName(Role role);                          // "archivist", ...
std::optional<Role> ParseRole(std::string_view name);     // not "anonymous"

struct Principal {
  Role role = Role::kAnonymous;
  std::string token_id;  // the token's public id (never the secret); empty when anonymous
  std::string producer;  // eservice: the producer organisation it deposits for

  bool anonymous() const { return role == Role::kAnonymous; }
  // Whether this caller may see packages of `producer_id`: an eservice sees
  // only its own producer's; archivists and auditors see all; admins none.
  bool MaySeeProducer(const std::string& producer_id) const;
  // Whether this caller may see a piece of work (a deposit's job) that the
  // token `token_id` started for `producer_id` (empty: not for an
  // e-service): the token that started it may; an e-service may see its
  // producer's; archivists and auditors all; admins none of another's.
  bool MaySeeWorkOf(const std::string& token_id, const std::string& producer_id) const;
};

}  // namespace bevara::access
