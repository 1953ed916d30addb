// CaseMetadata: what bevara reads from a package's FGS Ärendehantering
// (E-ARK ERMS) descriptive metadata — the case, its records (handlingar) and
// how each may be accessed under the Public Access to Information and
// Secrecy Act (OSL, 2009:400).
//
// The access state of a record follows from its metadata and the date:
//   secret      a secrecy restriction ("confidential"/"secrecy") whose end
//               date, if any, has not passed; with its legal ground
//   restricted  otherwise, personal data (a "personalData" restriction, or
//               an agent of the record with a personal identity number)
//   public      otherwise
// Secrecy with an end date lapses by itself: the day after the end date the
// record is public (or restricted, if it holds personal data) with no one
// acting. Archivists' own decisions come on top of this (issue 5).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace bevara::ingest {

struct SecrecyMarking {
  std::string regulation;   // as written: "OSL 26 kap. 1 §"
  int chapter = 0, section = 0;  // parsed from it; 0 when it names none
  std::string explanation;
  std::string ends;         // YYYY-MM-DD, the last day of secrecy; empty: no end given
};

struct RecordMetadata {
  std::string system_id;    // the record's systemIdentifier
  std::string object_id;    // its registration number (diarienummer:löpnummer)
  std::string title, record_type;
  std::string direction;    // incoming, outgoing, internal (inkommande, utgående, upprättad)
  std::string created;      // the first date of the record, as written
  std::vector<std::string> documents;  // hrefs of the files the record consists of
  std::optional<SecrecyMarking> secrecy;
  bool personal_data = false;
};

struct CaseMetadata {
  std::string creator;            // arkivbildare
  std::string creator_id;         // its organisation number
  std::string case_number;        // diarienummer
  std::string title;              // ärendemening
  std::string classification_code, classification;
  std::string status;
  std::string opened, closed;     // as written
  std::vector<std::string> agents;  // "type: name (organisation)"
  std::vector<RecordMetadata> records;
};

enum class AccessState { kPublic, kSecret, kRestricted };
const char* AccessStateName(AccessState state);  // "public", "secret", "restricted"

struct RecordAccess {
  AccessState state = AccessState::kPublic;
  std::string ground;       // the legal ground of secrecy, or "personal data"
  std::string public_from;  // secret with an end date: the first public day (YYYY-MM-DD)
};

// The access state on `today` (YYYY-MM-DD).
RecordAccess DeriveAccess(const RecordMetadata& record, const std::string& today);

// "OSL 26 kap. 1 §", "26 kap. 1 § OSL", "26:1 OSL" -> chapter 26, section 1.
bool ParseOslReference(const std::string& text, int* chapter, int* section);

}  // namespace bevara::ingest
