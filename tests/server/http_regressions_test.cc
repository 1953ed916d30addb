// The inputs the HTTP fuzz target (tools/fuzz/fuzz_http.cc) and earlier
// reviews found, replayed against the real server: each is answered with a
// status that is not 500, or the connection is closed, and the server
// stays up.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/server/server_fixture.h"
#include "tools/fuzz/raw_http.h"

namespace bevara::testing {
namespace {

TEST(HttpRegressions, EveryKeptInputIsAnsweredWithoutA500) {
  TempDir dir;
  // Inputs without a whole head wait for the head deadline: a short one.
  auto server = ServerProcess::Start(dir.Join("data"), "[http]\nhead_timeout_seconds = 1\n");
  const std::string token = server->CreateToken("archivist");
  const std::string corpus = std::string(BEVARA_SOURCE_DIR) + "/tests/server/http_fuzz_regressions";
  int replayed = 0;
  for (const auto& e : std::filesystem::directory_iterator(corpus)) {
    std::string request = ReadFile(e.path().string());
    for (size_t at; (at = request.find("@TOKEN@")) != std::string::npos;) request.replace(at, 7, token);
    const std::string reply = fuzz::RawHttpExchange(server->port(), request);
    const std::string name = e.path().filename().string();
    EXPECT_EQ(reply.rfind("HTTP/1.1 5", 0) == 0 && reply.rfind("HTTP/1.1 503", 0) != 0, false)
        << name << ": " << reply.substr(0, 300);
    if (!reply.empty()) {
      EXPECT_EQ(reply.rfind("HTTP/1.", 0), 0u) << name << ": " << reply.substr(0, 300);
    }
    EXPECT_EQ(server->Request("GET", "/health", "").status, 200) << "after " << name;
    ++replayed;
  }
  EXPECT_GE(replayed, 10);
}

}  // namespace
}  // namespace bevara::testing
