// The web interface, served by `bevara serve` on the API's port: pages for
// citizens (search, records, requests for records; no login) and for
// archivists, auditors and admins (login with a password and a one-time
// code). Handlers take what they show from the same services and views as
// the JSON API (src/server/public_view.h, package_view.h), never from the
// API over HTTP.
#pragma once

#include <vector>

#include "src/access/user_store.h"
#include "src/server/api.h"
#include "src/services/job_store.h"
#include "src/services/storage_stats.h"
#include "src/web/sessions.h"

namespace bevara::web {

struct WebApi {
  server::Api* api = nullptr;  // the route families' services
  access::UserStore* users = nullptr;
  Sessions* sessions = nullptr;
  LoginThrottle* throttle = nullptr;
  services::JobStore* jobs = nullptr;
  services::StorageStats* storage = nullptr;
};

// With api == nullptr the handlers must not be called (tests read the table).
std::vector<server::Route> WebRoutes(WebApi* api);

}  // namespace bevara::web
