#include "src/access/principal.h"

namespace bevara::access {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAnonymous: return "anonymous";
    case Role::kAdmin: return "admin";
    case Role::kArchivist: return "archivist";
    case Role::kAuditor: return "auditor";
    case Role::kEService: return "eservice";
  }
  return "anonymous";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "archivist") return Role::kArchivist;
  if (name == "auditor") return Role::kAuditor;
  if (name == "eservice") return Role::kEService;
  return std::nullopt;
}

bool Principal::MaySeeProducer(const std::string& producer_id) const {
  switch (role) {
    case Role::kArchivist:
    case Role::kAuditor: return true;
    case Role::kEService: return !producer.empty() && producer == producer_id;
    default: return false;
  }
}

bool Principal::MaySeeWorkOf(const std::string& owner_token, const std::string& producer_id) const {
  if (!token_id.empty() && owner_token == token_id) return true;
  switch (role) {
    case Role::kArchivist:
    case Role::kAuditor: return true;
    case Role::kEService: return !producer_id.empty() && MaySeeProducer(producer_id);
    default: return false;
  }
}

}  // namespace bevara::access
