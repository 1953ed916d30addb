// The route table and src/server/openapi.json describe the same API.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "src/server/api.h"

namespace bevara::testing {
namespace {

// "{path+}" (the router's rest-of-path parameter) is "{path}" in OpenAPI.
std::string OpenApiPath(std::string pattern) {
  auto plus = pattern.find("+}");
  if (plus != std::string::npos) pattern.erase(plus, 1);
  return pattern;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

TEST(OpenApi, EveryRouteIsDocumentedAndEveryDocumentedOperationExists) {
  auto doc = nlohmann::json::parse(server::OpenApiDocument());
  ASSERT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  std::set<std::string> documented, routed;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) documented.insert(method + " " + path);
  }
  for (const server::Route& r : server::ApiRoutes(nullptr)) {
    routed.insert(Lower(r.method) + " " + OpenApiPath(r.pattern));
  }
  for (const std::string& r : routed) EXPECT_TRUE(documented.count(r)) << r << " is missing from openapi.json";
  for (const std::string& d : documented) EXPECT_TRUE(routed.count(d)) << d << " is documented but not served";
}

TEST(OpenApi, TheDocumentedRolesAreTheRoutesRoles) {
  auto doc = nlohmann::json::parse(server::OpenApiDocument());
  for (const server::Route& r : server::ApiRoutes(nullptr)) {
    const auto& op = doc["paths"][OpenApiPath(r.pattern)][Lower(r.method)];
    std::set<std::string> documented;
    for (const auto& role : op["x-roles"]) documented.insert(role.get<std::string>());
    std::set<std::string> actual;
    for (access::Role role : r.roles) actual.insert(access::RoleName(role));
    EXPECT_EQ(documented, actual) << r.method << " " << r.pattern;
  }
}

}  // namespace
}  // namespace bevara::testing
