// bevara: a long-term preservation e-archive. One executable, subcommands.
#include <clocale>
#include <iostream>
#include <string>
#include <vector>

#include "src/cli/commands.h"

namespace {

constexpr const char* kUsage =
    "bevara " BEVARA_VERSION " - long-term preservation e-archive\n"
    "\n"
    "usage: bevara COMMAND [ARGS]\n"
    "  init                 create a new, empty archive (data in --data DIR, $BEVARA_DATA or ./bevara-data)\n"
    "  serve [--init]       run the HTTP API (default http://127.0.0.1:8080); --init creates the archive\n"
    "  token create|revoke|list   manage API tokens\n"
    "  user create|reset|disable|list  people who log in to the web pages\n"
    "  log verify|keygen|checkpoint   check the audit log's hash chain; sign its head\n"
    "  validate PACKAGE     validate a submission package (FGS 2.0 = E-ARK CSIP+SIP, or FGS 1.x)\n"
    "  sip create           make a SIP from a folder of files and a case description (JSON)\n"
    "  ingest PACKAGE...    validate and archive packages durably; print receipts\n"
    "  audit                re-hash every stored file; report missing and corrupt ones\n"
    "  audit --copy NAME [--repair]  audit one copy now; repair what is damaged from a good copy\n"
    "  copies [status]|sync the copies on object stores: what each lacks; copy what is missing\n"
    "  formats              files and bytes per PRONOM format, with the format policy's state\n"
    "  verify PACKAGE-ID    re-hash and check one archived package\n"
    "  export ID DIR        write an archived package (AIP METS + submission) to DIR\n"
    "  export --ocfl DIR    write everything as an OCFL 1.1 storage root\n"
    "  gc                   remove unreferenced blobs and leftovers of interrupted ingests\n"
    "  rebuild              rebuild the catalog from the store alone\n"
    "  reindex              rebuild the search index from the archive\n"
    "  version              print the version\n"
    "\n"
    "Run 'bevara COMMAND --help' for the options of a command.\n";

}  // namespace

int main(int argc, char** argv) {
  // Entry names in packages are UTF-8; libarchive converts through the locale.
  std::setlocale(LC_CTYPE, "C.UTF-8");
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "init") return bevara::cli::InitCommand(args);
  if (command == "serve") return bevara::cli::ServeCommand(args);
  if (command == "token") return bevara::cli::TokenCommand(args);
  if (command == "user") return bevara::cli::UserCommand(args);
  if (command == "log") return bevara::cli::LogCommand(args);
  if (command == "validate") return bevara::cli::ValidateCommand(args);
  if (command == "sip") return bevara::cli::SipCommand(args);
  if (command == "ingest") return bevara::cli::IngestCommand(args);
  if (command == "audit") return bevara::cli::AuditCommand(args);
  if (command == "copies") return bevara::cli::CopiesCommand(args);
  if (command == "formats") return bevara::cli::FormatsCommand(args);
  if (command == "verify") return bevara::cli::VerifyCommand(args);
  if (command == "export") return bevara::cli::ExportCommand(args);
  if (command == "gc") return bevara::cli::GcCommand(args);
  if (command == "rebuild") return bevara::cli::RebuildCommand(args);
  if (command == "reindex") return bevara::cli::ReindexCommand(args);
  if (command == "version" || command == "--version") {
    std::cout << "bevara " BEVARA_VERSION "\n";
    return 0;
  }
  std::cerr << "bevara: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
