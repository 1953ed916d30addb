// Writes a SipPlan as tar, tar.gz, zip (through libarchive) or a directory.
// Entries are written in plan order with the types the plan says, so tests
// can build packages with links, devices and hostile names.
#pragma once

#include <string>

#include "src/common/status.h"
#include "tools/sipgen/sip_generator.h"

namespace bevara::sipgen {

// format: "tar", "tar.gz", "zip" or "dir".
Status WritePlan(const SipPlan& plan, const std::string& format, const std::string& out_path);

}  // namespace bevara::sipgen
