// A full disk, for real: a small ext4 file system the test mounts itself.
// Ingests stop before the reserve with a clear message; reading commands
// and gc work at 0 bytes free; the server answers 507, stays up, stops
// cleanly, and takes deposits again once space returns.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>

#include "tests/cli/run_bevara.h"
#include "tests/server/server_fixture.h"
#include "tests/support/archive_fixture.h"

namespace bevara::testing {
namespace {

namespace fs = std::filesystem;

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    image_ = dir_.Join("disk.img");
    mount_ = dir_.Join("disk");
    fs::create_directories(mount_);
    const std::string make = "truncate -s 40M '" + image_ + "' && mkfs.ext4 -q -m 0 '" + image_ +
                             "' && mount -o loop '" + image_ + "' '" + mount_ + "' 2>&1";
    if (::geteuid() != 0 || std::system(make.c_str()) != 0) {
      GTEST_SKIP() << "cannot mount a loop file system here (needs root and loop devices)";
    }
    mounted_ = true;
    data_ = mount_ + "/data";
  }
  void TearDown() override {
    if (mounted_) {
      EXPECT_EQ(std::system(("umount '" + mount_ + "'").c_str()), 0);
    }
  }

  // Writes a file until the disk is full; returns its path.
  std::string Fill(uint64_t leave_bytes = 0) {
    const std::string path = mount_ + "/fill-" + std::to_string(fills_++);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::string block(64 * 1024, 'f');
    for (;;) {
      const uint64_t free = fs::space(mount_).available;
      if (free <= leave_bytes) break;
      const size_t n = std::min<uint64_t>(block.size(), free - leave_bytes);
      if (::write(fd, block.data(), n) <= 0) break;
    }
    ::fsync(fd);
    ::close(fd);
    return path;
  }

  size_t BlobCount() {
    size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(data_ + "/store/blobs")) n += e.is_regular_file();
    return n;
  }

  TempDir dir_;
  std::string image_, mount_, data_;
  bool mounted_ = false;
  int fills_ = 0;
};

TEST_F(FullDiskTest, ReadingWorksWritingStopsClearlyAndNothingIsLost) {
  ASSERT_EQ(RunBevara("init --data " + data_).exit_code, 0);
  // Packages of about 5 MB until the reserve stops them.
  std::vector<std::string> archived;
  CommandRun refused{0, ""};
  for (uint64_t seed = 1; seed < 20; ++seed) {
    sipgen::SipSpec spec;
    spec.seed = 900 + seed;
    spec.files = 2;
    spec.min_file_size = spec.max_file_size = 2500000;
    const std::string package = WritePackage(sipgen::PlanSip(spec), "tar", dir_, "p" + std::to_string(seed));
    CommandRun run = RunBevara("ingest --data " + data_ + " " + package, /*with_stderr=*/true);
    if (run.exit_code != 0) {
      refused = run;
      break;
    }
    archived.push_back(nlohmann::json::parse(run.out.substr(0, run.out.find('\n')))["package_id"]);
  }
  ASSERT_GE(archived.size(), 3u);
  EXPECT_EQ(refused.exit_code, 2) << refused.out;
  EXPECT_NE(refused.out.find("reserve"), std::string::npos) << refused.out;
  EXPECT_EQ(refused.out.find("not archived"), std::string::npos) << refused.out;

  // Someone else fills the disk to the last byte.
  const std::string fill = Fill();
  const size_t blobs = BlobCount();
  EXPECT_EQ(RunBevara("audit --data " + data_).exit_code, 0);
  EXPECT_EQ(RunBevara("verify --data " + data_ + " " + archived[0]).exit_code, 0);
  CommandRun exported = RunBevara("export --data " + data_ + " " + archived[1] + " " + dir_.Join("out"), true);
  EXPECT_EQ(exported.exit_code, 0) << exported.out;
  EXPECT_EQ(RunBevara("gc --data " + data_).exit_code, 0);
  CommandRun more = RunBevara("ingest --data " + data_ + " " + GeneratePackage(dir_, 950, 2), true);
  EXPECT_EQ(more.exit_code, 2) << more.out;
  EXPECT_EQ(more.out.find("Assertion"), std::string::npos) << more.out;
  EXPECT_EQ(BlobCount(), blobs);

  // With a little room (less than the reserve) the server runs and says 507.
  fs::remove(fill);
  Fill(/*leave_bytes=*/600 << 10);
  {
    auto server = ServerProcess::Start(data_);
    ASSERT_NE(server, nullptr);
    const std::string archivist = server->CreateToken("archivist");
    HttpReply tar = server->Upload("/api/v1/packages", archivist, GeneratePackage(dir_, 951, 3));
    EXPECT_EQ(tar.status, 507) << tar.body;
    EXPECT_EQ(tar.body.find(mount_), std::string::npos) << "no server path: " << tar.body;
    sipgen::SipSpec spec;
    spec.seed = 952;
    spec.files = 2;
    spec.min_file_size = spec.max_file_size = 1 << 20;
    HttpReply zip = server->Upload("/api/v1/packages", archivist, WritePackage(sipgen::PlanSip(spec), "zip", dir_, "z"),
                                   {{"Content-Type", "application/zip"}});
    // Spooled to a file first: 507 when the upload meets the full disk, else
    // accepted and then failed, recorded with its reason (never a bare 500).
    if (zip.status == 202) {
      HttpReply done = server->WaitForJob(zip.Header("location"), archivist);
      auto j = nlohmann::json::parse(done.body);
      EXPECT_EQ(j["state"], "failed") << done.body;
      EXPECT_NE(done.body.find("NoSpace"), std::string::npos) << done.body;
    } else {
      EXPECT_EQ(zip.status, 507) << zip.body;
    }
    EXPECT_EQ(server->Request("GET", "/api/v1/packages/" + archived[0], archivist).status, 200);
    if (!tar.Header("location").empty()) {
      EXPECT_EQ(server->Request("GET", tar.Header("location"), archivist).status, 200) << "the job is recorded";
    }
  }  // stops cleanly (the fixture checks the exit status)

  // Space returns: deposits work again, and nothing acknowledged was lost.
  for (int i = 0; i < fills_; ++i) fs::remove(mount_ + "/fill-" + std::to_string(i));
  {
    auto server = ServerProcess::Start(data_);
    const std::string archivist = server->CreateToken("archivist");
    HttpReply job = server->DepositAndWait(archivist, GeneratePackage(dir_, 953, 3));
    EXPECT_EQ(nlohmann::json::parse(job.body)["state"], "archived") << job.body;
  }
  EXPECT_EQ(RunBevara("audit --data " + data_).exit_code, 0);
  EXPECT_EQ(RunBevara("log verify --data " + data_).exit_code, 0);
}

}  // namespace
}  // namespace bevara::testing
