#include "src/web/web.h"

#include "src/web/public_pages.h"

namespace bevara::web {

std::vector<server::Route> WebRoutes(WebApi* web) {
  std::vector<server::Route> routes;
  AddPublicPages(web, &routes);
  AddLoginPages(web, &routes);
  AddStaffPages(web, &routes);
  AddPackagePages(web, &routes);
  AddQueuePages(web, &routes);
  return routes;
}

}  // namespace bevara::web
