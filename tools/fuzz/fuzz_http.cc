// libFuzzer target: any bytes as what a client sends — request line,
// headers, body — through the real connection gate, router and handlers of
// a server assembled as `bevara serve` assembles it (RunningServer), on a
// fresh archive. "@TOKEN@" in an input becomes an archivist's token, so that
// the authorised routes are reached too.
//
// A find: the process dies (a crash, an exception out of a thread), or an
// answer is 500 (a client's bytes never cause one). Finds are kept in
// tests/server/http_fuzz_regressions/, which the test suite replays.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "src/access/token_store.h"
#include "src/cli/running_server.h"
#include "storage/archive/archive.h"
#include "tools/fuzz/raw_http.h"

namespace {

struct Fixture {
  std::unique_ptr<bevara::cli::RunningServer> server;
  std::string token;
};

Fixture* Start() {
  using namespace bevara;
  char dir_template[] = "/tmp/bevara-fuzz-http-XXXXXX";
  const std::string dir = ::mkdtemp(dir_template);
  auto* f = new Fixture();
  {  // an archive and an archivist's token, before the server holds them
    storage::ArchiveOptions create;
    create.create_if_missing = true;
    auto archive = storage::Archive::Open(Env::Default(), dir + "/data", create);
    auto tokens = access::TokenStore::Open(Env::Default(), dir + "/data/access");
    if (!archive.ok() || !tokens.ok()) std::abort();
    auto issued = (*tokens)->Create({access::Role::kArchivist, "", "", "fuzz"});
    if (!issued.ok()) std::abort();
    f->token = issued->secret;
  }
  server::ServerConfig config;
  config.port = 0;
  config.data_dir = dir + "/data";
  config.public_requests_per_second = 0;
  config.head_timeout_seconds = 2;
  auto running = cli::RunningServer::Start(config, /*init=*/false);
  if (!running.ok()) {
    std::fprintf(stderr, "fuzz_http: %s\n", running.status().ToString().c_str());
    std::abort();
  }
  f->server = std::move(*running);
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* f = Start();
  std::string request(reinterpret_cast<const char*>(data), size);
  for (size_t at; (at = request.find("@TOKEN@")) != std::string::npos;) request.replace(at, 7, f->token);
  const std::string reply = bevara::fuzz::RawHttpExchange(f->server->port(), request, /*timeout_seconds=*/5);
  // Every answer that starts is a status line; 500 is never a client's doing.
  if (reply.rfind("HTTP/1.1 500", 0) == 0 || reply.rfind("HTTP/1.0 500", 0) == 0) {
    std::fprintf(stderr, "fuzz_http: a 500 for this input:\n%s\n", reply.substr(0, 2000).c_str());
    std::abort();
  }
  return 0;
}
