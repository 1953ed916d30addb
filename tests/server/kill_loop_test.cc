// The long kill loop (not in the default run: tools/run-kill-loop.sh): the
// server is killed with SIGKILL again and again while tar and zip deposits
// arrive side by side. Afterwards every deposit that was answered 202 is
// archived, every archived package exports byte-identical to what was sent,
// and the audit and the audit log's chain are clean.
//   BEVARA_KILL_CYCLES (default 30)
#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "src/common/clock.h"
#include "src/common/digest.h"
#include "tests/cli/run_bevara.h"
#include "tests/server/server_fixture.h"
#include "tests/support/archive_fixture.h"

namespace bevara::testing {
namespace {

namespace fs = std::filesystem;

// relative path -> SHA-256 of every regular file below `root`.
std::map<std::string, std::string> Tree(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) files[fs::relative(e.path(), root).string()] = FileSha256(e.path().string());
  }
  return files;
}

struct Sent {
  std::string job, original_tree;  // the job's href; the package unpacked, as generated
  int cycle;
};

TEST(KillLoop, EveryAcknowledgedDepositSurvivesManyKills) {
  const char* env = std::getenv("BEVARA_KILL_CYCLES");
  const int cycles = env ? std::atoi(env) : 30;
  TempDir dir;
  const std::string data = dir.Join("data");
  std::mt19937 rng(11);
  std::vector<Sent> acknowledged;
  std::vector<std::string> killed_at;  // per cycle
  std::string token;
  int kills = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    auto server = ServerProcess::Start(data, "[ingest]\ndeposit_queue = 64\nworkers = 1\n");
    ASSERT_NE(server, nullptr) << "the server did not start after " << kills << " kills";
    if (token.empty()) token = server->CreateToken("archivist");
    std::mutex mu;
    std::vector<std::thread> clients;
    for (int i = 0; i < 6; ++i) {
      sipgen::SipSpec spec;
      spec.seed = 20000 + static_cast<uint64_t>(cycle) * 10 + static_cast<uint64_t>(i);
      spec.files = 10 + i * 8;
      spec.producer = "212000-0001";
      const sipgen::SipPlan plan = sipgen::PlanSip(spec);
      const std::string name = "c" + std::to_string(cycle) + "-" + std::to_string(i);
      const std::string package = WritePackage(plan, i % 2 ? "zip" : "tar", dir, name);
      const std::string tree = WritePackage(plan, "dir", dir, name + "-dir") + "/" + plan.objid;
      clients.emplace_back([&, package, tree, zip = i % 2 == 1] {
        std::map<std::string, std::string> headers;
        if (zip) headers["Content-Type"] = "application/zip";
        HttpReply r = server->Upload("/api/v1/packages", token, package, headers);
        if (r.status == 202) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.push_back({r.Header("location"), tree, cycle});
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + rng() % 400));
    killed_at.push_back(NowRfc3339(Env::Default()));
    server->Kill();
    ++kills;
    for (auto& t : clients) t.join();
  }
  auto server = ServerProcess::Start(data);
  ASSERT_FALSE(acknowledged.empty());
  int exported = 0, resumed = 0;
  for (const Sent& s : acknowledged) {
    HttpReply r = server->WaitForJob(s.job, token);
    ASSERT_EQ(r.status, 200) << s.job;
    auto j = nlohmann::json::parse(r.body);
    ASSERT_EQ(j["state"], "archived") << r.body;
    if (j.value("finished", "") > killed_at[s.cycle]) ++resumed;  // a kill interrupted it
    const std::string out = dir.Join("export-" + std::to_string(exported++));
    server.reset();  // export reads the archive the server holds
    CommandRun run = RunBevara("export --data " + data + " --version " + std::to_string(j["version"].get<int>()) + " " +
                               j["package_id"].get<std::string>() + " " + out);
    ASSERT_EQ(run.exit_code, 0) << run.out;
    EXPECT_EQ(Tree(out + "/submission"), Tree(s.original_tree)) << j["package_id"];
    server = ServerProcess::Start(data);
  }
  server.reset();
  CommandRun audit = RunBevara("audit --data " + data);
  EXPECT_EQ(audit.exit_code, 0) << audit.out;
  CommandRun log = RunBevara("log verify --data " + data);
  EXPECT_EQ(log.exit_code, 0) << log.out;
  EXPECT_GT(resumed, 0) << "no kill interrupted a deposit: the loop proves nothing";
  std::cerr << acknowledged.size() << " deposits acknowledged across " << kills << " kills (" << resumed
            << " finished only after a restart); all archived, exported byte-identical; audit and log verify clean\n";
}

}  // namespace
}  // namespace bevara::testing
