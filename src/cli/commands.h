// The `bevara` subcommands. Each returns the process exit code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bevara::cli {

// bevara init [--data DIR]: exit 0 created or there, 2 could not.
int InitCommand(const std::vector<std::string>& args);

// bevara validate [--format text|json] [--report FILE] PACKAGE
// Exit 0: valid; 1: invalid; 2: could not run.
int ValidateCommand(const std::vector<std::string>& args);
// bevara sip create: a SIP from a folder of files and a case description.
int SipCommand(const std::vector<std::string>& args);

// bevara ingest [--data DIR] [--message TEXT] [--receipt FILE] PACKAGE...
// Exit 0: all archived; 1: some rejected; 2: could not run.
int IngestCommand(const std::vector<std::string>& args);

// bevara audit / verify: exit 0 clean, 1 problems, 2 could not run.
int AuditCommand(const std::vector<std::string>& args);
// bevara copies [status] | sync: exit 0 level, 1 behind or problems, 2 could not run.
int CopiesCommand(const std::vector<std::string>& args);
// bevara audit --copy NAME [--repair]: exit 0 whole (or all repaired), 1 damage left, 2 could not run.
struct CopyAuditRequest {
  std::string data, config_file, copy;
  bool repair = false;
  std::string format;
  uint64_t max_bytes_per_second = 0;
};
int AuditCopyCommand(const CopyAuditRequest& request);
// bevara formats: files and bytes per PRONOM format, with the policy state.
int FormatsCommand(const std::vector<std::string>& args);
int VerifyCommand(const std::vector<std::string>& args);
// bevara export, gc, rebuild: exit 0 done, 2 could not (rebuild: 1 when some
// version records were unreadable).
int ExportCommand(const std::vector<std::string>& args);
int GcCommand(const std::vector<std::string>& args);
int RebuildCommand(const std::vector<std::string>& args);
// bevara reindex: exit 0 done, 2 could not (the old index stays).
int ReindexCommand(const std::vector<std::string>& args);

// bevara serve: runs until SIGINT/SIGTERM; exit 0, or 2 when it cannot start.
int ServeCommand(const std::vector<std::string>& args);
// bevara token create|revoke|list; bevara log verify (0 intact, 1 broken).
int TokenCommand(const std::vector<std::string>& args);
int LogCommand(const std::vector<std::string>& args);
// bevara user create|reset|disable|list: people of the web interface.
int UserCommand(const std::vector<std::string>& args);

}  // namespace bevara::cli
