// bevara serve: the HTTP API over one data directory.
#include <signal.h>

#include <iostream>

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/cli/running_server.h"

namespace bevara::cli {
namespace {

int Fail(const std::string& what) { return cli::Fail("serve", what); }

// Blocks until SIGINT or SIGTERM.
void WaitForStop() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
}

}  // namespace

int ServeCommand(const std::vector<std::string>& argv) {
  CLI::App app("Serves the HTTP API (default http://127.0.0.1:8080, data in ./bevara-data). On first start an\n"
               "admin token is written to DATA/admin.token (mode 0600). Stops cleanly on SIGINT or SIGTERM.",
               "bevara serve");
  std::string config_file, address, data;
  int port = -1;
  bool init = false;
  app.add_option("--config", config_file, "JSON (.json) or INI settings (see README.md); options here override it")
      ->type_name("FILE");
  auto* address_option = app.add_option("--address", address, "the address to listen on (default 127.0.0.1)");
  auto* port_option = app.add_option("--port", port, "the port (0: any free one)")->check(CLI::Range(0, 65535));
  AddDataOption(app, &data);
  app.add_flag("--init", init, "create a new, empty archive in the data directory if it holds none");
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  server::ServerConfig config;
  if (!config_file.empty()) {
    auto loaded = server::LoadServerConfig(config_file);
    if (!loaded.ok()) return Fail(loaded.status().message());
    config = *loaded;
  }
  if (address_option->count() > 0) config.address = address;
  if (port_option->count() > 0) config.port = port;
  const char* env_data = std::getenv("BEVARA_DATA");
  if (!data.empty() || (env_data && *env_data)) config.data_dir = DataDir(data);
  if (Status s = config.Check(); !s.ok()) return Fail(s.message());
  if (!init && !RequireArchive(config.data_dir, "serve")) return 2;

  // Signals are taken by WaitForStop, in every thread started from here on.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up mid-file is an error return, not a death

  auto running = RunningServer::Start(config, init);
  if (!running.ok()) return Fail(running.status().message());
  std::cout << "bevara: serving " << (*running)->url() << "/api/v1 with data in " << config.data_dir << std::endl;

  WaitForStop();
  std::cout << "bevara: stopping" << std::endl;
  running->reset();
  return 0;
}

}  // namespace bevara::cli
