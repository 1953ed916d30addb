// The route tables of the web interface's parts, gathered by WebRoutes.
#pragma once

#include <vector>

#include "src/server/router.h"
#include "src/web/web.h"

namespace bevara::web {

void AddPublicPages(WebApi* web, std::vector<server::Route>* routes);   // the start page, search and records
void AddSearchPage(WebApi* web, std::vector<server::Route>* routes);    // the search page
void AddRequestPages(WebApi* web, std::vector<server::Route>* routes);  // asking for records, following a request
void AddLoginPages(WebApi* web, std::vector<server::Route>* routes);    // login, logout, language, static files
void AddStaffPages(WebApi* web, std::vector<server::Route>* routes);    // dashboard, deposits, audits, the log
void AddPackagePages(WebApi* web, std::vector<server::Route>* routes);  // packages and access decisions
void AddQueuePages(WebApi* web, std::vector<server::Route>* routes);    // requests from citizens, decided
void AddAuditPages(WebApi* web, std::vector<server::Route>* routes);    // audits and the audit log

}  // namespace bevara::web
