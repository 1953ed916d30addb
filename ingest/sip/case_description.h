// CaseDescription: what an e-service (or an archivist) says about a closed
// case to turn a folder of files into a submission package with `bevara sip
// create`. Read from a documented JSON file (README: "Making a SIP"); every
// field is checked, an unknown key is an error (a typo must not silently
// drop a restriction), and an error names the field: `case.records[2].files[0]`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "src/common/result.h"
#include "src/common/status.h"

namespace bevara::ingest {

struct Party {            // an agent of the case or a record
  std::string type;       // agentType: "sökande", "handläggare", "counterpart", ...
  std::string name, organisation;
  std::string personnummer;  // a person's identity number, as given
  std::string organisation_number;
};

struct CaseRestriction {
  std::string type = "confidential";  // confidential, gdpr, integrity, other
  std::string other_type;             // with "other"
  std::string ground;                 // the legal ground: "OSL 26 kap. 1 §"
  std::string explanation;
  std::string ends;                   // YYYY-MM-DD, the last day; empty: no end
};

struct CaseFile {
  std::string path;       // relative to the files folder, '/'-separated
  std::string mimetype;   // empty: from the file name's extension
};

struct CaseRecord {
  std::string id;         // systemIdentifier; empty: <package id>-r<N>
  std::string number;     // objectId (diarienummer:löpnummer); empty: <case number>:<N>
  std::string title, type, direction, date;
  std::vector<Party> parties;
  std::vector<CaseRestriction> restrictions;
  std::vector<CaseFile> files;
};

struct Organisation {
  std::string name, id;   // id: the organisation number
};

struct CaseDescription {
  // package
  std::string package_id;        // OBJID; empty: derived from the description
  std::string label;             // empty: the case title
  std::string created;           // YYYY-MM-DD or xs:dateTime; empty: the case's closing date
  std::string content_category = "Textual works – Digital";
  std::string submission_agreement;
  Organisation archival_creator, producer;
  std::string software_name = "bevara sip create", software_version = "1";
  std::vector<CaseFile> documentation;
  // case
  std::string case_number, title, classification_code, classification, status = "closed";
  std::string opened, closed;
  std::vector<Party> agents;
  std::vector<CaseRestriction> restrictions;
  std::vector<CaseRecord> records;
};

// Parses and checks a description. Rejected("SIP-DESCRIPTION") with the
// field's path on any error.
Result<CaseDescription> ParseCaseDescription(std::string_view json);

}  // namespace bevara::ingest
