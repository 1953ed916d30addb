// Runs the real `bevara` binary as a user would. Header-only: BEVARA_BINARY
// is defined per test target.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace bevara::testing {

struct CommandRun {
  int exit_code;
  std::string out;  // stdout; stderr is discarded
};

// Runs a shell command line; its exit code and what it printed.
inline CommandRun RunShell(const std::string& cmd) {
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// stdout, and stderr too when `with_stderr` (after stdout's, interleaved as written).
inline CommandRun RunBevara(const std::string& args, bool with_stderr = false) {
  return RunShell(std::string(BEVARA_BINARY) + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null"));
}

}  // namespace bevara::testing
