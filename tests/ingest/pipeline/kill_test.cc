// SIGKILL at random moments: a child `bevara ingest` archives packages while
// the test kills it; every package acknowledged (its receipt printed) before
// the kill must be intact afterwards, and no catalog entry may point to a
// missing blob.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/cli/run_bevara.h"

#include <chrono>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "storage/archive/audit.h"
#include "storage/archive/maintenance.h"
#include "tests/support/archive_fixture.h"

namespace bevara::ingest {
namespace {

constexpr int kCycles = 50;

struct Ack {
  std::string id, record;
  uint32_t version;
};

// Runs `bevara ingest --data DATA PACKAGES...` and returns what it printed.
// With a delay, kills it after that long if it is still running; *killed
// tells whether the kill is what ended it. Without, waits for it to exit.
std::string RunAndKill(const std::string& data, const std::vector<std::string>& packages,
                       std::optional<std::chrono::microseconds> delay, bool* killed) {
  int out[2];
  EXPECT_EQ(::pipe(out), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, STDERR_FILENO);
    ::close(out[0]);
    std::vector<std::string> args = {BEVARA_BINARY, "ingest", "--data", data};
    args.insert(args.end(), packages.begin(), packages.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(BEVARA_BINARY, argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  // Read as it comes, so that the child never blocks on a full pipe.
  std::string output;
  std::thread reader([&] {
    char buf[65536];
    for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) output.append(buf, static_cast<size_t>(n));
  });
  *killed = false;
  if (delay) {
    std::this_thread::sleep_for(*delay);
    *killed = ::kill(pid, SIGKILL) == 0;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  reader.join();
  ::close(out[0]);
  *killed = *killed && WIFSIGNALED(status);
  return output;
}

// The receipts in the child's output: one JSON document per line.
std::vector<Ack> Acknowledged(const std::string& output) {
  std::vector<Ack> acks;
  size_t start = 0;
  for (size_t end; (end = output.find('\n', start)) != std::string::npos; start = end + 1) {
    auto j = nlohmann::json::parse(output.substr(start, end - start), nullptr, false);
    if (j.is_discarded() || !j.value("archived", false)) continue;
    acks.push_back({j["package_id"], j["record"], j["version"]});
  }
  return acks;
}

TEST(KillTest, AcknowledgedPackagesSurviveSigkill) {
  testing::TempDir dir;
  const std::string data = dir.Join("data");
  ASSERT_EQ(testing::RunBevara("init --data " + data).exit_code, 0);
  // Distinct packages, some sharing an OBJID (new versions), one larger.
  std::vector<std::string> packages;
  for (int i = 0; i < 6; ++i) packages.push_back(testing::GeneratePackage(dir, 300 + i, 6));
  packages.push_back(testing::GeneratePackage(dir, 300, 9));
  packages.push_back(testing::GeneratePackage(dir, 301, 3));
  {
    sipgen::SipSpec spec;
    spec.seed = 310;
    spec.files = 3;
    spec.min_file_size = spec.max_file_size = 3 << 20;
    packages.push_back(testing::WritePackage(sipgen::PlanSip(spec), "tar", dir, "large"));
  }
  // How long a whole run takes, to spread the kills over it.
  ASSERT_EQ(testing::RunBevara("init --data " + dir.Join("timing")).exit_code, 0);
  auto start = std::chrono::steady_clock::now();
  bool killed = false;
  std::vector<Ack> acked = Acknowledged(RunAndKill(dir.Join("timing"), packages, std::nullopt, &killed));
  ASSERT_EQ(acked.size(), packages.size()) << "a full run did not archive everything";
  auto full_run = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);

  std::mt19937_64 rng(::testing::UnitTest::GetInstance()->random_seed());
  std::map<std::pair<std::string, uint32_t>, std::string> acknowledged;  // (id, version) -> record blob
  int interrupted = 0;
  // Kills come within the first half of a full run (a batch of 4 of the 9
  // packages often takes longer). The machine's load changes while the test
  // runs (other tests run beside it): a batch that finished before its kill
  // halves the window, a kill widens it again, so that most cycles are cut.
  uint64_t window = static_cast<uint64_t>(full_run.count() / 2 + 1);
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    std::shuffle(packages.begin(), packages.end(), rng);
    std::vector<std::string> batch(packages.begin(), packages.begin() + 4);
    auto delay = std::chrono::microseconds(rng() % window);
    for (const Ack& a : Acknowledged(RunAndKill(data, batch, delay, &killed))) {
      auto [it, fresh] = acknowledged.emplace(std::make_pair(a.id, a.version), a.record);
      EXPECT_TRUE(fresh || it->second == a.record) << a.id << " v" << a.version << " changed its record";
    }
    interrupted += killed;
    window = killed ? std::min<uint64_t>(window + window / 8 + 1, static_cast<uint64_t>(full_run.count()))
                    : std::max<uint64_t>(window / 2, 1000);

    SCOPED_TRACE("cycle " + std::to_string(cycle));
    auto archive = testing::OpenArchiveOrDie(data);
    ASSERT_NE(archive, nullptr);
    for (const auto& [key, record] : acknowledged) {
      auto version = archive->catalog()->GetVersion(key.first, key.second);
      ASSERT_TRUE(version.ok() && version->has_value()) << key.first << " v" << key.second << " was acknowledged";
      EXPECT_EQ((*version)->record, record);
    }
    testing::ExpectAuditClean(archive.get());
    if (cycle % 10 == 9) {
      ASSERT_TRUE(storage::CollectGarbage(archive.get()).ok());
      testing::ExpectAuditClean(archive.get());
    }
    if (::testing::Test::HasFailure()) break;
  }
  std::printf("%d cycles, %d interrupted by SIGKILL, %zu versions acknowledged (a full run takes %lld ms)\n", kCycles,
              interrupted, acknowledged.size(), static_cast<long long>(full_run.count() / 1000));
  EXPECT_GT(interrupted, kCycles / 2);
}

}  // namespace
}  // namespace bevara::ingest
